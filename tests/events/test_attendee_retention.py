"""An evening's attendees who joined no project are anonymised once past the retention; the
counts stay, and so do the names people consented to see in the synthesis."""

import datetime

import pytest
from django.utils import timezone

from events.domain.retention import anonymise_attendees, anonymise_past_evenings
from events.models import Participant, Quote, Registration, SynthesisContribution
from events.tasks import task_anonymise_past_evenings
from territoire.ledger import AuditEntry
from tests.events.factories import (
    EventFactory,
    FormedProjectFactory,
    ParticipantFactory,
    QuoteFactory,
    RegistrationFactory,
    SynthesisContributionFactory,
    TableFactory,
    TeamMemberFactory,
)


@pytest.fixture
def evening(db):
    """An evening 13 months ago in a territory keeping attendees 12 months: Awa joined a
    project, Bruno did not; Chloé consented to be named, Dan did not."""
    starts = timezone.now() - datetime.timedelta(days=400)
    event = EventFactory(starts_at=starts, territory__attendee_retention_months=12)
    table = TableFactory(event=event)
    people = {
        name: RegistrationFactory(
            event=event,
            full_name=name,
            email=f"{name.lower()}@example.org",
            organisation_name=f"Asso de {name}",
        )
        for name in ("Awa", "Bruno", "Chloé", "Dan")
    }
    seated = {
        name: ParticipantFactory(
            table=table,
            registration=registration,
            display_name=name,
            consent_to_be_named=name == "Chloé",
        )
        for name, registration in people.items()
    }
    project = FormedProjectFactory(table=table)
    TeamMemberFactory(project=project, full_name="Awa", email="AWA@example.org")
    SynthesisContributionFactory(table=table, person_name="Chloé", consent_to_be_named=True)
    SynthesisContributionFactory(table=table, person_name="Dan", consent_to_be_named=False)
    QuoteFactory(table=table, speaker_name="Dan", consent_to_be_named=False)
    return {"event": event, "people": people, "seated": seated}


def names() -> set[str]:
    return set(Registration.objects.values_list("full_name", flat=True))


def test_attendees_who_joined_no_project_are_anonymised(evening):
    assert anonymise_past_evenings() == [evening["event"].pk]

    bruno = Registration.objects.get(pk=evening["people"]["Bruno"].pk)
    assert (bruno.full_name, bruno.organisation_name) == ("Participant·e anonymisé·e", "")
    assert bruno.email.endswith("@anonyme.invalid")
    assert names() == {"Awa", "Participant·e anonymisé·e"}  # Awa is in a project's team
    assert Registration.objects.get(pk=evening["people"]["Awa"].pk).email == "awa@example.org"


def test_consented_names_stay_in_the_synthesis(evening):
    anonymise_past_evenings()

    displayed = dict(Participant.objects.values_list("registration__pk", "display_name"))
    people = evening["people"]
    assert displayed[people["Chloé"].pk] == "Chloé"
    assert displayed[people["Awa"].pk] == "Awa"
    assert displayed[people["Dan"].pk] == displayed[people["Bruno"].pk] == ""
    assert set(SynthesisContribution.objects.values_list("person_name", flat=True)) == {
        "Chloé",
        "",
    }
    assert list(Quote.objects.values_list("speaker_name", flat=True)) == [""]


def test_counts_do_not_move(evening):
    before = (Registration.objects.count(), Participant.objects.count())

    anonymise_past_evenings()

    assert (Registration.objects.count(), Participant.objects.count()) == before


def test_an_evening_is_anonymised_exactly_once(evening):
    task_anonymise_past_evenings.delay()
    Registration.objects.filter(pk=evening["people"]["Awa"].pk).update(full_name="Awa B.")

    assert anonymise_past_evenings() == []
    assert anonymise_attendees(event_id=evening["event"].pk) is None
    assert "Awa B." in names()
    entries = AuditEntry.objects.filter(action="event.anonymise_attendees")
    assert entries.count() == 1
    assert entries.get().details["registrations"] == 3


def test_a_territory_keeping_attendees_longer_is_left_alone(evening):
    territory = evening["event"].territory
    territory.attendee_retention_months = 14
    territory.save(update_fields=["attendee_retention_months"])

    assert anonymise_past_evenings() == []
    assert "Bruno" in names()


def test_the_sweep_has_a_bounded_number_of_queries(evening, django_assert_max_num_queries):
    for _ in range(3):
        other = EventFactory(starts_at=timezone.now() - datetime.timedelta(days=500))
        RegistrationFactory.create_batch(5, event=other)

    with django_assert_max_num_queries(4 + 4 * 12):
        assert len(anonymise_past_evenings()) == 4
