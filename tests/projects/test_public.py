"""The showcase, a project's public page, and following a project's news."""

import re

import pytest
from django.urls import reverse

from projects.domain.followers import (
    FollowRefused,
    confirm_following,
    confirmation_token,
    follow_project,
    stop_following,
)
from projects.enums import ProjectStatus
from projects.extensions import Section, provide_project_sections
from projects.models import ProjectFollower
from tests.challenges.factories import ChallengeFactory
from tests.events.factories import IdeaFactory, TableFactory, TeamMemberFactory
from tests.factories import DomainFactory
from tests.projects.factories import ProjectFactory, ProjectMemberFactory


def _showcase(territory, **params) -> str:
    url = reverse("project_showcase", kwargs={"territory": territory.slug})
    return url


@pytest.mark.parametrize("item_count", (1, 30))
def test_showcase_lists_public_projects_in_constant_queries(
    client, cast, item_count, django_assert_max_num_queries
):
    domain = DomainFactory(name="Santé", slug="sante")
    cast.territory.domains.add(domain)
    challenge = ChallengeFactory(territory=cast.territory, domain=domain, title="Bien vieillir")
    for index in range(item_count):
        ProjectFactory(
            territory=cast.territory,
            name=f"Projet {index:02}",
            domain=domain,
            challenge=challenge,
            pitch=f"Pitch {index}",
        )

    # territory, domains, challenges, the count, one page of projects
    with django_assert_max_num_queries(5):
        response = client.get(_showcase(cast.territory))

    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('class="card project-card"') == min(item_count + 1, 24)  # and cast.project
    assert "Pitch 0" in html
    assert "Défi\u00a0: Bien vieillir" in html
    assert f"{item_count + 1} projets" in html


def test_showcase_never_shows_drafts_hidden_or_other_territories_projects(client, cast):
    ProjectFactory(territory=cast.territory, name="Brouillon", status=ProjectStatus.DRAFT)
    ProjectFactory(territory=cast.territory, name="Caché", is_public=False)
    ProjectFactory(territory=cast.territory, name="Arrêté", status=ProjectStatus.STOPPED)
    ProjectFactory(territory=cast.other_territory, name="Ailleurs")
    ProjectFactory(territory=cast.territory, name="En pause", status=ProjectStatus.PAUSED)

    html = client.get(_showcase(cast.territory)).content.decode()

    names = re.findall(r'<h2><a href="[^"]+">([^<]+)</a></h2>', html)
    assert names == ["Bus numérique", "En pause"]


def test_showcase_filters_by_domain_challenge_and_status(client, cast):
    health = DomainFactory(name="Santé", slug="sante")
    youth = DomainFactory(name="Jeunesse", slug="jeunesse")
    cast.territory.domains.add(health, youth)
    challenge = ChallengeFactory(territory=cast.territory, domain=youth, slug="orientation")
    ProjectFactory(territory=cast.territory, name="Santé active", domain=health)
    ProjectFactory(
        territory=cast.territory,
        name="Jeunes en pause",
        domain=youth,
        challenge=challenge,
        status=ProjectStatus.PAUSED,
    )
    url = _showcase(cast.territory)

    def names(**params):
        html = client.get(url, params).content.decode()
        return re.findall(r'<h2><a href="[^"]+">([^<]+)</a></h2>', html)

    assert names(domaine="sante") == ["Santé active"]
    assert names(defi="orientation") == ["Jeunes en pause"]
    assert names(statut="paused") == ["Jeunes en pause"]
    assert names(domaine="jeunesse", statut="active") == []
    # An unknown value is ignored, never a 500.
    assert names(domaine="inconnu", statut="draft") == [
        "Bus numérique",
        "Jeunes en pause",
        "Santé active",
    ]


@pytest.fixture
def born_at_a_table(cast):
    table = TableFactory(event__territory=cast.territory, event__title="Soirée du vélodrome")
    project = ProjectFactory(
        territory=cast.territory, name="Numéribus", source_table=table, challenge=table.challenge
    )
    project.ideas.set(
        [IdeaFactory(table=table, text="Un bus qui change de quartier"), IdeaFactory(table=table)]
    )
    # Awa agreed, on her phone at the table, that her name may be public (issue 14: opt-in).
    ProjectMemberFactory(
        project=project,
        full_name="Awa Diallo",
        organisation_name="Humanis",
        from_team_member=TeamMemberFactory(
            project__table=table, full_name="Awa Diallo", name_public=True
        ),
    )
    return project


@pytest.fixture
def without_sections(monkeypatch):
    """The project page's own queries: the sections of higher apps are theirs to count."""
    from projects import extensions

    monkeypatch.setattr(extensions, "_section_providers", [])


@pytest.mark.parametrize("item_count", (1, 3))
def test_project_page_shows_its_origin_ideas_and_team_in_constant_queries(
    client, born_at_a_table, item_count, django_assert_num_queries, without_sections
):
    project = born_at_a_table
    for index in range(item_count):
        ProjectMemberFactory(project=project, full_name=f"Membre {index}")

    with django_assert_num_queries(3):  # project, ideas, team
        response = client.get(project.get_absolute_url())

    html = response.content.decode()
    assert response.status_code == 200
    assert (
        f"Né à la {project.source_table.name} de la soirée «\u00a0Soirée du vélodrome\u00a0»"
        in html
    )
    assert "Un bus qui change de quartier" in html
    assert "Awa Diallo" in html
    assert "Humanis" in html
    # Members who never agreed to a public name (here: added since, never asked) are not shown.
    assert "Membre 0" not in html
    assert "Suivre ce projet" in html
    assert "Aperçu" not in html


def test_project_page_shows_only_the_members_who_agreed(client, born_at_a_table):
    table = born_at_a_table.source_table
    ProjectMemberFactory(
        project=born_at_a_table,
        full_name="Jean Refus",
        from_team_member=TeamMemberFactory(project__table=table, full_name="Jean Refus"),
    )

    html = client.get(born_at_a_table.get_absolute_url()).content.decode()

    assert "Awa Diallo" in html
    assert "Jean Refus" not in html


def test_project_page_hides_the_team_when_the_team_says_so(client, born_at_a_table):
    born_at_a_table.show_team = False
    born_at_a_table.save()

    html = client.get(born_at_a_table.get_absolute_url()).content.decode()

    assert "Awa Diallo" not in html


def test_sections_of_higher_apps_are_shown(client, cast, without_sections):
    def needs(project, request):
        if not project.show_needs:
            return []
        return [Section("Nos besoins", "projects/tests/section.html", {"text": "Un local"})]

    provide_project_sections(needs)

    html = client.get(cast.project.get_absolute_url()).content.decode()

    assert "<h2>Nos besoins</h2><p>Un local</p>" in html


@pytest.mark.parametrize("state", ["draft", "hidden"])
@pytest.mark.parametrize(
    ("who", "answer"),
    [
        ("anonymous", 404),
        ("stranger", 404),
        ("other_organiser", 404),
        ("team_member", 200),
        ("coach", 200),
        ("organiser", 200),
        ("official", 200),
    ],
)
def test_a_draft_or_hidden_project_is_a_preview_for_its_people_only(
    client, cast, state, who, answer
):
    if state == "draft":
        cast.project.status = ProjectStatus.DRAFT
    else:
        cast.project.is_public = False
    cast.project.save()
    user = cast.role_users()[who]
    if user:
        client.force_login(user)

    response = client.get(cast.project.get_absolute_url())

    assert response.status_code == answer
    if answer == 200:
        assert "Aperçu — cette page n'est pas visible du public" in response.content.decode()
        assert response["X-Robots-Tag"] == "noindex, nofollow"


def test_follow_asks_for_confirmation_then_confirms(
    client, cast, mailoutbox, django_capture_on_commit_callbacks
):
    url = reverse("project_follow", args=[cast.territory.slug, cast.project.slug])

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"email": "Voisine@Example.org"})

    assert response.status_code == 302
    follower = ProjectFollower.objects.get()
    assert (follower.email, follower.confirmed_at) == ("voisine@example.org", None)
    [mail] = mailoutbox
    confirm = re.search(r"/projets/suivre/[^/\s]+/", mail.body).group(0)
    assert f"/projets/arreter/{follower.token}/" in mail.body
    assert client.get(confirm).status_code == 200
    ProjectFollower.objects.get(confirmed_at=None)  # a GET (an e-mail scanner) confirms nothing
    done = client.post(confirm)
    assert (
        "c&#x27;est confirmé" in done.content.decode() or "c'est confirmé" in done.content.decode()
    )
    follower.refresh_from_db()
    assert follower.confirmed_at is not None


def test_following_again_updates_the_one_row(cast, django_capture_on_commit_callbacks):
    first = follow_project(project=cast.project, email="voisine@example.org", language="fr")
    confirm_following(token=confirmation_token(first))

    again = follow_project(project=cast.project, email="VOISINE@example.org", language="en")

    assert again.pk == first.pk
    assert ProjectFollower.objects.count() == 1
    assert again.language == "en"
    assert again.confirmed_at is not None  # still confirmed: nothing new to confirm


def test_stop_then_follow_again_needs_a_new_confirmation(cast):
    follower = follow_project(project=cast.project, email="voisine@example.org")
    old_link = confirmation_token(follower)
    confirm_following(token=old_link)

    stop_following(token=follower.token)
    again = follow_project(project=cast.project, email="voisine@example.org")

    assert again.confirmed_at is None and again.stopped_at is None
    assert again.token != follower.token
    with pytest.raises(FollowRefused):
        confirm_following(token=old_link)


def test_stop_link_stops_once_and_for_all(client, cast):
    follower = follow_project(project=cast.project, email="voisine@example.org")
    url = reverse("project_follow_stop", args=[follower.token])

    client.post(url)
    client.post(url)

    follower.refresh_from_db()
    assert follower.stopped_at is not None
    assert client.post(reverse("project_follow_stop", args=["inconnu"])).status_code == 400


def test_a_tampered_confirmation_link_is_refused(client, db):
    response = client.post(reverse("project_follow_confirm", args=["pas-signe"]))

    assert response.status_code == 400
    assert "n&#x27;est pas valide" in response.content.decode()


def test_a_bad_follow_form_keeps_what_was_typed(client, cast):
    url = reverse("project_follow", args=[cast.territory.slug, cast.project.slug])

    response = client.post(url, {"email": "pas-une-adresse"})

    assert response.status_code == 400
    assert "Cette adresse e-mail n&#x27;est pas valide." in response.content.decode()
    assert 'value="pas-une-adresse"' in response.content.decode()
    assert not ProjectFollower.objects.exists()


def test_following_is_rate_limited(client, cast):
    url = reverse("project_follow", args=[cast.territory.slug, cast.project.slug])
    for index in range(10):
        client.post(url, {"email": f"v{index}@example.org"})

    response = client.post(url, {"email": "encore@example.org"})

    assert response.status_code == 429
    assert ProjectFollower.objects.count() == 10


def test_the_territory_page_links_to_the_showcase(client, cast):
    html = client.get(cast.territory.get_absolute_url()).content.decode()

    assert reverse("project_showcase", args=[cast.territory.slug]) in html
