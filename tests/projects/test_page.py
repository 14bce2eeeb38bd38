"""The team edits its public page: conflicts refused and shown, history kept, files checked."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from projects.domain.page import update_project_page
from projects.domain.publishing import ProjectRefused
from projects.models import Project
from territoire.errors import StaleEdit
from tests.bombs import png
from tests.projects.factories import ProjectFactory


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _url(project) -> str:
    return reverse(
        "project_page_edit", kwargs={"territory": project.territory.slug, "slug": project.slug}
    )


def _form(project, **changes) -> dict:
    data = {
        "revision": project.revision,
        "name": project.name,
        "pitch": project.pitch,
        "description": project.description,
        "website": project.website,
        "public_email": project.public_email,
        "is_public": "on" if project.is_public else "",
        "show_team": "on",
        "show_needs": "on",
        "show_jobs": "on",
    }
    return data | changes


def _image(fmt="JPEG", size=(2400, 1200), exif=True, mode="RGB") -> bytes:
    image = Image.new(mode, size, "teal")
    out = io.BytesIO()
    kwargs = {}
    if exif:
        meta = Image.Exif()
        meta[0x010F] = "Appareil photo secret"  # Make
        kwargs["exif"] = meta.tobytes()
    image.save(out, format=fmt, **kwargs)
    return out.getvalue()


def test_a_save_from_the_current_revision_updates_and_keeps_history(cast):
    project = cast.project

    saved = update_project_page(
        project=project, by=cast.team_member, revision=project.revision, pitch="Nouveau pitch"
    )

    assert (saved.pitch, saved.revision) == ("Nouveau pitch", project.revision + 1)
    latest = saved.history.latest("history_date")
    assert (latest.pitch, latest.history_user, latest.history_type) == (
        "Nouveau pitch",
        cast.team_member,
        "~",
    )


def test_a_save_from_a_stale_revision_is_refused_with_the_current_values(cast):
    project = cast.project
    stale_revision = project.revision
    update_project_page(project=project, by=cast.coach, revision=stale_revision, pitch="Version A")

    with pytest.raises(StaleEdit) as refused:
        update_project_page(
            project=project, by=cast.team_member, revision=stale_revision, pitch="Version B"
        )

    assert refused.value.current["pitch"] == "Version A"
    assert refused.value.revision == stale_revision + 1
    assert Project.objects.get(pk=project.pk).pitch == "Version A"
    assert project.history.count() == 2  # the creation and version A only


def test_a_name_of_another_project_is_refused(cast):
    ProjectFactory(territory=cast.territory, name="Tandems")

    with pytest.raises(ProjectRefused, match="Tandems"):
        update_project_page(project=cast.project, by=cast.team_member, revision=1, name="Tandems")


def test_the_page_form_saves(client, cast):
    client.force_login(cast.team_member)

    response = client.post(
        _url(cast.project),
        _form(cast.project, description="Notre histoire", website="https://numeribus.fr"),
    )

    assert response.status_code == 302
    project = Project.objects.get(pk=cast.project.pk)
    assert (project.description, project.website) == ("Notre histoire", "https://numeribus.fr")


def test_two_people_editing_at_once_the_second_is_shown_both_versions(client, cast):
    client.force_login(cast.team_member)
    form_a = _form(cast.project, pitch="Le pitch d'Awa")
    form_b = _form(cast.project, pitch="Le pitch du coach", description="Ce que j'ai tapé")
    client.post(_url(cast.project), form_a)

    response = client.post(_url(cast.project), form_b)

    html = response.content.decode()
    assert response.status_code == 409
    assert "Quelqu'un d'autre a modifié cette page pendant que vous l'éditiez." in html
    assert "Le pitch d&#x27;Awa" in html  # theirs, beside
    assert "Le pitch du coach" in html  # mine, kept in the form
    assert "Ce que j&#x27;ai tapé" in html
    # The form now carries the current revision: saving again knowingly replaces theirs.
    assert f'name="revision" value="{cast.project.revision + 1}"' in html
    assert Project.objects.get(pk=cast.project.pk).pitch == "Le pitch d'Awa"
    again = client.post(_url(cast.project), form_b | {"revision": cast.project.revision + 1})
    assert again.status_code == 302
    assert Project.objects.get(pk=cast.project.pk).pitch == "Le pitch du coach"


@pytest.mark.parametrize(
    "website", ["javascript:alert(1)", "ftp://numeribus.fr/", "data:text/html,x", "pas une url"]
)
def test_links_must_be_http(client, cast, website):
    client.force_login(cast.team_member)

    response = client.post(_url(cast.project), _form(cast.project, website=website, pitch="Gardé"))

    html = response.content.decode()
    assert response.status_code == 400
    assert "Indiquez une adresse web qui commence par http:// ou https://." in html
    assert "Gardé" in html
    assert Project.objects.get(pk=cast.project.pk).website == ""


def test_script_in_text_is_stored_as_typed_and_shown_escaped(client, cast):
    client.force_login(cast.team_member)
    client.post(_url(cast.project), _form(cast.project, description="<script>alert(1)</script>"))

    page = client.get(cast.project.get_absolute_url())

    assert "<script>alert(1)</script>" not in page.content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.content.decode()


def test_an_image_is_reencoded_without_metadata_and_resized(client, cast):
    client.force_login(cast.team_member)
    upload = SimpleUploadedFile("photo.jpg", _image(), content_type="image/jpeg")

    response = client.post(_url(cast.project), _form(cast.project, image=upload))

    assert response.status_code == 302
    project = Project.objects.get(pk=cast.project.pk)
    assert project.image.name.startswith("projects/bus-numerique-")
    with Image.open(project.image.path) as stored:
        assert stored.format == "JPEG"
        assert stored.size == (1600, 800)
        assert "Appareil photo secret" not in str(dict(stored.getexif()))


def test_a_transparent_png_stays_png(client, cast):
    client.force_login(cast.team_member)
    upload = SimpleUploadedFile(
        "logo.png", _image("PNG", (300, 300), exif=False, mode="RGBA"), content_type="image/png"
    )

    client.post(_url(cast.project), _form(cast.project, image=upload))

    assert Project.objects.get(pk=cast.project.pk).image.name.endswith(".png")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"%PDF-1.4 pas une image", "n&#x27;est pas une image lisible"),
        (_image("GIF", (20, 20), exif=False, mode="P"), "Choisissez une image JPEG, PNG ou WebP."),
        (b"\xff" * (5 * 1024 * 1024 + 1), "5 Mo au plus"),
        (png(7800, 5000), "Cette image est trop grande : 25 millions de pixels au plus"),
    ],
    ids=["not-an-image", "gif", "too-large", "39-megapixels"],
)
def test_a_refused_file_gets_a_clear_message(client, cast, content, message):
    client.force_login(cast.team_member)
    upload = SimpleUploadedFile("fichier.jpg", content, content_type="image/jpeg")

    response = client.post(_url(cast.project), _form(cast.project, image=upload, pitch="Gardé"))

    assert response.status_code == 400
    assert message in response.content.decode()
    assert "Gardé" in response.content.decode()
    assert not Project.objects.get(pk=cast.project.pk).image


def test_edit_page_in_bounded_queries(client, cast, django_assert_max_num_queries):
    client.force_login(cast.team_member)

    with django_assert_max_num_queries(10):
        response = client.get(_url(cast.project))

    assert response.status_code == 200
    assert f'name="revision" value="{cast.project.revision}"' in response.content.decode()


@pytest.mark.parametrize(
    ("who", "answer"),
    [
        ("team_member", 200),
        ("coach", 200),
        ("organiser", 200),
        ("official", 403),
        ("other_team", 404),
        ("stranger", 404),
        ("other_organiser", 404),
    ],
)
def test_who_edits_the_page(client, cast, who, answer):
    from tests.factories import UserFactory
    from tests.projects.factories import ProjectMemberFactory

    other_team = ProjectMemberFactory(
        project=ProjectFactory(territory=cast.territory), user=UserFactory()
    ).user
    users = {**cast.role_users(), "other_team": other_team}
    client.force_login(users[who])

    get = client.get(_url(cast.project))
    post = client.post(_url(cast.project), _form(cast.project, pitch="Changé"))

    assert get.status_code == answer
    assert post.status_code == (302 if answer == 200 else answer)
    changed = Project.objects.get(pk=cast.project.pk).pitch == "Changé"
    assert changed is (answer == 200)
