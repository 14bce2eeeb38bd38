"""Issue 14: people who join a project later (the invitation) choose, themselves, whether their
name appears on the project's public page and in the portfolio. Only their own entry, from
their project space; the lead, the coach, the organisers and the admin cannot answer for them."""

import pytest
from django.urls import reverse

from accompaniment.reports import gather_portfolio
from projects import privacy
from projects.domain.members import TeamChangeRefused, set_own_name_public
from projects.enums import MemberRole
from projects.models import ProjectMember
from territoire.reports.kinds import Scope
from tests.events.factories import TeamMemberFactory
from tests.factories import UserFactory
from tests.projects.factories import ProjectMemberFactory


def own_url(project) -> str:
    return reverse(
        "project_name_public", kwargs={"territory": project.territory.slug, "slug": project.slug}
    )


def public_page(client, project) -> str:
    return client.get(project.get_absolute_url()).content.decode()


def portfolio_team(territory) -> list[str]:
    pages = gather_portfolio(Scope(territory=territory))["pages"]
    return [member.full_name for page in pages for member in page.team]


def test_a_later_member_shows_her_name_herself_and_can_take_it_back(client, cast):
    member = ProjectMember.objects.get(user=cast.team_member)
    assert "Awa Équipe" not in public_page(client, cast.project)
    client.force_login(cast.team_member)

    response = client.post(own_url(cast.project), {"reponse": "oui"})

    assert response.status_code == 302
    assert response["Location"].endswith("/equipe/#mon-nom")
    member.refresh_from_db()
    assert member.name_public is True and member.name_public_answered_at is not None
    assert ProjectMember.history.filter(id=member.pk).first().history_user == cast.team_member
    assert "Awa Équipe" in public_page(client, cast.project)
    assert portfolio_team(cast.territory) == ["Awa Équipe"]

    client.post(own_url(cast.project), {"reponse": "non"})

    assert "Awa Équipe" not in public_page(client, cast.project)
    assert portfolio_team(cast.territory) == []


def test_her_own_answer_wins_over_the_one_given_at_the_table(client, cast):
    member = ProjectMember.objects.get(user=cast.team_member)
    member.from_team_member = TeamMemberFactory(name_public=True)
    member.save()
    assert "Awa Équipe" in public_page(client, cast.project)
    client.force_login(cast.team_member)

    client.post(own_url(cast.project), {"reponse": "non"})

    assert "Awa Équipe" not in public_page(client, cast.project)


@pytest.mark.parametrize("who", ("organiser", "coach", "superuser", "stranger", "lead"))
def test_nobody_else_answers_for_her(client, cast, who):
    lead = ProjectMemberFactory(
        project=cast.project, user=UserFactory(), full_name="Nadia", role=MemberRole.LEAD
    )
    person = lead.user if who == "lead" else getattr(cast, who)
    client.force_login(person)

    response = client.post(own_url(cast.project), {"reponse": "oui"})

    awa = ProjectMember.objects.get(user=cast.team_member)
    assert (awa.name_public, awa.name_public_answered_at) == (False, None)
    if who == "lead":  # her own entry only: the lead answers for the lead
        assert response.status_code == 302
        assert ProjectMember.objects.get(pk=lead.pk).name_public is True
    else:
        assert response.status_code == (404 if who == "stranger" else 403)
    with pytest.raises(TeamChangeRefused):
        set_own_name_public(member=awa, by=person, public=True)


def test_a_bad_answer_changes_nothing_and_says_so(client, cast):
    client.force_login(cast.team_member)

    response = client.post(own_url(cast.project), {"reponse": "peut-être"}, follow=True)

    assert "Choisissez : votre nom est public ou non." in response.content.decode()
    assert ProjectMember.objects.get(user=cast.team_member).name_public_answered_at is None


def test_the_team_page_offers_the_choice_to_her_alone(client, cast, django_assert_max_num_queries):
    url = reverse(
        "project_team", kwargs={"territory": cast.territory.slug, "slug": cast.project.slug}
    )
    client.force_login(cast.team_member)
    with django_assert_max_num_queries(20):
        mine = client.get(url).content.decode()
    client.force_login(cast.organiser)
    theirs = client.get(url).content.decode()

    assert "Votre nom sur la page publique" in mine
    assert "Votre nom ne figure pas sur la page publique du projet" in mine
    assert own_url(cast.project) in mine
    assert own_url(cast.project) not in theirs


def test_the_admin_shows_the_answer_read_only(client, cast):
    member = ProjectMember.objects.get(user=cast.team_member)
    set_own_name_public(member=member, by=cast.team_member, public=True)
    client.force_login(cast.superuser)
    url = reverse("admin:projects_project_change", args=[cast.project.pk])

    html = client.get(url).content.decode()

    assert 'name="members-0-name_public"' not in html
    assert "accepte que son nom soit public" in html.lower()


def test_her_data_export_carries_her_answer(cast):
    member = ProjectMember.objects.get(user=cast.team_member)
    set_own_name_public(member=member, by=cast.team_member, public=True)

    (row,) = privacy.export(cast.team_member.email, cast.team_member)["equipes_projet"]

    assert row["nom_public"] is True
    assert row["nom_public_repondu_le"]
