"""The coach is told when a team declares jobs to verify."""

import datetime
from decimal import Decimal

from django.db import transaction
from django.urls import reverse

from accompaniment.domain import jobs
from accompaniment.enums import Contract, JobStatus
from tests.accompaniment.conftest import TODAY
from tests.accompaniment.factories import JobRecordFactory
from tests.projects.factories import ProjectFactory


def _declare(project, by):
    return jobs.declare_job(
        project=project,
        occurred_on=datetime.date(2026, 10, 1),
        number=2,
        contract=Contract.PERMANENT,
        fte=Decimal("1.5"),
        by=by,
        today=TODAY,
    )


def test_declaring_jobs_mails_the_coach_once_committed(
    cast, mailoutbox, django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "https://territoire.example.org"

    with django_capture_on_commit_callbacks(execute=True):
        _declare(cast.project, cast.team_member)

    assert [mail.to for mail in mailoutbox] == [[cast.coach.email]]
    mail = mailoutbox[0]
    assert mail.subject == "Emplois à vérifier : Bus numérique"
    assert "L'équipe de Bus numérique a déclaré 2 emplois à vérifier" in mail.body
    job_list = reverse("job_list", args=[cast.territory.slug, cast.project.slug])
    assert f"https://territoire.example.org{job_list}" in mail.body


def test_a_declaration_rolled_back_mails_nobody(
    cast, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                _declare(cast.project, cast.team_member)
                raise RuntimeError("the request failed after the declaration")
        except RuntimeError:
            pass

    assert mailoutbox == []


def test_without_a_coach_the_organisers_are_told(
    cast, mailoutbox, django_capture_on_commit_callbacks
):
    project = ProjectFactory(territory=cast.territory, coach=None)

    with django_capture_on_commit_callbacks(execute=True):
        _declare(project, cast.team_member)

    assert [mail.to for mail in mailoutbox] == [[cast.organiser.email]]


def test_a_corrected_declaration_mails_the_coach_again(
    cast, mailoutbox, django_capture_on_commit_callbacks
):
    job = JobRecordFactory(project=cast.project, status=JobStatus.RETURNED, return_reason="?")

    with django_capture_on_commit_callbacks(execute=True):
        jobs.correct_job(
            job=job,
            occurred_on=datetime.date(2026, 10, 1),
            number=1,
            contract=Contract.PERMANENT,
            fte=Decimal("1"),
            kind=job.kind,
            by=cast.team_member,
            today=TODAY,
        )

    assert [mail.to for mail in mailoutbox] == [[cast.coach.email]]
    assert "a déclaré 1 emploi à vérifier" in mailoutbox[0].body
