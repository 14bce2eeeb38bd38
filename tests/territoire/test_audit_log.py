"""The audit log: each sensitive action leaves one entry naming who, what, on which object of
which territory; organisers read their territories' entries in the admin, nobody edits them."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accompaniment.domain.jobs import return_job, verify_job
from accompaniment.domain.needs import accept_offer, match_need
from events.domain.checkin import check_in
from events.domain.facilitation import merge_ideas
from events.domain.moderation import hide_idea, unhide_idea
from projects.domain.publishing import publish_formed_project, set_project_status
from territoire.audit import purge_audit_log, record
from territoire.domain.invitations import invite
from territoire.enums import Role
from territoire.ledger import AuditEntry
from territoire.reports.publishing import publish_report, unpublish_report
from tests.accompaniment.factories import JobRecordFactory, NeedFactory, ResourceOfferFactory
from tests.conftest import member
from tests.events.factories import (
    EventFactory,
    FormedProjectFactory,
    IdeaFactory,
    RegistrationFactory,
    TableFactory,
)
from tests.territoire.test_report_publishing import synthesis_of


def entry() -> AuditEntry:
    """The only entry written by the action under test."""
    entries = list(AuditEntry.objects.all())
    assert len(entries) == 1, [(e.action, e.description) for e in entries]
    return entries[0]


def assert_entry(action: str, by, target, territory) -> AuditEntry:
    written = entry()
    assert (written.action, written.actor, written.territory_id) == (action, by, territory.pk)
    assert (written.target_type, written.target_id) == (target._meta.label_lower, target.pk)
    return written


@pytest.fixture
def table(cast):
    return TableFactory(
        event=EventFactory(territory=cast.territory), facilitators=[cast.facilitator]
    )


def test_publishing_and_unpublishing_a_report(cast):
    report = synthesis_of(EventFactory(territory=cast.territory))

    publish_report(report=report, by=cast.organiser)
    written = assert_entry("report.publish", cast.organiser, report, cast.territory)
    assert (written.role, written.actor_label) == (Role.ORGANISER, cast.organiser.full_name)

    AuditEntry.objects.all().delete()
    unpublish_report(report=report, by=cast.organiser)
    assert_entry("report.unpublish", cast.organiser, report, cast.territory)


def test_publishing_a_formed_project_and_changing_its_status(cast, table):
    formed = FormedProjectFactory(table=table)

    project = publish_formed_project(
        formed_project=formed,
        by=cast.organiser,
        name="Jardin partagé",
        pitch="Un jardin au pied des tours.",
        challenge=None,
        domain=None,
        lead_organisation=None,
        coach=cast.coach,
    )
    written = assert_entry("project.publish", cast.organiser, project, cast.territory)
    assert written.details["coach"]["id"] == cast.coach.pk

    AuditEntry.objects.all().delete()
    set_project_status(project=project, by=cast.coach, status="paused")
    written = assert_entry("project.status", cast.coach, project, cast.territory)
    assert (written.role, written.details["before"], written.details["after"]) == (
        Role.COACH,
        "active",
        "paused",
    )


def test_verifying_and_returning_jobs(cast):
    job = JobRecordFactory(project=cast.project)
    verify_job(job=job, by=cast.coach)
    assert_entry("job.verify", cast.coach, job, cast.territory)

    AuditEntry.objects.all().delete()
    other = JobRecordFactory(project=cast.project)
    return_job(job=other, reason="Il manque le contrat.", by=cast.coach)
    written = assert_entry("job.return", cast.coach, other, cast.territory)
    assert written.details["reason"] == "Il manque le contrat."


def test_hiding_unhiding_and_merging_ideas(cast, table):
    idea, other = IdeaFactory(table=table), IdeaFactory(table=table)
    type(table).objects.filter(pk=table.pk).update(idea_count=2)  # as posting them does

    hide_idea(table=table, idea=idea, by=cast.facilitator)
    written = assert_entry("idea.hide", cast.facilitator, idea, cast.territory)
    assert written.role == Role.FACILITATOR

    AuditEntry.objects.all().delete()
    unhide_idea(table=table, idea=idea, by=cast.facilitator)
    assert_entry("idea.unhide", cast.facilitator, idea, cast.territory)

    AuditEntry.objects.all().delete()
    merge_ideas(table=table, idea=idea, into=other, by=cast.facilitator)
    written = assert_entry("idea.merge", cast.facilitator, idea, cast.territory)
    assert written.details["into"]["id"] == other.pk


def test_a_refused_action_writes_nothing(cast, table):
    job = JobRecordFactory(project=cast.project, status="verified")

    with pytest.raises(Exception):  # noqa: B017 - the domain's own refusal
        verify_job(job=job, by=cast.coach)

    assert not AuditEntry.objects.exists()


def test_checking_in_names_no_attendee(cast, table):
    registration = RegistrationFactory(event=table.event, full_name="Inès Discrète")

    check_in(registration=registration, by=cast.facilitator)

    written = assert_entry("registration.check_in", cast.facilitator, registration, cast.territory)
    assert "Inès" not in written.description


def test_inviting_someone(cast):
    invitation = invite(
        territory=cast.territory,
        email="nouvelle@example.org",
        role=Role.FACILITATOR,
        invited_by=cast.organiser,
    )
    written = assert_entry("invitation.send", cast.organiser, invitation, cast.territory)
    assert written.details["role"] == Role.FACILITATOR


def test_accepting_an_offer_and_matching_a_need(cast):
    offer = ResourceOfferFactory(territory=cast.territory, is_available=False)
    accept_offer(offer=offer, by=cast.organiser)
    assert_entry("offer.accept", cast.organiser, offer, cast.territory)

    AuditEntry.objects.all().delete()
    need = NeedFactory(project=cast.project)
    match_need(need=need, offer=offer, by=cast.coach)
    written = assert_entry("need.match", cast.coach, need, cast.territory)
    assert written.details["offer"]["id"] == offer.pk


def test_changing_a_role_in_the_admin(client, cast):
    membership = cast.facilitator.memberships.get()
    client.force_login(cast.organiser)

    response = client.post(
        reverse("admin:territoire_membership_change", args=[membership.pk]),
        {"user": cast.facilitator.pk, "territory": cast.territory.pk, "role": Role.COACH},
    )

    assert response.status_code == 302
    written = assert_entry("membership.change", cast.organiser, membership, cast.territory)
    assert written.details["role"] == Role.COACH


@pytest.fixture
def entries(cast):
    return {
        "a": record(cast.organiser, "report.publish", cast.project, description="Entrée de A"),
        "b": record(
            cast.other_organiser, "report.publish", cast.other_territory, description="Entrée de B"
        ),
    }


def test_organisers_read_only_their_territories_entries(
    client, cast, entries, django_assert_max_num_queries
):
    client.force_login(cast.organiser)

    with django_assert_max_num_queries(15):
        page = client.get(reverse("admin:territoire_auditentry_changelist"))

    assert page.status_code == 200
    assert "Entrée de A" in page.content.decode()
    assert "rapport publié" in page.content.decode()
    assert "organisateur·rice" in page.content.decode()
    assert "Entrée de B" not in page.content.decode()
    own = client.get(reverse("admin:territoire_auditentry_change", args=[entries["a"].pk]))
    assert own.status_code == 200
    assert "Entrée de A" in own.content.decode()
    other = client.get(reverse("admin:territoire_auditentry_change", args=[entries["b"].pk]))
    assert other.status_code == 302  # the admin's "does not exist"


@pytest.mark.parametrize("role", ["organiser", "superuser"])
def test_nobody_adds_edits_or_deletes_an_entry(client, cast, entries, role):
    client.force_login(getattr(cast, role))
    pk = entries["a"].pk

    added = client.get(reverse("admin:territoire_auditentry_add"))
    edited = client.post(
        reverse("admin:territoire_auditentry_change", args=[pk]), {"action": "rien"}
    )
    deleted = client.post(reverse("admin:territoire_auditentry_delete", args=[pk]), {"post": "yes"})

    assert (added.status_code, edited.status_code, deleted.status_code) == (403, 403, 403)
    assert AuditEntry.objects.get(pk=pk).action == "report.publish"


@pytest.mark.parametrize("role", ["facilitator", "coach", "official"])
def test_other_roles_do_not_read_the_log(client, cast, entries, role):
    client.force_login(getattr(cast, role))

    response = client.get(reverse("admin:territoire_auditentry_changelist"))

    assert response.status_code == 403


def test_entries_past_the_retention_are_purged(cast, settings):
    settings.AUDIT_LOG_RETENTION_MONTHS = 24
    now = timezone.now()
    old = record(cast.organiser, "report.publish", cast.project)
    AuditEntry.objects.filter(pk=old.pk).update(at=now - datetime.timedelta(days=25 * 31))
    kept = record(cast.organiser, "report.publish", cast.project)

    assert purge_audit_log(now=now) == 1
    assert purge_audit_log(now=now) == 0
    assert list(AuditEntry.objects.values_list("pk", flat=True)) == [kept.pk]


def test_changing_a_projects_status_and_coach_in_the_admin(client, cast):
    new_coach = member(cast.territory, Role.COACH, email="coach2@example.org")
    client.force_login(cast.organiser)
    project = cast.project
    data = {
        "territory": cast.territory.pk,
        "name": project.name,
        "pitch": project.pitch,
        "status": "paused",
        "coach": new_coach.pk,
        "is_public": "on",
        "show_team": "on",
        "members-TOTAL_FORMS": "1",
        "members-INITIAL_FORMS": "1",
        "members-MIN_NUM_FORMS": "0",
        "members-MAX_NUM_FORMS": "1000",
        "members-0-id": project.members.get().pk,
        "members-0-project": project.pk,
        "members-0-full_name": "Awa Équipe",
        "members-0-email": "equipe@example.org",
        "members-0-role": "member",
    }

    response = client.post(reverse("admin:projects_project_change", args=[project.pk]), data)

    assert response.status_code == 302
    entries = {e.action: e for e in AuditEntry.objects.filter(target_id=project.pk)}
    assert set(entries) == {"project.status", "project.coach"}
    assert (
        entries["project.status"].details["before"],
        entries["project.status"].details["after"],
    ) == ("active", "paused")
    assert entries["project.coach"].details["before"] == cast.coach.pk
    assert entries["project.coach"].details["after"] == new_coach.pk
    assert entries["project.coach"].actor == cast.organiser


def _posted(form) -> dict[str, object]:
    """What the browser posts back for an unchanged form."""
    data: dict[str, object] = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if value is None:
            continue
        if isinstance(value, list | tuple):
            data[form.add_prefix(name)] = list(value)
        elif isinstance(value, bool):
            if value:
                data[form.add_prefix(name)] = "on"
        else:
            data[form.add_prefix(name)] = field.prepare_value(value)
    return data


def test_changing_a_role_on_the_territorys_page(client, cast):
    client.force_login(cast.organiser)
    url = reverse("admin:territoire_territory_change", args=[cast.territory.pk])
    page = client.get(url)
    data = _posted(page.context["adminform"].form)
    for inline in page.context["inline_admin_formsets"]:
        formset = inline.formset
        for key, value in formset.management_form.initial.items():
            data[f"{formset.prefix}-{key}"] = value
        for form in formset.forms:
            data |= _posted(form)
            if form.instance.user_id == cast.facilitator.pk:
                data[form.add_prefix("role")] = Role.COACH
                changed = form.instance

    response = client.post(url, data)

    assert response.status_code == 302, response.context["errors"] if response.context else ""
    written = assert_entry("membership.change", cast.organiser, changed, cast.territory)
    assert written.details["role"] == Role.COACH


def test_an_erased_organiser_is_no_longer_named_in_the_log(cast):
    from territoire.privacy.people import erase_person, export_person

    kept = record(cast.organiser, "report.publish", cast.project)
    assert export_person(cast.organiser.email, cast.organiser)["territoire"]["journal_d_audit"]

    erase_person(cast.organiser.email, cast.organiser)

    kept.refresh_from_db()
    assert (kept.actor, kept.actor_label, kept.action) == (None, "", "report.publish")
