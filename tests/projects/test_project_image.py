"""A project's uploaded image is served at its media address (the reverse proxy forwards it to
Django: docs/production.md) to whoever may see the project's page, and to nobody else: a draft's
image does not leak to the public or to another territory."""

import io

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from PIL import Image

from projects.enums import ProjectStatus
from projects.models import Project
from tests.projects.factories import ProjectFactory


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), "teal").save(out, format="PNG")
    return out.getvalue()


def _with_image(project: Project) -> Project:
    project.image.save("photo-1a2b3c4d.png", ContentFile(_png()), save=True)
    return project


@pytest.fixture
def draft(cast) -> Project:
    return _with_image(
        ProjectFactory(
            territory=cast.territory, slug="brouillon", status=ProjectStatus.DRAFT, is_public=False
        )
    )


def test_a_showcased_project_s_image_is_served_to_everybody_at_its_url(
    client, cast, django_assert_max_num_queries
):
    project = _with_image(cast.project)

    with django_assert_max_num_queries(3):
        response = client.get(project.image.url)

    assert project.image.url.startswith("/media/projects/")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == _png()
    assert response["Cache-Control"] == "public, max-age=3600"
    # Read whole, the test client closed the file; response.close() would close the connection.
    # the page shows the image at that address
    page = client.get(
        reverse("project_detail", kwargs={"territory": cast.territory.slug, "slug": project.slug})
    )
    assert f'src="{project.image.url}"' in page.content.decode()


@pytest.mark.parametrize("role", ["anonymous", "stranger", "other_organiser"])
def test_a_draft_s_image_is_a_404_for_those_who_may_not_read_it(
    client, cast, draft, role, django_assert_max_num_queries
):
    if role != "anonymous":
        client.force_login(getattr(cast, role))

    with django_assert_max_num_queries(8):
        response = client.get(draft.image.url)

    assert response.status_code == 404


@pytest.mark.parametrize("role", ["organiser", "coach", "official"])
def test_a_draft_s_image_is_served_privately_to_its_readers(client, cast, draft, role):
    client.force_login(getattr(cast, role))

    response = client.get(draft.image.url)
    # Read whole (the test client then closes the file): never response.close(), which closes
    # the database connection.
    assert b"".join(response.streaming_content)

    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"


@pytest.mark.parametrize("name", ["inconnue.png", "..%2Fsettings.py", "a" * 300])
def test_an_unknown_or_tampered_name_is_a_404(client, cast, name):
    _with_image(cast.project)

    assert client.get(f"/media/projects/{name}").status_code == 404


def test_a_missing_file_is_a_404_not_a_500(client, cast):
    project = _with_image(cast.project)
    project.image.storage.delete(project.image.name)

    assert client.get(project.image.url).status_code == 404


def test_a_post_is_refused(client, cast):
    project = _with_image(cast.project)

    assert client.post(project.image.url).status_code == 405
