import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from accompaniment.domain import jobs
from accompaniment.domain.errors import Refused
from accompaniment.enums import Contract, JobKind, JobStatus
from accompaniment.models import JobRecord
from accompaniment.queries import job_totals, territory_job_totals
from tests.accompaniment.conftest import TODAY, space_url
from tests.accompaniment.factories import JobRecordFactory
from tests.projects.factories import ProjectFactory


def _declare(cast, **overrides):
    values = {
        "project": cast.project,
        "occurred_on": datetime.date(2026, 10, 1),
        "number": 2,
        "contract": Contract.PERMANENT,
        "fte": Decimal("1.5"),
        "by": cast.team_member,
        "today": TODAY,
    }
    return jobs.declare_job(**values | overrides)


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"number": -1}, "number", "au moins 1"),
        ({"number": 0}, "number", "au moins 1"),
        ({"fte": Decimal("0")}, "fte", "positif"),
        ({"fte": Decimal("2.5")}, "fte", "ne peut pas dépasser"),
        ({"occurred_on": TODAY + datetime.timedelta(days=1)}, "occurred_on", "date future"),
    ],
)
def test_impossible_figures_are_refused_on_their_field(cast, overrides, field, message):
    with pytest.raises(Refused, match=message) as refused:
        _declare(cast, **overrides)

    assert refused.value.field == field
    assert not JobRecord.objects.exists()


def test_the_database_refuses_impossible_figures_too(cast):
    with pytest.raises(IntegrityError), transaction.atomic():
        JobRecordFactory(project=cast.project, number=1, fte=Decimal("1.5"))


def test_declared_then_verified_counts_apart(cast):
    job = _declare(cast)
    _declare(cast, number=1, fte=Decimal("1"))

    assert job_totals(cast.project) == {
        "verified_jobs": 0,
        "verified_fte": Decimal("0"),
        "kept_jobs": 0,
        "kept_fte": Decimal("0"),
        "declared_jobs": 3,
        "declared_fte": Decimal("2.5"),
    }
    jobs.verify_job(job=job, by=cast.coach)

    totals = job_totals(cast.project)
    assert (totals["verified_jobs"], totals["declared_jobs"]) == (2, 1)
    assert territory_job_totals(cast.territory)["verified_jobs"] == 2


def test_jobs_kept_are_counted_apart_from_jobs_created(cast):
    created = _declare(cast, number=2)
    kept = _declare(cast, number=1, fte=Decimal("1"), kind=JobKind.KEPT)
    jobs.verify_job(job=created, by=cast.coach)
    jobs.verify_job(job=kept, by=cast.coach)

    totals = job_totals(cast.project)

    assert (totals["verified_jobs"], totals["kept_jobs"]) == (2, 1)
    assert (totals["verified_fte"], totals["kept_fte"]) == (Decimal("1.5"), Decimal("1"))


def test_returned_is_corrected_and_declared_again_with_its_history(cast):
    job = _declare(cast)

    with pytest.raises(Refused, match="corriger"):
        jobs.return_job(job=job, reason="  ", by=cast.coach)
    jobs.return_job(job=job, reason="Il manque le contrat signé.", by=cast.coach)
    with pytest.raises(Refused, match="renvoyé"):
        jobs.verify_job(job=job, by=cast.coach)
    assert job_totals(cast.project)["declared_jobs"] == 0
    jobs.correct_job(
        job=job,
        occurred_on=datetime.date(2026, 10, 2),
        number=2,
        contract=Contract.FIXED_TERM,
        fte=Decimal("2"),
        kind="created",
        by=cast.team_member,
        today=TODAY,
    )

    job.refresh_from_db()
    assert (job.status, job.contract) == (JobStatus.DECLARED, Contract.FIXED_TERM)
    assert [(h.status, h.history_user) for h in job.history.order_by("history_date")] == [
        (JobStatus.DECLARED, cast.team_member),
        (JobStatus.RETURNED, cast.coach),
        (JobStatus.DECLARED, cast.team_member),
    ]


def test_job_form_refuses_fte_over_number_keeping_the_input(client, cast):
    client.force_login(cast.team_member)

    response = client.post(
        space_url(cast.project, "job_list"),
        {
            "occurred_on": "2026-10-01",
            "number": "1",
            "contract": "permanent",
            "fte": "3",
            "kind": "created",
            "evidence_note": "Contrat de Léa",
        },
    )

    assert response.status_code == 200
    assert "ne peut pas dépasser le nombre d&#x27;emplois" in response.text
    assert "Contrat de Léa" in response.text
    assert not JobRecord.objects.exists()


def test_job_form_refuses_negative_numbers_clearly(client, cast):
    client.force_login(cast.team_member)

    response = client.post(
        space_url(cast.project, "job_list"),
        {
            "occurred_on": "2026-10-01",
            "number": "-3",
            "contract": "permanent",
            "fte": "1",
            "kind": "created",
        },
    )

    assert "Le nombre d&#x27;emplois doit être entre 1 et 1 000." in response.text
    assert not JobRecord.objects.exists()


def test_only_the_coach_or_organisers_verify(client, cast):
    job = JobRecordFactory(project=cast.project)
    url = space_url(cast.project, "job_verify", pk=job.pk)

    client.force_login(cast.team_member)
    assert client.post(url).status_code == 403
    client.force_login(cast.official)
    assert client.post(url).status_code == 403
    client.force_login(cast.coach)
    assert client.post(url).status_code == 302

    job.refresh_from_db()
    assert (job.status, job.verified_by) == (JobStatus.VERIFIED, cast.coach)


def test_coach_returns_with_a_reason_from_the_page(client, cast):
    job = JobRecordFactory(project=cast.project)
    client.force_login(cast.coach)

    client.post(
        space_url(cast.project, "job_return", pk=job.pk), {"return_reason": "Date à vérifier"}
    )

    job.refresh_from_db()
    assert (job.status, job.return_reason) == (JobStatus.RETURNED, "Date à vérifier")


@pytest.mark.parametrize("item_count", (1, 3))
def test_job_list_queries_do_not_grow(client, cast, django_assert_max_num_queries, item_count):
    JobRecordFactory.create_batch(item_count, project=cast.project)
    JobRecordFactory(project=ProjectFactory(territory=cast.territory), number=5, fte=5)
    client.force_login(cast.coach)

    with django_assert_max_num_queries(12):
        response = client.get(space_url(cast.project, "job_list"))

    assert response.status_code == 200
    assert response.context["totals"]["declared_jobs"] == item_count


def test_history_page_names_the_states(client, cast):
    job = _declare(cast)
    jobs.verify_job(job=job, by=cast.coach)
    client.force_login(cast.official)

    response = client.get(space_url(cast.project, "project_history"))

    assert [(str(n), o, n2) for n, o, n2 in response.context["changes"][0].fields] == [
        ("statut", "déclaré", "vérifié")
    ]


def test_the_jobs_to_verify_email_skips_inactive_organisers_and_speaks_each_ones_language(
    cast, mailoutbox, django_capture_on_commit_callbacks
):
    from django.utils import timezone

    from territoire.enums import Role
    from tests.factories import InvitationFactory, MembershipFactory, UserFactory

    project = ProjectFactory(territory=cast.territory, coach=None)
    gone = UserFactory(email="partie@example.org", is_active=False)
    MembershipFactory(user=gone, territory=cast.territory, role=Role.ORGANISER)
    english = UserFactory(email="english@example.org")
    MembershipFactory(user=english, territory=cast.territory, role=Role.ORGANISER)
    InvitationFactory(
        territory=cast.territory,
        email=english.email,
        language="en",
        accepted_by=english,
        accepted_at=timezone.now(),
    )
    job = JobRecordFactory(project=project, status=JobStatus.DECLARED)

    with django_capture_on_commit_callbacks(execute=True):
        queued = jobs.send_verification_request(job=job)

    subjects = {message.to[0]: message.subject for message in mailoutbox}
    assert queued == 2
    assert subjects == {
        "english@example.org": f"Jobs to verify: {project.name}",
        "orga@example.org": f"Emplois à vérifier : {project.name}",
    }


def test_an_inactive_coach_leaves_the_verification_to_the_organisers(cast):
    cast.coach.is_active = False
    cast.coach.save(update_fields=["is_active"])

    assert [person.email for person in jobs.verifiers(cast.project)] == ["orga@example.org"]
