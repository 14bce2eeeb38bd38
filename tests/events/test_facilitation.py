import datetime
import uuid

import pytest
from django.utils import timezone

from events.domain.board import current_version
from events.domain.facilitation import (
    FacilitationRefused,
    add_quote,
    add_synthesis_contribution,
    delete_quote,
    delete_synthesis_contribution,
    form_project,
    merge_ideas,
    redirect_newcomers,
    set_phase,
    set_phase_for_event,
    set_theme,
    unmerge_idea,
    update_quote,
    update_synthesis_contribution,
)
from events.domain.naming import answer_naming_request
from events.domain.participation import cast_vote, join_table, post_idea
from events.enums import Phase
from events.models import FormedProject, Idea, Quote, SynthesisContribution, Table, Theme
from events.queries_live import ideas_with_totals, sibling_with_room
from tests.challenges.factories import ChallengeFactory
from tests.events.factories import (
    EventFactory,
    IdeaFactory,
    ParticipantFactory,
    QuoteFactory,
    SynthesisContributionFactory,
    TableFactory,
)

pytestmark = pytest.mark.django_db


def fresh(table: Table) -> Table:
    return Table.objects.get(pk=table.pk)


def idea_on(table: Table, text: str = "Un jardin partagé") -> Idea:
    participant = join_table(table=table, key=uuid.uuid4().hex, display_name="Nadia")
    return post_idea(participant=participant, text=text, client_key=uuid.uuid4())


# Merging ----------------------------------------------------------------------------------------


def test_merge_ideas_keeps_votes_on_the_duplicate_and_counts_them_on_the_target():
    table = TableFactory()
    idea, target = idea_on(table, "Un bus numérique"), idea_on(table, "Un car numérique")
    set_phase(table=table, phase=Phase.VOTE, by=None)
    voter = join_table(table=table, key="voter", display_name="Paul")
    cast_vote(participant=voter, idea=idea, client_key=uuid.uuid4())
    cast_vote(participant=voter, idea=target, client_key=uuid.uuid4())
    cast_vote(participant=voter, idea=target, client_key=uuid.uuid4())
    version_before = fresh(table).version

    merge_ideas(table=table, idea=idea, into=target, by=None)

    idea.refresh_from_db()
    assert idea.merged_into_id == target.pk
    assert idea.vote_count == 1
    standing = ideas_with_totals(table)
    assert [(i.text, i.total_votes, [m.text for m in i.merged_ideas]) for i in standing] == [
        ("Un car numérique", 3, ["Un bus numérique"])
    ]
    assert fresh(table).vote_count == 3
    assert fresh(table).version == version_before + 1


def test_merge_ideas_moves_earlier_duplicates_to_the_new_target():
    table = TableFactory()
    first, second, third = (IdeaFactory(table=table) for _ in range(3))
    merge_ideas(table=table, idea=first, into=second, by=None)

    merge_ideas(table=table, idea=second, into=third, by=None)

    assert list(Idea.objects.filter(merged_into=third).order_by("pk")) == [first, second]


def test_merge_ideas_refuses_an_idea_of_another_table():
    table = TableFactory()
    mine, theirs = IdeaFactory(table=table), IdeaFactory(table=TableFactory())

    with pytest.raises(FacilitationRefused, match="pas sur cette table"):
        merge_ideas(table=table, idea=mine, into=theirs, by=None)
    with pytest.raises(FacilitationRefused, match="pas sur cette table"):
        merge_ideas(table=table, idea=theirs, into=mine, by=None)

    assert Idea.objects.filter(merged_into__isnull=False).count() == 0


def test_merge_ideas_refuses_to_merge_an_idea_into_itself():
    table = TableFactory()
    idea = IdeaFactory(table=table)

    with pytest.raises(FacilitationRefused, match="elle-même"):
        merge_ideas(table=table, idea=idea, into=idea, by=None)


def test_merge_ideas_refuses_a_target_already_merged():
    table = TableFactory()
    first, second, third = (IdeaFactory(table=table) for _ in range(3))
    merge_ideas(table=table, idea=second, into=third, by=None)

    with pytest.raises(FacilitationRefused, match="déjà regroupée"):
        merge_ideas(table=table, idea=first, into=second, by=None)

    first.refresh_from_db()
    assert first.merged_into_id is None


def test_unmerge_idea_puts_it_back_on_its_own():
    table = TableFactory()
    idea, target = IdeaFactory(table=table), IdeaFactory(table=table)
    merge_ideas(table=table, idea=idea, into=target, by=None)

    unmerge_idea(table=table, idea=idea, by=None)

    assert [i.pk for i in ideas_with_totals(table)] == [idea.pk, target.pk]


# Themes -----------------------------------------------------------------------------------------


def test_set_theme_creates_the_theme_once_and_matches_it_without_case():
    table = TableFactory()
    first, second = IdeaFactory(table=table), IdeaFactory(table=table)

    theme = set_theme(table=table, ideas=[first], theme_name="  Mobilité  douce ", by=None)
    again = set_theme(table=table, ideas=[second], theme_name="mobilité douce", by=None)

    assert theme == again
    assert theme.name == "Mobilité douce"
    assert list(Idea.objects.filter(theme=theme).order_by("pk")) == [first, second]


def test_set_theme_with_an_empty_name_clears_it_and_drops_the_empty_theme():
    table = TableFactory()
    idea = IdeaFactory(table=table)
    set_theme(table=table, ideas=[idea], theme_name="Santé", by=None)

    cleared = set_theme(table=table, ideas=[idea], theme_name="  ", by=None)

    assert cleared is None
    idea.refresh_from_db()
    assert idea.theme_id is None
    assert Theme.objects.filter(table=table).count() == 0


def test_set_theme_refuses_an_idea_of_another_table_and_a_long_name():
    table = TableFactory()
    theirs = IdeaFactory(table=TableFactory())

    with pytest.raises(FacilitationRefused, match="pas sur cette table"):
        set_theme(table=table, ideas=[theirs], theme_name="Santé", by=None)
    with pytest.raises(FacilitationRefused, match="trop long"):
        set_theme(table=table, ideas=[IdeaFactory(table=table)], theme_name="x" * 101, by=None)

    assert Theme.objects.count() == 0


# Phases -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("phase", Phase.values)
def test_set_phase_accepts_every_phase_with_a_timer(phase):
    table = TableFactory(phase=Phase.CLOSED)
    before = timezone.now()

    set_phase(table=table, phase=phase, minutes=20, by=None)

    table = fresh(table)
    assert table.phase == phase
    assert table.phase_started_at >= before
    assert table.phase_ends_at - table.phase_started_at == datetime.timedelta(minutes=20)


def test_set_phase_goes_back_and_clears_the_timer_without_minutes():
    table = TableFactory()
    set_phase(table=table, phase=Phase.VOTE, minutes=10, by=None)

    set_phase(table=table, phase=Phase.IDEATION, by=None)

    table = fresh(table)
    assert (table.phase, table.phase_ends_at) == (Phase.IDEATION, None)
    assert table.phase_started_at is not None


@pytest.mark.parametrize(
    ("phase", "minutes"), [("pause", None), ("", None), ("vote", 0), ("vote", 241), ("vote", -5)]
)
def test_set_phase_refuses_unknown_phases_and_odd_durations(phase, minutes):
    table = TableFactory()

    with pytest.raises(FacilitationRefused):
        set_phase(table=table, phase=phase, minutes=minutes, by=None)

    assert fresh(table).phase == Phase.IDEATION


def test_set_phase_invalidates_the_cached_board_version(django_capture_on_commit_callbacks):
    table = TableFactory()
    seen = current_version(table.pk)

    with django_capture_on_commit_callbacks(execute=True):
        set_phase(table=table, phase=Phase.VOTE, by=None)

    assert current_version(table.pk) == seen + 1


def test_set_phase_for_event_moves_every_table_of_the_event_only(
    django_assert_num_queries, django_capture_on_commit_callbacks
):
    event = EventFactory()
    tables = TableFactory.create_batch(3, event=event)
    elsewhere = TableFactory()
    seen = {table.pk: current_version(table.pk) for table in (*tables, elsewhere)}

    with django_capture_on_commit_callbacks(execute=True), django_assert_num_queries(4):
        # The table ids, one UPDATE for all, and the savepoint around them.
        moved = set_phase_for_event(event=event, phase=Phase.VOTE, minutes=15, by=None)

    assert moved == 3
    for table in tables:
        row = fresh(table)
        assert row.phase == Phase.VOTE
        assert row.phase_ends_at - row.phase_started_at == datetime.timedelta(minutes=15)
        assert current_version(table.pk) == seen[table.pk] + 1
    assert fresh(elsewhere).phase == Phase.IDEATION
    assert current_version(elsewhere.pk) == seen[elsewhere.pk]


def test_set_phase_for_event_refuses_an_unknown_phase():
    event = EventFactory()
    TableFactory(event=event)

    with pytest.raises(FacilitationRefused):
        set_phase_for_event(event=event, phase="pause", by=None)

    assert list(Table.objects.values_list("phase", flat=True)) == [Phase.IDEATION]


# Projects ---------------------------------------------------------------------------------------


def test_form_project_records_ideas_team_and_counts(cast):
    table = TableFactory()
    idea = idea_on(table)
    seated = join_table(table=table, key="k", display_name="Léa", organisation_name="Asso")

    project = form_project(
        table=table,
        name="  Bus   des seniors ",
        pitch="Un bus qui va vers les seniors isolés.",
        ideas=[idea],
        members=[
            {"participant": seated},
            {
                "full_name": "Marc Dupuis",
                "email": "Marc@Example.org ",
                "phone": "06 12 34 56 78",
                "organisation_name": "Mairie",
            },
            {"full_name": "", "email": "", "phone": "", "organisation_name": ""},
        ],
        by=cast.facilitator,
    )

    assert project.name == "Bus des seniors"
    assert project.created_by == cast.facilitator
    assert list(project.ideas.all()) == [idea]
    assert [
        (m.full_name, m.email, m.phone, m.organisation_name, m.participant)
        for m in project.team.order_by("pk")
    ] == [
        ("Léa", "", "", "Asso", seated),
        ("Marc Dupuis", "marc@example.org", "06 12 34 56 78", "Mairie", None),
    ]
    # The lead is the first person with an address.
    assert [m.is_lead for m in project.team.order_by("pk")] == [False, True]
    assert fresh(table).project_count == 1


def test_form_project_refuses_a_project_without_member():
    table = TableFactory()

    with pytest.raises(FacilitationRefused, match="au moins un membre"):
        form_project(
            table=table,
            name="Bus",
            pitch="Un bus.",
            ideas=[],
            members=[{"full_name": " ", "email": ""}],
            by=None,
        )

    assert FormedProject.objects.count() == 0
    assert fresh(table).project_count == 0


def test_form_project_refuses_a_name_the_table_already_gave():
    table = TableFactory()
    member = {"full_name": "Marc", "phone": "0612345678"}
    form_project(table=table, name="Bus", pitch="Un bus.", ideas=[], members=[member], by=None)

    with pytest.raises(FacilitationRefused, match="déjà formé un projet nommé « bus »"):
        form_project(table=table, name="bus", pitch="Autre.", ideas=[], members=[member], by=None)

    assert fresh(table).project_count == 1


def test_form_project_refuses_ideas_and_participants_of_another_table():
    table, other = TableFactory(), TableFactory()

    with pytest.raises(FacilitationRefused, match="pas sur cette table"):
        form_project(
            table=table,
            name="Bus",
            pitch="Un bus.",
            ideas=[IdeaFactory(table=other)],
            members=[{"full_name": "Marc"}],
            by=None,
        )
    with pytest.raises(FacilitationRefused, match="pas à cette table"):
        form_project(
            table=table,
            name="Bus",
            pitch="Un bus.",
            ideas=[],
            members=[{"participant": ParticipantFactory(table=other)}],
            by=None,
        )

    assert FormedProject.objects.count() == 0


@pytest.mark.parametrize(
    ("name", "pitch", "member", "message"),
    [
        ("", "Un bus.", {"full_name": "Marc"}, "nom au projet"),
        ("Bus", "  ", {"full_name": "Marc"}, "pitch"),
        ("Bus", "Un bus.", {"email": "marc@example.org"}, "nom de chaque membre"),
        ("Bus", "Un bus.", {"full_name": "Marc", "email": "pas-une-adresse"}, "pas valide"),
        ("B" * 151, "Un bus.", {"full_name": "Marc"}, "trop long"),
    ],
)
def test_form_project_refuses_bad_input(name, pitch, member, message):
    table = TableFactory()

    with pytest.raises(FacilitationRefused, match=message):
        form_project(table=table, name=name, pitch=pitch, ideas=[], members=[member], by=None)

    assert FormedProject.objects.count() == 0


# The synthesis ----------------------------------------------------------------------------------


def test_contribution_of_a_participant_fills_the_blanks_but_names_nobody_until_she_answers():
    # Before issue 14 a linked participant's choice at joining named her: now only her answer
    # to this very contribution, on her phone, does (events/domain/naming.py).
    table = TableFactory()
    agrees = ParticipantFactory(
        table=table, display_name="Marie", organisation_name="Mutuelle", consent_to_be_named=True
    )

    named = add_synthesis_contribution(
        table=table,
        person_name="",
        organisation_name="",
        text="Des ateliers.",
        participant=agrees,
        ask_consent=True,
    )
    assert (named.person_name, named.consent_to_be_named, named.signature) == (
        "Marie",
        False,
        "Mutuelle",
    )
    assert named.naming_pending

    answer_naming_request(participant=agrees, item=named, accept=True)

    named.refresh_from_db()
    assert named.signature == "Marie — Mutuelle"
    assert named.naming_channel == "téléphone à la table"
    assert [c.order for c in SynthesisContribution.objects.order_by("order")] == [1]


def test_the_facilitator_cannot_answer_for_the_person():
    table = TableFactory()
    participant = ParticipantFactory(table=table, display_name="Marie", consent_to_be_named=False)

    with pytest.raises(TypeError):
        add_synthesis_contribution(
            table=table,
            person_name="Marie",
            organisation_name="",
            text="Des ateliers.",
            consent_to_be_named=True,
            participant=participant,
        )
    assert not SynthesisContribution.objects.exists()


def test_contribution_without_participant_or_consent_prints_the_organisation_only():
    table = TableFactory()

    contribution = add_synthesis_contribution(
        table=table, person_name="Ali", organisation_name="Centre social", text="Un jardin."
    )
    anonymous = add_synthesis_contribution(
        table=table, person_name="Ali", organisation_name="", text="Un jardin."
    )

    assert contribution.signature == "Centre social"
    assert anonymous.signature == "Une personne de la table"


def test_quote_attribution_needs_the_speakers_own_answer():
    table = TableFactory()
    participant = ParticipantFactory(
        table=table, display_name="Jean", organisation_name="Mairie", consent_to_be_named=True
    )

    named = add_quote(
        table=table,
        text="On y va !",
        speaker_name="",
        organisation_name="",
        participant=participant,
        ask_consent=True,
    )
    withheld = add_quote(
        table=table,
        text="On y va !",
        speaker_name="",
        organisation_name="",
        participant=participant,
        ask_consent=True,
    )
    answer_naming_request(participant=participant, item=named, accept=True)
    answer_naming_request(participant=participant, item=withheld, accept=False)

    assert named.attribution == "Jean, Mairie"
    assert withheld.attribution == "Mairie"


def test_synthesis_refuses_empty_text_and_participants_of_another_table():
    table = TableFactory()

    with pytest.raises(FacilitationRefused, match="vide"):
        add_synthesis_contribution(table=table, person_name="A", organisation_name="", text=" ")
    with pytest.raises(FacilitationRefused, match="pas à cette table"):
        add_quote(
            table=table,
            text="Oui",
            speaker_name="",
            organisation_name="",
            participant=ParticipantFactory(),
        )
    with pytest.raises(FacilitationRefused, match="trop long"):
        add_quote(table=table, text="x" * 1001, speaker_name="", organisation_name="")

    assert SynthesisContribution.objects.count() == Quote.objects.count() == 0


def test_update_and_delete_synthesis_items_bump_the_board():
    table = TableFactory()
    contribution = SynthesisContributionFactory(table=table, consent_to_be_named=True)
    quote = QuoteFactory(table=table, consent_to_be_named=True)
    version = fresh(table).version

    update_synthesis_contribution(
        contribution=contribution,
        person_name="Marie Exemple",
        organisation_name="Mutuelle du Nord",
        text="Autre chose.",
    )
    update_quote(quote=quote, text="Corrigé.", speaker_name="Jean", organisation_name="")
    contribution.refresh_from_db()
    quote.refresh_from_db()
    # Unlinked from the person who consented, an item is no longer named.
    assert (contribution.text, contribution.signature) == ("Autre chose.", "Mutuelle du Nord")
    assert (quote.text, quote.attribution) == ("Corrigé.", "")

    delete_synthesis_contribution(contribution=contribution)
    delete_quote(quote=quote)

    assert SynthesisContribution.objects.count() == Quote.objects.count() == 0
    assert fresh(table).version == version + 4


# Sending newcomers elsewhere --------------------------------------------------------------------


def test_redirect_newcomers_accepts_a_sibling_with_room_and_records_nothing():
    event = EventFactory()
    challenge = ChallengeFactory(territory=event.territory)
    full = TableFactory(event=event, challenge=challenge, capacity=2)
    sibling = TableFactory(event=event, challenge=challenge, capacity=10)
    Table.objects.filter(pk=full.pk).update(participant_count=2)
    full = fresh(full)
    versions = list(Table.objects.order_by("pk").values_list("version", flat=True))

    assert redirect_newcomers(table=full, to_table=sibling) == sibling
    assert list(Table.objects.order_by("pk").values_list("version", flat=True)) == versions


def test_redirect_newcomers_refuses_other_challenges_events_itself_and_full_tables():
    event = EventFactory()
    challenge = ChallengeFactory(territory=event.territory)
    table = TableFactory(event=event, challenge=challenge)
    other_challenge = TableFactory(event=event)
    other_event = TableFactory(challenge=challenge)
    full_sibling = TableFactory(event=event, challenge=challenge, capacity=1)
    Table.objects.filter(pk=full_sibling.pk).update(participant_count=1)
    closed_sibling = TableFactory(event=event, challenge=challenge, phase=Phase.CLOSED)

    for to_table, message in [
        (table, "autre table"),
        (other_challenge, "même défi"),
        (other_event, "même défi"),
        (fresh(full_sibling), "complète"),
        (closed_sibling, "terminée"),
    ]:
        with pytest.raises(FacilitationRefused, match=message):
            redirect_newcomers(table=table, to_table=to_table)


def test_sibling_with_room_picks_the_emptiest_open_sibling(django_assert_num_queries):
    event = EventFactory()
    challenge = ChallengeFactory(territory=event.territory)
    full = TableFactory(event=event, challenge=challenge, name="A", capacity=4)
    some_room = TableFactory(event=event, challenge=challenge, name="B", capacity=4)
    most_room = TableFactory(event=event, challenge=challenge, name="C", capacity=10)
    TableFactory(event=event, challenge=challenge, name="D", capacity=50, phase=Phase.CLOSED)
    TableFactory(event=event, name="E", capacity=50)
    Table.objects.filter(pk=full.pk).update(participant_count=4)
    Table.objects.filter(pk=some_room.pk).update(participant_count=3)
    Table.objects.filter(pk=most_room.pk).update(participant_count=5)
    full = fresh(full)

    with django_assert_num_queries(1):
        chosen = sibling_with_room(full)

    assert chosen == most_room
