"""Issue 14: being named in the synthesis is the person's own answer, given on her phone.

The console asks; the participant sees "the table wants to quote you / name you" on her page and
accepts or declines; the PDF prints the organisation only without her own "yes"."""

import io
import uuid

import pytest
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from events.domain.facilitation import add_quote, add_synthesis_contribution
from events.domain.naming import CHANNEL_TABLE_PHONE, NamingRefused, answer_naming_request
from events.domain.participation import join_table
from events.models import Participant, Quote, SynthesisContribution
from territoire.reports.kinds import Scope, get_report_kind
from territoire.reports.render import build_pdf
from tests.events.factories import TableFactory

pytestmark = pytest.mark.django_db


def join(client, table, name: str, **fields) -> Participant:
    response = client.post(
        reverse("table_join", kwargs={"code": table.code}), {"display_name": name, **fields}
    )
    assert response.status_code == 303
    return Participant.objects.get(table=table, display_name=name)


def answer_url(table, kind: str, item) -> str:
    return reverse("naming_answer", kwargs={"code": table.code, "kind": kind, "item_id": item.pk})


def page(client, table) -> str:
    return client.get(reverse("table_join", kwargs={"code": table.code})).content.decode()


def test_the_participant_sees_the_request_and_accepts_on_her_phone(
    client, django_assert_max_num_queries
):
    table = TableFactory()
    marie = join(client, table, "Marie", organisation_name="Mutuelle")
    quote = add_quote(
        table=table,
        text="Quand on y croit, on y va !",
        speaker_name="",
        organisation_name="",
        participant=marie,
        ask_consent=True,
    )
    assert quote.attribution == "Mutuelle"

    with django_assert_max_num_queries(8):
        html = page(client, table)
    assert "souhaite vous citer" in html
    assert "Quand on y croit, on y va" in html
    assert "En attente de votre réponse." in html

    response = client.post(answer_url(table, "citation", quote), {"reponse": "oui"})

    assert response.status_code == 303
    quote.refresh_from_db()
    assert quote.attribution == "Marie, Mutuelle"
    assert quote.naming_answered_at is not None
    assert quote.naming_channel == CHANNEL_TABLE_PHONE
    assert "Vous avez accepté" in page(client, table)

    # She may change her mind.
    client.post(answer_url(table, "citation", quote), {"reponse": "non"})
    quote.refresh_from_db()
    assert quote.attribution == "Mutuelle"


def test_nobody_else_answers_for_her(client):
    table = TableFactory()
    marie = join_table(table=table, key=uuid.uuid4().hex, display_name="Marie")
    join(client, table, "Voisin")
    contribution = add_synthesis_contribution(
        table=table,
        person_name="",
        organisation_name="Asso",
        text="Un bus.",
        participant=marie,
        ask_consent=True,
    )

    someone_else = client.post(answer_url(table, "contribution", contribution), {"reponse": "oui"})
    not_seated = type(client)().post(
        answer_url(table, "contribution", contribution), {"reponse": "oui"}
    )

    assert someone_else.status_code == 404
    assert not_seated.status_code in (302, 403)
    contribution.refresh_from_db()
    assert (contribution.consent_to_be_named, contribution.signature) == (False, "Asso")
    assert "souhaite vous nommer" not in page(client, table)


def test_tampered_answers_are_refused_without_a_500(client):
    table = TableFactory()
    marie = join(client, table, "Marie")
    unasked = add_quote(
        table=table, text="Oui.", speaker_name="", organisation_name="", participant=marie
    )
    asked = add_quote(
        table=table,
        text="Non.",
        speaker_name="",
        organisation_name="",
        participant=marie,
        ask_consent=True,
    )

    never_asked = client.post(answer_url(table, "citation", unasked), {"reponse": "oui"})
    bad_kind = client.post(
        reverse("naming_answer", kwargs={"code": table.code, "kind": "idee", "item_id": asked.pk}),
        {"reponse": "oui"},
    )
    # Typed by hand: the route's bounded id converter does not even reverse it.
    huge_id = client.post(
        f"/t/{table.code}/nommer/citation/99999999999999999999/", {"reponse": "oui"}
    )
    bad_answer = client.post(answer_url(table, "citation", asked), {"reponse": "peut-être"})
    get = client.get(answer_url(table, "citation", asked))

    assert [never_asked.status_code, bad_kind.status_code, huge_id.status_code] == [404] * 3
    assert bad_answer.status_code == 303
    assert get.status_code == 405
    assert not Quote.objects.filter(consent_to_be_named=True).exists()
    with pytest.raises(NamingRefused):
        answer_naming_request(participant=marie, item=unasked, accept=True)


def test_the_pdf_prints_the_organisation_only_without_her_own_consent():
    table = TableFactory()
    said_yes = join_table(
        table=table, key="a", display_name="Marie Libert", organisation_name="Humanis"
    )
    never_asked = join_table(
        table=table,
        key="b",
        display_name="Hortense Cachée",
        organisation_name="Centre social",
        consent_to_be_named=True,  # her choice at joining does not name her in the synthesis
    )
    named = add_synthesis_contribution(
        table=table,
        person_name="",
        organisation_name="",
        text="Des ateliers numériques.",
        participant=said_yes,
        ask_consent=True,
    )
    answer_naming_request(participant=said_yes, item=named, accept=True)
    add_synthesis_contribution(
        table=table,
        person_name="",
        organisation_name="",
        text="Un bus de quartier.",
        participant=never_asked,
    )
    add_quote(
        table=table,
        text="Nous n'y arriverons pas seuls",
        speaker_name="",
        organisation_name="",
        participant=never_asked,
        ask_consent=True,
    )

    pdf = build_pdf(
        get_report_kind("synthesis"), Scope(territory=table.event.territory, event=table.event)
    )
    text = " ".join(
        page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages
    ).replace("\u00a0", " ")

    assert "Marie Libert" in text
    assert "Centre social" in text
    assert "Hortense" not in text
    assert SynthesisContribution.objects.count() == 2


# Team names on public pages: opt-in, her own answer


def test_joining_a_team_she_chooses_herself_whether_her_name_is_public(client):
    from events.enums import Phase
    from events.models import TeamMember
    from tests.events.factories import FormedProjectFactory

    table = TableFactory(phase=Phase.FORMATION)
    project = FormedProjectFactory(table=table, name="Bus numérique")
    join(client, table, "Awa")
    url = reverse("team_join", kwargs={"code": table.code, "project_id": project.pk})
    prefix = f"p{project.pk}"
    form = page(client, table)
    assert f'name="{prefix}-show_name_publicly"' in form

    client.post(url, {f"{prefix}-email": "awa@example.org"})
    member = TeamMember.objects.get()
    assert member.name_public is False  # default: not shown
    assert member.name_public_channel == CHANNEL_TABLE_PHONE

    client.post(url, {f"{prefix}-email": "awa@example.org", f"{prefix}-show_name_publicly": "on"})
    member.refresh_from_db()
    assert member.name_public is True
    assert member.name_public_answered_at is not None


def test_the_console_cannot_make_a_team_name_public(client, cast):
    from events.models import TeamMember

    table = TableFactory(event__territory=cast.territory)
    table.facilitators.add(cast.facilitator)
    client.force_login(cast.facilitator)

    response = client.post(
        reverse("console_project", kwargs={"code": table.code}),
        {
            "name": "Bus des seniors",
            "pitch": "Un bus qui va vers les seniors isolés.",
            "membre-0-full_name": "Marc Dupuis",
            "membre-0-email": "marc@example.org",
            "membre-0-name_public": "on",
            "membre-0-show_name_publicly": "on",
        },
    )

    assert response.status_code == 303
    member = TeamMember.objects.get()
    assert (member.full_name, member.name_public) == ("Marc Dupuis", False)


def test_put_in_a_team_by_the_console_she_makes_her_name_public_on_her_phone(client):
    from events.domain.facilitation import form_project
    from events.enums import Phase
    from events.models import TeamMember

    table = TableFactory(phase=Phase.FORMATION)
    awa = join(client, table, "Awa")
    project = form_project(
        table=table,
        name="Bus",
        pitch="Un bus.",
        ideas=[],
        members=[
            {
                "full_name": "Awa",
                "email": "awa@example.org",
                "phone": "",
                "organisation_name": "",
                "participant": awa,
                "is_lead": True,
            }
        ],
        by=None,
    )
    assert TeamMember.objects.get().name_public is False
    assert "Votre nom ne figure pas sur la page publique du projet." in page(client, table)
    url = reverse("team_name_public", kwargs={"code": table.code, "project_id": project.pk})

    response = client.post(url, {"reponse": "oui"})

    assert response.status_code == 303
    member = TeamMember.objects.get()
    assert (member.name_public, member.name_public_channel) == (True, CHANNEL_TABLE_PHONE)
    assert "Votre nom figure sur la page publique du projet." in page(client, table)
    stranger = type(client)()
    join(stranger, table, "Voisin")
    assert stranger.post(url, {"reponse": "non"}).status_code == 404
    assert client.post(url, {"reponse": "bof"}).status_code == 404
    assert TeamMember.objects.get().name_public is True


def test_asking_needs_a_participant_to_answer(client, cast):
    table = TableFactory(event__territory=cast.territory)
    table.facilitators.add(cast.facilitator)
    client.force_login(cast.facilitator)

    response = client.post(
        reverse("console_synthesis", kwargs={"code": table.code}),
        {
            "action": "quote:add",
            "quote-name": "Jean",
            "quote-ask_consent": "on",
            "quote-text": "Texte gardé",
        },
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "choisissez la personne parmi les participant·es" in html
    assert "Texte gardé" in html
    assert not Quote.objects.exists()


def test_the_migration_keeps_only_names_the_person_chose_herself():
    import importlib

    from django.apps import apps

    from tests.events.factories import ParticipantFactory, QuoteFactory

    migration = importlib.import_module(
        "events.migrations.0010_synthesis_naming_asked_and_answered"
    )
    table = TableFactory()
    chose = ParticipantFactory(table=table, consent_to_be_named=True)
    declined = ParticipantFactory(table=table, consent_to_be_named=False)
    kept = QuoteFactory(table=table, participant=chose, consent_to_be_named=True)
    overruled = QuoteFactory(table=table, participant=declined, consent_to_be_named=True)
    typed = QuoteFactory(table=table, participant=None, consent_to_be_named=True)

    migration.keep_only_the_persons_own_consent(apps, None)

    for quote in (kept, overruled, typed):
        quote.refresh_from_db()
    assert (kept.consent_to_be_named, kept.naming_channel) == (True, migration.CHANNEL_AT_JOINING)
    assert kept.naming_answered_at == chose.joined_at
    assert overruled.consent_to_be_named is False
    assert typed.consent_to_be_named is False


def test_the_question_reaches_her_phone_at_the_next_poll_and_only_hers(
    django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    """Asking bumps the table's version: the next poll of her phone swaps the question in, out
    of band; a neighbour's poll shows the new board without it."""
    table = TableFactory()
    marie, voisin = Client(), Client()
    asked = join(marie, table, "Marie", organisation_name="Mutuelle")
    join(voisin, table, "Voisin")
    board_url = reverse("table_board", kwargs={"code": table.code})
    htmx = {"HX-Request": "true"}
    etags = {
        name: phone.get(board_url, headers=htmx)["ETag"]
        for name, phone in (("marie", marie), ("voisin", voisin))
    }

    with django_capture_on_commit_callbacks(execute=True):
        add_synthesis_contribution(
            table=table,
            person_name="",
            organisation_name="",
            text="Un atelier de réparation de vélos",
            participant=asked,
            ask_consent=True,
        )
    with django_assert_max_num_queries(8):
        hers = marie.get(board_url, headers={**htmx, "If-None-Match": etags["marie"]})
    theirs = voisin.get(board_url, headers={**htmx, "If-None-Match": etags["voisin"]})

    html = hers.content.decode()
    assert hers.status_code == 200
    assert '<div id="naming-requests" hx-swap-oob="true">' in html
    assert "souhaite vous nommer dans la synthèse" in html
    assert "Un atelier de réparation de vélos" in html
    assert (
        reverse(
            "naming_answer", kwargs={"code": table.code, "kind": "contribution", "item_id": 1}
        ).rsplit("/", 2)[0]
        in html
    )
    assert "csrfmiddlewaretoken" in html
    assert theirs.status_code == 200
    assert "naming-requests" not in theirs.content.decode()
    assert "réparation de vélos" not in theirs.content.decode()

    # Once she has answered, her polls no longer carry the question.
    contribution = SynthesisContribution.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        marie.post(answer_url(table, "contribution", contribution), {"reponse": "non"})
    assert "naming-requests" not in marie.get(board_url, headers=htmx).content.decode()


def test_the_page_keeps_a_place_for_the_question_before_any_is_asked(client):
    table = TableFactory()
    join(client, table, "Marie")

    html = page(client, table)

    assert '<div id="naming-requests">' in html
    assert "Vous nommer dans la synthèse" not in html
