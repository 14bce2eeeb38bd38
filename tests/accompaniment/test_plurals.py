"""Counts read as French: « 0 emploi vérifié », « 1 emploi vérifié », « 2 emplois vérifiés ».

French puts 0 in the singular (Plural-Forms ``n > 1``) only through a French catalogue: with none,
gettext's fallback is ``n == 1``, and 0 takes the plural. ``locale/fr`` carries the plural entries
(scripts/french_plurals.py, run by `make messages`).
"""

import re

import pytest
from django.urls import reverse

from accompaniment.domain import jobs
from accompaniment.enums import JobKind, JobStatus
from tests.accompaniment.conftest import space_url
from tests.accompaniment.factories import JobRecordFactory


def _text(response) -> str:
    """The page's text, tags dropped and every kind of space read as one."""
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


@pytest.mark.parametrize(
    ("verified", "declared", "expected"),
    [
        (0, 0, ["0 emploi créé, vérifié", "0 déclaré, en attente de vérification"]),
        (1, 1, ["1 emploi créé, vérifié", "1 déclaré, en attente de vérification"]),
        (2, 3, ["2 emplois créés, vérifiés", "3 déclarés, en attente de vérification"]),
    ],
)
@pytest.mark.parametrize("page", ["project_space", "job_list"])
def test_job_counts_agree_with_their_number(
    client, cast, django_assert_max_num_queries, verified, declared, expected, page
):
    if verified:
        JobRecordFactory(project=cast.project, number=verified, status=JobStatus.VERIFIED)
    if declared:
        JobRecordFactory(project=cast.project, number=declared)
    client.force_login(cast.coach)

    with django_assert_max_num_queries(30):
        response = client.get(space_url(cast.project, page))

    assert response.status_code == 200
    assert [phrase for phrase in expected if phrase not in _text(response)] == []
    assert "(s)" not in response.content.decode()


@pytest.mark.parametrize(
    "verified",
    [0, 1, 2],
)
def test_portfolio_counts_verified_jobs_in_french(
    client, cast, django_assert_max_num_queries, verified
):
    if verified:
        JobRecordFactory(project=cast.project, number=verified, status=JobStatus.VERIFIED)
    client.force_login(cast.organiser)

    with django_assert_max_num_queries(30):
        response = client.get(reverse("portfolio", kwargs={"territory": cast.territory.slug}))

    assert response.status_code == 200
    noun = "emploi créé, vérifié" if verified < 2 else "emplois créés, vérifiés"
    assert f"{verified} / 250 {noun}, sur l'objectif" in _text(response)


def test_history_keeps_its_guillemets_and_colon_in_the_translation(client, cast):
    job = JobRecordFactory(project=cast.project, declared_by=cast.team_member)
    jobs.verify_job(job=job, by=cast.coach)
    client.force_login(cast.official)

    response = client.get(space_url(cast.project, "project_history"))

    html = response.content.decode()
    assert "\u00ab\u00a0" in html and "\u00a0\u00bb\u00a0:" in html
    assert "statut\u00a0: déclaré → vérifié" in html


def test_jobs_kept_are_shown_apart_from_jobs_created(client, cast, django_assert_max_num_queries):
    JobRecordFactory(project=cast.project, number=2, status=JobStatus.VERIFIED)
    JobRecordFactory(project=cast.project, number=1, status=JobStatus.VERIFIED, kind=JobKind.KEPT)
    client.force_login(cast.organiser)

    with django_assert_max_num_queries(30):
        space = _text(client.get(space_url(cast.project, "project_space")))
        portfolio = _text(
            client.get(reverse("portfolio", kwargs={"territory": cast.territory.slug}))
        )

    assert "2 emplois créés, vérifiés" in space
    assert "1 emploi maintenu, vérifié" in space
    assert "2 / 250 emplois créés, vérifiés" in portfolio
    assert "1 emploi maintenu, vérifié" in portfolio
    assert "2 (+ 1 maintenu)" in portfolio
    assert "3 emplois" not in space + portfolio
