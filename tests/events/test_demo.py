from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count

from events.enums import EventStatus, Phase
from events.models import Event, FormedProject, Idea, Quote, SynthesisContribution, Table, Vote


@pytest.fixture
def demo(db, settings):
    settings.DEBUG = True
    call_command("load_demo", stdout=StringIO())


def test_demo_has_a_finished_roubaix_evening_with_its_outcome(demo):
    evening = Event.objects.get(slug="soiree-velodrome-roubaix")

    assert evening.status == EventStatus.FINISHED
    assert evening.programme.count() >= 5
    assert evening.tables.count() >= 10
    assert set(evening.tables.values_list("phase", flat=True)) == {Phase.CLOSED}
    assert Idea.objects.filter(table__event=evening).count() >= 20
    assert FormedProject.objects.filter(table__event=evening).count() >= 5
    assert SynthesisContribution.objects.filter(table__event=evening).count() >= 5
    assert Quote.objects.filter(table__event=evening).exists()
    assert evening.registrations.filter(checked_in_at__isnull=False).count() >= 100


def test_demo_counters_match_the_rows(demo):
    for table in Table.objects.annotate(
        n_ideas=Count("ideas", distinct=True), n_people=Count("participants", distinct=True)
    ):
        assert table.idea_count == table.n_ideas
        assert table.participant_count == table.n_people
        assert table.vote_count == Vote.objects.filter(participant__table=table).count()
    for participant in Table.objects.first().participants.annotate(n=Count("votes")):
        assert participant.dots_left + participant.n == participant.table.dots_per_participant


def test_demo_quotes_respect_consent(demo):
    unnamed = Quote.objects.filter(consent_to_be_named=False).first()

    assert unnamed.attribution == unnamed.organisation_name


def test_demo_has_an_upcoming_event_open_for_registration(demo):
    upcoming = Event.objects.get(slug="soiree-lancement-figeac")

    assert upcoming.status == EventStatus.REGISTRATION_OPEN
    assert upcoming.starts_at.year == 2027
    assert upcoming.tables.exists()
