"""The portfolio sets the created jobs against the territory's target and links the impact page."""

import pytest
from django.urls import reverse

from accompaniment.enums import JobKind, JobStatus
from tests.accompaniment.factories import JobRecordFactory

pytestmark = pytest.mark.django_db


def test_the_portfolio_shows_the_target_beside_the_created_jobs(
    client, cast, django_assert_max_num_queries
):
    JobRecordFactory(project=cast.project, number=2, status=JobStatus.VERIFIED)
    JobRecordFactory(project=cast.project, kind=JobKind.KEPT, status=JobStatus.VERIFIED)
    client.force_login(cast.official)

    with django_assert_max_num_queries(12):
        response = client.get(reverse("portfolio", kwargs={"territory": cast.territory.slug}))

    page = response.content.decode()
    assert "2 / 250</span> emplois créés, vérifiés, sur l'objectif" in page
    assert reverse("impact", kwargs={"territory": cast.territory.slug}) in page
