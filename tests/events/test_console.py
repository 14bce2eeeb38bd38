import uuid

import pytest
from django.urls import reverse

from events.domain.facilitation import form_project, set_phase
from events.domain.naming import answer_naming_request
from events.domain.participation import cast_vote, join_table, post_idea
from events.enums import Phase
from events.models import FormedProject, Idea, Quote, SynthesisContribution, Table
from territoire.enums import Role
from tests.challenges.factories import ChallengeFactory
from tests.conftest import member
from tests.events.factories import (
    EventFactory,
    IdeaFactory,
    ParticipantFactory,
    QuoteFactory,
    SynthesisContributionFactory,
    TableFactory,
)


@pytest.fixture
def table_facilitator(cast):
    return member(cast.territory, Role.FACILITATOR, email="anim-table@example.org")


@pytest.fixture
def table(cast, table_facilitator):
    event = EventFactory(territory=cast.territory, title="Soirée de Roubaix")
    challenge = ChallengeFactory(territory=cast.territory, title="Seniors connectés")
    return TableFactory(
        event=event,
        challenge=challenge,
        name="Seniors 1",
        code="SEN7",
        facilitators=[table_facilitator],
    )


def url(name: str, table: Table) -> str:
    return reverse(name, kwargs={"code": table.code})


def seat(table: Table, name: str = "Nadia", **fields):
    return join_table(table=table, key=uuid.uuid4().hex, display_name=name, **fields)


def idea(table: Table, text: str):
    return post_idea(participant=seat(table), text=text, client_key=uuid.uuid4())


def fresh(table: Table) -> Table:
    return Table.objects.get(pk=table.pk)


# Who may use the console ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("table_facilitator", 200),
        ("facilitator", 403),  # a facilitator of the territory, at another table
        ("organiser", 200),
        ("superuser", 200),
        ("coach", 403),
        ("official", 403),
        ("stranger", 403),
        ("other_organiser", 403),
    ],
)
def test_console_is_for_the_tables_facilitators_and_organisers(
    client, cast, table, table_facilitator, role, expected
):
    TableFactory(event=table.event, facilitators=[cast.facilitator])
    user = table_facilitator if role == "table_facilitator" else getattr(cast, role)
    client.force_login(user)

    for name in ("console", "console_live", "console_synthesis"):
        assert client.get(url(name, table)).status_code == expected
    allowed_answers = {200, 303} if expected == 200 else {403}
    for name in ("console_merge", "console_theme", "console_phase", "console_project"):
        assert client.post(url(name, table), {"phase": "vote"}).status_code in allowed_answers
    assert fresh(table).phase == (Phase.VOTE if expected == 200 else Phase.IDEATION)


def test_console_sends_anonymous_people_to_log_in(client, table):
    response = client.get(url("console", table))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_console_finds_the_table_by_code_in_any_case_and_404s_unknown_codes(client, cast, table):
    client.force_login(cast.organiser)

    assert client.get(reverse("console", kwargs={"code": "sen7"})).status_code == 200
    assert client.get(reverse("console", kwargs={"code": "NOPE"})).status_code == 404
    assert client.post(reverse("console_merge", kwargs={"code": "NOPE"})).status_code == 404


# The page ---------------------------------------------------------------------------------------


def test_console_shows_the_table_its_participants_ideas_and_projects(
    client, table, table_facilitator
):
    seat(table, "Léa", organisation_name="Centre social")
    first = idea(table, "Un bus numérique")
    second = idea(table, "Un car numérique")
    set_phase(table=table, phase=Phase.VOTE, minutes=10, by=None)
    voter = seat(table, "Paul")
    cast_vote(participant=voter, idea=first, client_key=uuid.uuid4())
    cast_vote(participant=voter, idea=second, client_key=uuid.uuid4())
    cast_vote(participant=voter, idea=second, client_key=uuid.uuid4())
    form_project(
        table=table,
        name="Bus des seniors",
        pitch="Un bus qui va vers eux.",
        ideas=[second],
        members=[{"full_name": "Marc Dupuis", "email": "marc@example.org"}],
        by=table_facilitator,
    )
    client.force_login(table_facilitator)

    response = client.get(url("console", table))

    html = response.content.decode()
    state = response.context["state"]
    assert [(i.text, i.total_votes) for i in state.ideas] == [
        ("Un car numérique", 2),
        ("Un bus numérique", 1),
    ]
    assert [p.display_name for p in state.participants] == ["Léa", "Nadia", "Nadia", "Paul"]
    assert "Seniors connectés" in html
    assert "Léa" in html and "Centre social" in html
    assert "Bus des seniors" in html and "marc@example.org" in html
    assert 'hx-get="/espace/tables/SEN7/flux/"' in html
    assert response["ETag"] == f'W/"c{table.pk}-v{fresh(table).version}"'


def test_console_live_answers_304_until_a_new_idea_arrives(client, table, table_facilitator):
    idea(table, "Un jardin partagé")
    client.force_login(table_facilitator)
    first = client.get(url("console_live", table))
    etag = first["ETag"]

    unchanged = client.get(url("console_live", table), headers={"If-None-Match": etag})
    idea(table, "Une ressourcerie")
    changed = client.get(url("console_live", table), headers={"If-None-Match": etag})

    assert first.status_code == 200
    assert "Un jardin partagé" in first.content.decode()
    assert "<html" not in first.content.decode()
    assert unchanged.status_code == 304
    assert unchanged.content == b""
    assert unchanged["ETag"] == etag
    assert unchanged["HX-Reswap"] == "none"
    assert changed.status_code == 200
    assert changed["ETag"] != etag
    assert "Une ressourcerie" in changed.content.decode()


def test_console_live_carries_its_own_etag_for_the_next_poll(client, table, table_facilitator):
    client.force_login(table_facilitator)

    response = client.get(url("console_live", table), headers={"HX-Request": "true"})

    assert f"W/\\&quot;c{table.pk}-v" in response.content.decode()
    assert "HX-Request" in response["Vary"]


# Actions ----------------------------------------------------------------------------------------


def test_merge_by_plain_post_redirects_back_with_a_message(client, table, table_facilitator):
    duplicate, target = idea(table, "Un bus"), idea(table, "Un car")
    client.force_login(table_facilitator)

    response = client.post(
        url("console_merge", table), {"idea": duplicate.pk, "into": target.pk}, follow=True
    )

    assert response.redirect_chain == [(url("console", table) + "#idees", 303)]
    assert [str(m) for m in response.context["messages"]] == ["Les deux idées sont regroupées."]
    duplicate.refresh_from_db()
    assert duplicate.merged_into == target


def test_merge_by_htmx_answers_the_live_part_with_its_message(client, table, table_facilitator):
    duplicate, target = idea(table, "Un bus"), idea(table, "Un car")
    client.force_login(table_facilitator)

    response = client.post(
        url("console_merge", table),
        {"idea": duplicate.pk, "into": target.pk},
        headers={"HX-Request": "true"},
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="console-live"')
    assert "Les deux idées sont regroupées." in html
    assert "Séparer" in html


@pytest.mark.parametrize(
    "data",
    [
        {"idea": "x", "into": "1"},
        {"idea": "", "into": ""},
        {},
        {"idea": "99999999999999999999", "into": "2"},
    ],
)
def test_merge_with_tampered_ids_answers_a_message(client, table, table_facilitator, data):
    client.force_login(table_facilitator)

    response = client.post(url("console_merge", table), data, follow=True)

    assert response.status_code == 200
    assert [m.level_tag for m in response.context["messages"]] == ["error"]


def test_merge_refuses_an_idea_of_another_table(client, cast, table, table_facilitator):
    mine = idea(table, "Un bus")
    theirs = IdeaFactory(table=TableFactory(event=table.event))
    client.force_login(table_facilitator)

    response = client.post(
        url("console_merge", table), {"idea": mine.pk, "into": theirs.pk}, follow=True
    )

    assert [str(m) for m in response.context["messages"]] == [
        "Cette idée n'est pas sur cette table."
    ]
    assert Idea.objects.filter(merged_into__isnull=False).count() == 0


def test_separating_a_merged_idea(client, table, table_facilitator):
    duplicate, target = idea(table, "Un bus"), idea(table, "Un car")
    Idea.objects.filter(pk=duplicate.pk).update(merged_into=target)
    client.force_login(table_facilitator)

    client.post(url("console_merge", table), {"idea": duplicate.pk, "into": ""})

    duplicate.refresh_from_db()
    assert duplicate.merged_into is None


def test_theme_post_groups_the_idea(client, table, table_facilitator):
    an_idea = idea(table, "Un bus")
    client.force_login(table_facilitator)

    response = client.post(
        url("console_theme", table), {"idea": an_idea.pk, "theme_name": "Mobilité"}, follow=True
    )

    an_idea.refresh_from_db()
    assert an_idea.theme.name == "Mobilité"
    assert [str(m) for m in response.context["messages"]] == [
        "Idée classée sous le thème « Mobilité »."
    ]


def test_phase_post_starts_the_phase_with_its_timer(client, table, table_facilitator):
    client.force_login(table_facilitator)

    response = client.post(url("console_phase", table), {"phase": "vote", "minutes": "12"})

    table = fresh(table)
    assert response.status_code == 303
    assert table.phase == Phase.VOTE
    assert (table.phase_ends_at - table.phase_started_at).total_seconds() == 12 * 60


@pytest.mark.parametrize(
    "data", [{"phase": "pause"}, {"phase": "vote", "minutes": "0"}, {"minutes": "abc"}]
)
def test_phase_post_with_bad_input_answers_a_message(client, table, table_facilitator, data):
    client.force_login(table_facilitator)

    response = client.post(url("console_phase", table), data, follow=True)

    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert fresh(table).phase == Phase.IDEATION


def project_data(**overrides):
    data = {
        "name": "Bus des seniors",
        "pitch": "Un bus qui va vers les seniors isolés.",
        "membre-0-full_name": "Marc Dupuis",
        "membre-0-email": "marc@example.org",
        "membre-0-phone": "0612345678",
        "membre-0-organisation_name": "Mairie",
    }
    return data | overrides


def test_project_post_forms_the_project(client, table, table_facilitator):
    an_idea = idea(table, "Un bus")
    seated = seat(table, "Léa")
    client.force_login(table_facilitator)

    response = client.post(
        url("console_project", table),
        project_data(ideas=[an_idea.pk], participants=[seated.pk]),
    )

    assert response.status_code == 303
    project = FormedProject.objects.get()
    assert list(project.ideas.all()) == [an_idea]
    assert sorted(m.full_name for m in project.team.all()) == ["Léa", "Marc Dupuis"]
    assert fresh(table).project_count == 1


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        (
            {
                "membre-0-full_name": "",
                "membre-0-email": "",
                "membre-0-phone": "",
                "membre-0-organisation_name": "",
            },
            "au moins un membre",
        ),
        ({"membre-0-email": "pas-une-adresse"}, "Saisissez une adresse de courriel valide"),
        ({"name": ""}, "Ce champ est obligatoire"),
        ({"ideas": ["999999"]}, "Sélectionnez un choix valide"),
    ],
)
def test_project_post_with_bad_input_keeps_what_was_typed(
    client, table, table_facilitator, overrides, error
):
    client.force_login(table_facilitator)

    response = client.post(url("console_project", table), project_data(**overrides))

    html = response.content.decode()
    assert response.status_code == 200
    assert error in html
    assert "Un bus qui va vers les seniors isolés." in html
    assert FormedProject.objects.count() == 0


def test_project_post_refuses_a_duplicate_name(client, table, table_facilitator):
    client.force_login(table_facilitator)
    client.post(url("console_project", table), project_data())

    response = client.post(url("console_project", table), project_data())

    assert "La table a déjà formé un projet nommé « Bus des seniors »." in response.content.decode()
    assert FormedProject.objects.count() == 1


# The synthesis ----------------------------------------------------------------------------------


def test_synthesis_shows_how_each_item_will_be_printed(client, table, table_facilitator):
    SynthesisContributionFactory(
        table=table, person_name="Marie", organisation_name="Mutuelle", consent_to_be_named=True
    )
    SynthesisContributionFactory(
        table=table, person_name="Secret", organisation_name="Mairie", consent_to_be_named=False
    )
    QuoteFactory(
        table=table,
        text="On y va !",
        speaker_name="Jean",
        organisation_name="Asso",
        consent_to_be_named=False,
    )
    client.force_login(table_facilitator)

    html = client.get(url("console_synthesis", table)).content.decode()

    assert "<strong>Marie — Mutuelle</strong>" in html
    assert "<strong>Mairie</strong>" in html
    assert "<strong>Secret" not in html
    assert "«\u00a0On y va !\u00a0» — <cite>Asso</cite>" in html


def test_synthesis_add_contribution_asks_the_linked_participant_and_cannot_answer_for_her(
    client, table, table_facilitator
):
    # Before issue 14 the console's "consent" radio named her; now a tampered POST carrying the
    # old field (or the model's) is ignored: only she answers, on her phone.
    participant = seat(table, "Marie", organisation_name="Mutuelle", consent_to_be_named=True)
    client.force_login(table_facilitator)

    response = client.post(
        url("console_synthesis", table),
        {
            "action": "contribution:add",
            "contribution-participant": participant.pk,
            "contribution-name": "",
            "contribution-organisation_name": "",
            "contribution-consent": "1",
            "contribution-consent_to_be_named": "on",
            "contribution-ask_consent": "on",
            "contribution-text": "Des ateliers numériques en mairie.",
        },
    )

    assert response.status_code == 303
    assert response["Location"] == url("console_synthesis", table) + "#contributions"
    contribution = SynthesisContribution.objects.get()
    assert (contribution.participant, contribution.signature) == (participant, "Mutuelle")
    assert contribution.naming_pending
    page = client.get(url("console_synthesis", table)).content.decode()
    assert "en attente de sa réponse" in page


def test_synthesis_edit_cannot_name_someone_who_declined(client, table, table_facilitator):
    participant = seat(table, "Jean", organisation_name="Mairie", consent_to_be_named=True)
    quote = QuoteFactory(
        table=table, participant=participant, speaker_name="Jean", consent_to_be_named=False
    )
    quote.naming_asked_at = quote.created_at
    quote.save()
    answer_naming_request(participant=participant, item=quote, accept=False)
    client.force_login(table_facilitator)
    prefix = f"edit-quote-{quote.pk}"

    response = client.post(
        url("console_synthesis", table),
        {
            "action": "quote:edit",
            "item": quote.pk,
            f"{prefix}-participant": participant.pk,
            f"{prefix}-name": "Jean",
            f"{prefix}-organisation_name": "Mairie",
            f"{prefix}-consent": "1",
            f"{prefix}-consent_to_be_named": "True",
            f"{prefix}-naming_answered_at": "",
            f"{prefix}-ask_consent": "on",
            f"{prefix}-text": "Quand on y croit, on y va !",
        },
    )

    assert response.status_code == 303
    quote.refresh_from_db()
    assert (quote.consent_to_be_named, quote.attribution) == (False, "Mairie")
    assert quote.naming_answered_at is not None


def test_synthesis_edit_and_delete(client, table, table_facilitator):
    contribution = SynthesisContributionFactory(table=table)
    quote = QuoteFactory(table=table)
    client.force_login(table_facilitator)
    prefix = f"edit-contribution-{contribution.pk}"

    client.post(
        url("console_synthesis", table),
        {
            "action": "contribution:edit",
            "item": contribution.pk,
            f"{prefix}-name": "Marie Exemple",
            f"{prefix}-organisation_name": "Mutuelle",
            f"{prefix}-text": "Corrigé.",
        },
    )
    client.post(url("console_synthesis", table), {"action": "quote:delete", "item": quote.pk})

    contribution.refresh_from_db()
    assert (contribution.text, contribution.signature) == ("Corrigé.", "Mutuelle")
    assert Quote.objects.count() == 0


def test_synthesis_bad_input_keeps_the_text_and_never_touches_other_tables(
    client, table, table_facilitator
):
    elsewhere = SynthesisContributionFactory(table=TableFactory(event=table.event))
    client.force_login(table_facilitator)

    empty = client.post(
        url("console_synthesis", table),
        {"action": "contribution:add", "contribution-name": "Marie", "contribution-text": ""},
    )
    foreign = client.post(
        url("console_synthesis", table),
        {"action": "contribution:delete", "item": elsewhere.pk},
        follow=True,
    )
    unknown = client.post(url("console_synthesis", table), {"action": "drop:all"}, follow=True)
    bad_participant = client.post(
        url("console_synthesis", table),
        {
            "action": "quote:add",
            "quote-participant": ParticipantFactory().pk,
            "quote-text": "Texte gardé",
        },
    )

    assert empty.status_code == 200
    assert 'value="Marie"' in empty.content.decode()
    assert [m.level_tag for m in foreign.context["messages"]] == ["error"]
    assert [m.level_tag for m in unknown.context["messages"]] == ["error"]
    assert bad_participant.status_code == 200
    assert "Texte gardé" in bad_participant.content.decode()
    assert SynthesisContribution.objects.filter(pk=elsewhere.pk).exists()
    assert Quote.objects.count() == 0


def test_synthesis_prefill_from_a_participant_answers_the_add_form_with_htmx(
    client, table, table_facilitator
):
    participant = seat(table, "Marie", organisation_name="Mutuelle", consent_to_be_named=True)
    client.force_login(table_facilitator)

    response = client.get(
        url("console_synthesis", table),
        {
            "prefill": "contribution",
            "contribution-participant": participant.pk,
            "contribution-text": "Déjà tapé",
        },
        headers={"HX-Request": "true"},
    )

    html = response.content.decode()
    assert html.lstrip().startswith('<div id="contribution-add"')
    assert 'value="Marie"' in html and 'value="Mutuelle"' in html
    assert "Déjà tapé" in html
    # The console asks; it has no field to answer for her.
    assert 'name="contribution-ask_consent"' in html
    assert 'name="contribution-consent"' not in html


# Bounded queries --------------------------------------------------------------------------------


def fill(table: Table, count: int, facilitator) -> None:
    ideas = [idea(table, f"Idée {n}") for n in range(count)]
    set_phase(table=table, phase=Phase.VOTE, by=None)
    for n, an_idea in enumerate(ideas):
        cast_vote(participant=seat(table, f"Votant {n}"), idea=an_idea, client_key=uuid.uuid4())
        Idea.objects.filter(pk=an_idea.pk).update(theme=None)
        form_project(
            table=table,
            name=f"Projet {n}",
            pitch="Un pitch.",
            ideas=[an_idea],
            members=[
                {"full_name": "Marc", "phone": "0612345678"},
                {"participant": seat(table, f"Équipière {n}")},
            ],
            by=facilitator,
        )
        SynthesisContributionFactory(table=table)
        QuoteFactory(table=table)
    if count > 1:
        Idea.objects.filter(pk=ideas[0].pk).update(merged_into=ideas[1])


@pytest.mark.parametrize("item_count", (1, 3))
def test_console_queries_are_bounded(
    client, table, table_facilitator, item_count, django_assert_num_queries
):
    fill(table, item_count, table_facilitator)
    client.force_login(table_facilitator)

    with django_assert_num_queries(12):
        response = client.get(url("console", table))

    assert response.status_code == 200


@pytest.mark.parametrize("item_count", (1, 3))
def test_console_live_queries_are_bounded(
    client, table, table_facilitator, item_count, django_assert_num_queries
):
    fill(table, item_count, table_facilitator)
    client.force_login(table_facilitator)

    with django_assert_num_queries(12):
        rendered = client.get(url("console_live", table))
    # Session, user, table, roles, "is one of its facilitators": nothing about the ideas.
    with django_assert_num_queries(5):
        unchanged = client.get(
            url("console_live", table), headers={"If-None-Match": rendered["ETag"]}
        )

    assert (rendered.status_code, unchanged.status_code) == (200, 304)


@pytest.mark.parametrize("item_count", (1, 3))
def test_synthesis_queries_are_bounded(
    client, table, table_facilitator, item_count, django_assert_num_queries
):
    fill(table, item_count, table_facilitator)
    client.force_login(table_facilitator)

    with django_assert_num_queries(8):
        response = client.get(url("console_synthesis", table))

    assert response.status_code == 200
