"""The organisers' review: publishing the evening's formed projects, creating later ones;
the admin; the links in people's spaces."""

import pytest
from django.urls import reverse

from projects.enums import ProjectStatus
from projects.models import Project
from tests.events.factories import (
    FormedProjectFactory,
    IdeaFactory,
    TableFactory,
    TeamMemberFactory,
)
from tests.projects.factories import ProjectFactory, ProjectFollowerFactory, ProjectMemberFactory


def _review(territory) -> str:
    return reverse("project_review", kwargs={"territory": territory.slug})


@pytest.fixture
def table(cast):
    return TableFactory(event__territory=cast.territory, challenge__title="Seniors et numérique")


@pytest.mark.parametrize("item_count", (1, 3))
def test_review_lists_formed_projects_prefilled_in_constant_queries(
    client, cast, table, item_count, django_assert_max_num_queries
):
    for index in range(item_count):
        formed = FormedProjectFactory(table=table, name=f"Formé {index}", pitch=f"Pitch {index}")
        formed.ideas.set([IdeaFactory(table=table, text=f"Idée {index}")])
        TeamMemberFactory(project=formed, full_name=f"Équipier {index}")
    client.force_login(cast.organiser)

    with django_assert_max_num_queries(12):
        response = client.get(_review(cast.territory))

    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("Publier ce projet") == item_count
    assert f'value="Formé {item_count - 1}"' in html
    assert f"Pitch {item_count - 1}</textarea>" in html
    assert f"Idée {item_count - 1}" in html
    assert f'<option value="{table.challenge.pk}" selected>' in html


def test_review_shows_only_the_territorys_unpublished_projects(client, cast, table):
    FormedProjectFactory(table=table, name="À publier")
    ProjectFactory(
        territory=cast.territory, formed_project=FormedProjectFactory(table=table, name="Publié")
    )
    FormedProjectFactory(table=TableFactory(event__territory=cast.other_territory), name="Ailleurs")
    client.force_login(cast.organiser)

    html = client.get(_review(cast.territory)).content.decode()

    assert "À publier" in html
    assert 'id="formed-' in html and html.count('class="card formed-project"') == 1
    assert "Ailleurs" not in html


def test_publish_from_the_review(
    client, cast, table, mailoutbox, django_capture_on_commit_callbacks
):
    formed = FormedProjectFactory(table=table, name="Numéribus")
    TeamMemberFactory(project=formed, email="awa@example.org")
    client.force_login(cast.organiser)
    prefix = f"fp{formed.pk}"

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("project_publish", args=[cast.territory.slug, formed.pk]),
            {
                f"{prefix}-name": "Numéribus",
                f"{prefix}-pitch": "Un bus.",
                f"{prefix}-challenge": table.challenge.pk,
                f"{prefix}-status": ProjectStatus.ACTIVE,
                f"{prefix}-coach": cast.coach.pk,
            },
        )

    project = Project.objects.get(formed_project=formed)
    assert response.status_code == 302
    assert response.url == reverse("project_team", args=[cast.territory.slug, project.slug])
    assert (project.coach, project.challenge, project.status) == (
        cast.coach,
        table.challenge,
        ProjectStatus.ACTIVE,
    )
    assert [m.to for m in mailoutbox] == [["awa@example.org"]]


def test_a_bad_publish_form_keeps_what_was_typed(client, cast, table):
    formed = FormedProjectFactory(table=table, name="Numéribus")
    client.force_login(cast.organiser)
    prefix = f"fp{formed.pk}"

    response = client.post(
        reverse("project_publish", args=[cast.territory.slug, formed.pk]),
        {
            f"{prefix}-name": "Bus numérique",  # cast.project's name
            f"{prefix}-pitch": "Mon pitch tapé",
            f"{prefix}-status": ProjectStatus.ACTIVE,
        },
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert "Un projet porte déjà le nom « Bus numérique »" in html
    assert "Mon pitch tapé" in html
    assert not Project.objects.filter(formed_project=formed).exists()


def test_another_territorys_formed_project_cannot_be_published_here(client, cast):
    elsewhere = FormedProjectFactory(table=TableFactory(event__territory=cast.other_territory))
    client.force_login(cast.organiser)

    response = client.post(reverse("project_publish", args=[cast.territory.slug, elsewhere.pk]), {})

    assert response.status_code == 404


def test_a_coach_cannot_publish(client, cast, table):
    formed = FormedProjectFactory(table=table)
    client.force_login(cast.coach)

    response = client.post(reverse("project_publish", args=[cast.territory.slug, formed.pk]), {})

    assert response.status_code == 403
    assert not Project.objects.filter(formed_project=formed).exists()


def test_new_project_joining_later(client, cast):
    client.force_login(cast.organiser)
    url = reverse("project_create", args=[cast.territory.slug])

    page = client.get(url)
    response = client.post(url, {"name": "La Ressourcerie", "pitch": "Réparer.", "status": "draft"})

    assert 'value="draft" selected' in page.content.decode()
    project = Project.objects.get(name="La Ressourcerie")
    assert response.url == reverse("project_team", args=[cast.territory.slug, "la-ressourcerie"])
    assert (project.territory, project.status, project.source_table) == (
        cast.territory,
        ProjectStatus.DRAFT,
        None,
    )


def test_a_new_project_form_with_errors_keeps_what_was_typed(client, cast):
    client.force_login(cast.organiser)

    response = client.post(
        reverse("project_create", args=[cast.territory.slug]),
        {"name": "", "pitch": "Gardé", "status": "inconnu"},
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert "Donnez un nom au projet." in html
    assert "Gardé" in html


def test_admin_lists_only_the_organisers_territory(client, cast):
    ProjectFactory(territory=cast.other_territory, name="Projet de B")
    client.force_login(cast.organiser)

    html = client.get(reverse("admin:projects_project_changelist")).content.decode()

    assert "Bus numérique" in html
    assert "Projet de B" not in html


def test_a_status_change_in_the_admin_keeps_history(client, cast):
    client.force_login(cast.organiser)
    url = reverse("admin:projects_project_change", args=[cast.project.pk])
    page = client.get(url)
    assert page.status_code == 200
    data = {
        "territory": cast.territory.pk,
        "name": "Bus numérique",
        "pitch": cast.project.pitch,
        "status": ProjectStatus.GRADUATED,
        "coach": cast.coach.pk,
        "is_public": "on",
        "show_team": "on",
        "members-TOTAL_FORMS": "1",
        "members-INITIAL_FORMS": "1",
        "members-MIN_NUM_FORMS": "0",
        "members-MAX_NUM_FORMS": "1000",
        "members-0-id": cast.project.members.get().pk,
        "members-0-project": cast.project.pk,
        "members-0-full_name": "Awa Équipe",
        "members-0-email": "equipe@example.org",
        "members-0-role": "member",
    }

    response = client.post(url, data)

    assert response.status_code == 302, response.content.decode()[:2000]
    cast.project.refresh_from_db()
    assert cast.project.status == ProjectStatus.GRADUATED
    latest = cast.project.history.latest("history_date")
    assert (latest.status, latest.history_user) == (ProjectStatus.GRADUATED, cast.organiser)
    history = client.get(reverse("admin:projects_project_history", args=[cast.project.pk]))
    assert history.status_code == 200


def test_followers_are_read_only_in_the_admin(client, cast):
    follower = ProjectFollowerFactory(project=cast.project, email="voisine@example.org")
    client.force_login(cast.organiser)

    page = client.get(reverse("admin:projects_projectfollower_change", args=[follower.pk]))

    assert page.status_code == 200
    assert 'name="email"' not in page.content.decode()
    assert client.get(reverse("admin:projects_projectfollower_add")).status_code == 403


def test_team_members_find_their_project_in_their_space(client, cast):
    client.force_login(cast.team_member)

    html = client.get(reverse("space")).content.decode()

    assert "Métropole A" in html
    assert "Bus numérique" in html
    assert "Projets à publier" not in html


def test_organisers_find_the_review_and_the_showcase_in_their_space(client, cast):
    ProjectMemberFactory(project=ProjectFactory(territory=cast.other_territory))
    client.force_login(cast.organiser)

    html = client.get(reverse("space")).content.decode()

    assert _review(cast.territory) in html
    assert reverse("project_showcase", args=[cast.territory.slug]) in html


def test_admin_action_invites_the_members_who_have_not_joined(
    client, cast, mailoutbox, django_capture_on_commit_callbacks
):
    pending = ProjectMemberFactory(project=cast.project, email="lea@example.org")
    ProjectMemberFactory(project=cast.project, email="")
    elsewhere = ProjectMemberFactory(
        project=ProjectFactory(territory=cast.other_territory), email="b@example.org"
    )
    client.force_login(cast.organiser)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:projects_project_changelist"),
            {
                "action": "invite_pending_members",
                "_selected_action": [cast.project.pk, elsewhere.project.pk],
            },
        )

    assert response.status_code == 302
    assert [m.to for m in mailoutbox] == [["lea@example.org"]]
    pending.refresh_from_db()
    assert pending.invitation_token in mailoutbox[0].body
