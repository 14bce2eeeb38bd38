"""The projects' rows of tests/test_permission_matrix.py: who reaches which URL, the objects the
URLs need, and their parameters. Kept here so the shared matrix only includes them."""

from django.core.files.base import ContentFile
from django.urls import reverse

from projects.domain.followers import confirmation_token
from tests.projects.factories import ProjectFollowerFactory, ProjectMemberFactory

PROJECT_KEYS = {"project_detail", "project_follow", "project_page_edit", "project_team"}
PROJECT_KEYS |= {"project_status", "project_member_merge", "project_name_public"}
MEMBER_KEYS = {"project_member_remove", "project_member_role"}
TERRITORY_KEYS = {"project_showcase", "project_review", "project_create"}


def expected(answers, login: str) -> dict[str, dict[str, object]]:
    """The declared answers of every projects URL, given the matrix's ``answers`` helper."""
    admin_page = answers(403, anonymous=login, organiser=200, other_organiser=200, superuser=200)
    object_of_a = answers(403, anonymous=login, organiser=200, other_organiser=302, superuser=200)
    redirect = answers(403, anonymous=login, organiser=302, other_organiser=302, superuser=302)
    nobody = answers(403, anonymous=login)
    organisers = answers(403, anonymous=login, organiser=200, superuser=200)
    post_only = answers(405, anonymous=login)
    # cast.project: its readers (team, coach, the territory's organisers, coaches and
    # officials); everyone else gets a 404, as if the project did not exist.
    read = answers(
        404, anonymous=login, organiser=200, coach=200, official=200, superuser=200, team_member=200
    )
    change = read | {"official": 403}  # officials read, never write
    # django-simple-history's pages answer 403 (not the admin's redirect) to another
    # territory's organiser.
    history = object_of_a | {"other_organiser": 403}
    return {
        # Public: cast.project is public and accompanied.
        "project_showcase": answers(200),
        "project_detail": answers(200),
        "project_follow": answers(302),  # GET goes back to the page's form
        "project_image": answers(200),  # its image, at its media address
        "project_follow_confirm": answers(200),  # GET shows a button, the POST confirms
        "project_follow_stop": answers(200),  # likewise
        # A pending invitation, for an address without an account: only they may use it.
        "project_invitation_accept": answers(403, anonymous=200),
        # The team's space.
        "project_page_edit": change,
        "project_team": read,
        "project_status": post_only,
        # Changing the team (its lead, its coach, the organisers): POST only; see
        # tests/projects/test_team_members.py for who may post.
        "project_member_remove": post_only,
        "project_member_role": post_only,
        "project_member_merge": post_only,
        "project_name_public": post_only,
        # Organisers.
        "project_review": organisers,
        "project_publish": post_only,
        "project_create": organisers,
        # Admin.
        "admin:projects_project_changelist": admin_page,
        "admin:projects_project_add": admin_page,
        "admin:projects_project_history": history,
        "admin:projects_project_simple_history": history,
        "admin:projects_project_delete": object_of_a,
        "admin:projects_project_change": object_of_a,
        "admin:projects_project_<object>": redirect,
        "admin:projects_projectfollower_changelist": admin_page,
        "admin:projects_projectfollower_add": nobody,
        "admin:projects_projectfollower_history": object_of_a,
        "admin:projects_projectfollower_delete": object_of_a,
        "admin:projects_projectfollower_change": object_of_a,  # read-only
        "admin:projects_projectfollower_<object>": redirect,
    }


def post_expected(answers, login: str, may: str) -> dict[str, dict[str, object]]:
    """Who may send the projects' POST-only URLs (``may``: accepted)."""
    # The team is managed by its coach and the territory's organisers; officials only read.
    manage = answers(404, anonymous=login, organiser=may, coach=may, superuser=may, official=403)
    manage |= {"team_member": 403}
    return {
        "project_member_merge": manage,
        "project_member_remove": manage,
        "project_member_role": manage,
        "project_status": manage,
        # A member's own "may my name be public": the member alone.
        "project_name_public": answers(
            404, anonymous=login, organiser=403, coach=403, official=403, superuser=403
        )
        | {"team_member": may},
        # Publishing a project formed at the evening: the territory's organisers.
        "project_publish": answers(403, anonymous=login, organiser=may, superuser=may),
    }


def objects(cast) -> dict[str, object]:
    """A pending team invitation, a follower and an image of ``cast.project``."""
    cast.project.image.save("matrice.png", ContentFile(b"\x89PNG\r\n\x1a\n"), save=True)
    return {
        "project": cast.project,
        "projectmember": ProjectMemberFactory(
            project=cast.project, email="invitee@example.org", invitation_token="jeton-equipe"
        ),
        "projectfollower": ProjectFollowerFactory(project=cast.project, confirmed_at=None),
    }


def url(key: str, cast, objects: dict[str, object]) -> str:
    if key == "admin:projects_project_simple_history":
        return reverse(key, args=[cast.project.pk, cast.project.history.earliest().history_id])
    if key.startswith("admin:"):
        if key.rsplit("_", 1)[-1] in {"change", "delete", "history"}:
            model = key.split("_")[-2]
            return reverse(key, kwargs={"object_id": objects[model].pk})
        return reverse(key)
    if key in PROJECT_KEYS:
        return reverse(key, kwargs={"territory": cast.territory.slug, "slug": cast.project.slug})
    if key in MEMBER_KEYS:
        return reverse(
            key,
            kwargs={
                "territory": cast.territory.slug,
                "slug": cast.project.slug,
                "member_id": objects["projectmember"].pk,
            },
        )
    if key in TERRITORY_KEYS:
        return reverse(key, kwargs={"territory": cast.territory.slug})
    if key == "project_publish":
        return reverse(
            key, kwargs={"territory": cast.territory.slug, "formed_id": objects["formedproject"].pk}
        )
    if key == "project_invitation_accept":
        return reverse(key, kwargs={"token": objects["projectmember"].invitation_token})
    if key == "project_follow_confirm":
        return reverse(key, kwargs={"token": confirmation_token(objects["projectfollower"])})
    if key == "project_image":
        return reverse(key, kwargs={"name": cast.project.image.name.split("/", 1)[1]})
    if key == "project_follow_stop":
        return reverse(key, kwargs={"token": objects["projectfollower"].token})
    raise KeyError(key)
