"""The admin's "view on site" shortcut (``/admin/r/<content type>/<id>/``) redirects only to the
objects the person may view in the admin: another territory's organiser learns nothing (not even
a draft's address), and gets the 404 of an object that does not exist."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from projects.enums import ProjectStatus
from projects.models import Project
from tests.projects.factories import ProjectFactory


def _view_on_site(obj) -> str:
    content_type = ContentType.objects.get_for_model(obj)
    return reverse(
        "admin:view_on_site", kwargs={"content_type_id": content_type.pk, "object_id": obj.pk}
    )


@pytest.fixture
def draft(cast) -> Project:
    return ProjectFactory(
        territory=cast.territory,
        name="Projet secret",
        slug="projet-secret-de-a",
        status=ProjectStatus.DRAFT,
        is_public=False,
    )


def test_the_organiser_of_the_territory_is_sent_to_the_draft_page(
    client, cast, draft, django_assert_max_num_queries
):
    client.force_login(cast.organiser)

    with django_assert_max_num_queries(12):
        response = client.get(_view_on_site(draft))

    assert response.status_code == 302
    assert draft.slug in response["Location"]


def test_another_territory_s_organiser_gets_a_404_without_the_slug(
    client, cast, draft, django_assert_max_num_queries
):
    client.force_login(cast.other_organiser)

    with django_assert_max_num_queries(12):
        response = client.get(_view_on_site(draft))

    assert response.status_code == 404
    assert draft.slug not in response.content.decode()
    assert "Location" not in response


def test_another_territory_s_organiser_gets_a_404_for_the_territory_itself(client, cast):
    client.force_login(cast.other_organiser)

    assert client.get(_view_on_site(cast.territory)).status_code == 404
    assert client.get(_view_on_site(cast.other_territory)).status_code == 302


def test_the_superuser_is_sent_to_any_territory_s_draft(client, cast, draft):
    client.force_login(cast.superuser)

    response = client.get(_view_on_site(draft))

    assert response.status_code == 302
    assert draft.slug in response["Location"]


@pytest.mark.parametrize(
    ("content_type_id", "object_id"),
    [("abc", "1"), ("999999", "1"), ("1", "abc"), ("9" * 30, "1"), ("1", "9" * 30)],
)
def test_tampered_ids_answer_404(client, cast, content_type_id, object_id):
    client.force_login(cast.organiser)
    url = reverse(
        "admin:view_on_site", kwargs={"content_type_id": content_type_id, "object_id": object_id}
    )

    assert client.get(url).status_code == 404


def test_a_project_of_the_other_territory_by_its_real_ids(client, cast, draft):
    """The organiser of B tries A's project: same answer as for an id that does not exist."""
    client.force_login(cast.other_organiser)
    real = client.get(_view_on_site(draft))
    missing = client.get(
        reverse(
            "admin:view_on_site",
            kwargs={
                "content_type_id": ContentType.objects.get_for_model(draft).pk,
                "object_id": draft.pk + 1000,
            },
        )
    )

    assert real.status_code == missing.status_code == 404
