"""Privacy (GDPR): export and erasure of one person's data across every app."""

import json

from django.core import mail

from accompaniment.models import JobRecord
from events.enums import RegistrationStatus
from events.models import Registration
from territoire.models import User
from territoire.privacy.people import erase_person, export_person
from territoire.privacy.registry import privacy_providers, processings
from territoire.reports.models import Report
from tests.events.factories import EventFactory, RegistrationFactory
from tests.territoire.privacy_people import (
    EMAIL,
    NAME,
    OTHER_EMAIL,
    OTHER_NAME,
    PHONE,
    aggregates,
    footprint,
    rendered_report,
    rows_mentioning,
)


def test_every_app_registers_its_processings():
    assert [p.app for p in privacy_providers()] == [
        "territoire",
        "challenges",
        "events",
        "projects",
        "accompaniment",
    ]
    names = {str(p.name) for p in processings()}
    assert {"Inscriptions à la mobilisation", "Inscriptions à la soirée", "Équipes projet"} <= names
    assert all(p.legal_basis and p.retention for p in processings())


def test_export_holds_the_persons_rows_from_every_app_and_nothing_of_others(jeanne):
    data = export_person(EMAIL, jeanne)
    text = json.dumps(data, ensure_ascii=False)
    assert OTHER_NAME not in text and OTHER_EMAIL not in text
    assert data["territoire"]["compte"]["nom"] == NAME
    assert data["territoire"]["invitations"][0]["adresse"] == EMAIL
    assert data["challenges"]["inscriptions"][0]["nom"] == NAME
    assert len(data["challenges"]["contributions"]) == 1
    assert len(data["challenges"]["formation"]) == 1
    events = data["events"]
    assert events["inscriptions"][0]["adresse"] == EMAIL.upper()
    assert events["tables"][0]["idees"] == ["Un jardin partagé"]
    assert events["tables"][0]["votes"] == 2
    assert len(events["citations"]) == 2
    assert len(events["synthese"]) == 1
    assert events["nouvelles_de_table"][0]["adresse"] == EMAIL
    assert events["equipes"][0]["telephone"] == PHONE
    assert data["projects"]["equipes_projet"][0]["telephone"] == PHONE
    assert len(data["projects"]["nouvelles_de_projet"]) == 1
    accompaniment = data["accompaniment"]
    assert accompaniment["offres"][0]["contact"] == NAME
    assert accompaniment["emplois"][0]["declare_par_vous"] is True
    assert len(accompaniment["indicateurs"]) == 1
    assert accompaniment["rappels"]["stopped"] is False


def test_erasure_leaves_no_trace_and_keeps_the_figures(
    cast, jeanne, django_capture_on_commit_callbacks
):
    mine = rendered_report(cast.territory)
    elsewhere = rendered_report(cast.other_territory)
    assert rows_mentioning("privatissima")
    before = aggregates()

    with django_capture_on_commit_callbacks(execute=True):
        erase_person(EMAIL, jeanne)

    assert rows_mentioning("privatissima") == []
    assert rows_mentioning(PHONE) == []
    assert not User.objects.filter(email__iexact=EMAIL).exists()
    assert aggregates() == before
    # The other person is untouched.
    assert len(rows_mentioning("autrissimo")) >= 12
    # The rendered PDFs that could name her are gone, with their files; elsewhere stays.
    assert not Report.objects.filter(pk=mine.pk).exists()
    assert not mine.file.storage.exists(mine.file.name)
    assert Report.objects.filter(pk=elsewhere.pk).exists()
    # Her verified figure stays counted, without her.
    assert JobRecord.objects.filter(declared_by__isnull=True).count() == 1


def test_erasure_without_an_account(cast, db):
    footprint(cast, email=EMAIL, name=NAME, phone=PHONE, user=None)
    before = aggregates()
    erase_person(EMAIL, None)
    assert rows_mentioning("privatissima") == []
    assert aggregates() == before


def test_erasure_gives_up_a_place_still_to_come(cast, db, django_capture_on_commit_callbacks):
    event = EventFactory(territory=cast.territory, capacity=1)
    RegistrationFactory(event=event, full_name=NAME, email=EMAIL)
    waiting = RegistrationFactory(event=event, status=RegistrationStatus.WAITLISTED)

    with django_capture_on_commit_callbacks(execute=True):
        erase_person(EMAIL, None)

    waiting.refresh_from_db()
    assert waiting.status == RegistrationStatus.CONFIRMED
    assert Registration.objects.filter(event=event).count() == 2
    assert rows_mentioning("privatissima") == []
    assert all("anonyme.invalid" not in message.to[0] for message in mail.outbox)


def test_erasure_runs_a_bounded_number_of_queries(cast, jeanne, django_assert_max_num_queries):
    # Every change is an update or a delete over her rows, whatever their number (plus one
    # insert per report asked for again, none here).
    with django_assert_max_num_queries(110):
        erase_person(EMAIL, jeanne)


def test_erasure_renders_the_published_synthesis_again_without_her(
    cast, jeanne, django_capture_on_commit_callbacks
):
    """The public pages keep a synthesis: the version that named her is replaced by one
    rendered from the anonymised data, published as soon as it is ready."""
    from pypdf import PdfReader

    from events.models import Event, Quote, SynthesisContribution
    from territoire.reports.kinds import Scope
    from territoire.reports.lifecycle import render_in_process
    from territoire.reports.publishing import publish_report, published_report

    event = Event.objects.get(registrations__email__iexact=EMAIL)
    # She said yes on her phone: the synthesis names her.
    Quote.objects.filter(participant__registration__email__iexact=EMAIL).update(
        consent_to_be_named=True
    )
    SynthesisContribution.objects.filter(person_name=NAME).update(consent_to_be_named=True)
    scope = Scope(territory=cast.territory, event=event)
    old = render_in_process(kind_code="synthesis", scope=scope)
    publish_report(report=old, by=None)

    def text_of(report) -> str:
        with report.file.open("rb") as pdf:
            return " ".join(page.extract_text() for page in PdfReader(pdf).pages)

    assert NAME in text_of(old)

    with django_capture_on_commit_callbacks(execute=True):
        erase_person(EMAIL, jeanne)

    assert not Report.objects.filter(pk=old.pk).exists()
    new = published_report(
        kind="synthesis", territory_id=cast.territory.pk, parameters=old.parameters
    )
    assert new is not None and new.pk != old.pk
    assert new.requested_by is None
    assert NAME not in text_of(new)
