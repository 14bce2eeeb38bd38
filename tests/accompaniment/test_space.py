import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accompaniment.domain import plans
from accompaniment.models import MeetingNote
from tests.accompaniment.conftest import TODAY, space_url
from tests.accompaniment.factories import (
    JobRecordFactory,
    MeetingNoteFactory,
    NeedFactory,
    ProjectUpdateFactory,
)
from tests.projects.factories import ProjectFactory, ProjectMemberFactory


@pytest.mark.parametrize("item_count", (1, 3))
def test_home_shows_the_state_of_the_accompaniment_in_bounded_queries(
    client, cast, plan, django_assert_max_num_queries, item_count
):
    for n in range(item_count):
        ProjectUpdateFactory(project=cast.project, month=datetime.date(2026, 6 + n, 1))
        NeedFactory(project=cast.project)
        JobRecordFactory(project=cast.project)
        MeetingNoteFactory(project=cast.project)
        ProjectMemberFactory(project=cast.project)
        plans.add_milestone(
            project=cast.project, title=f"Extra {n}", due_on=datetime.date(2026, 7, 1), by=None
        )
    client.force_login(cast.team_member)

    with django_assert_max_num_queries(14):
        response = client.get(space_url(cast.project))

    assert response.status_code == 200
    assert response.context["jobs"]["declared_jobs"] == item_count
    assert response.context["followed"].milestones_total == 3 + item_count
    assert len(response.context["needs"]) == item_count


def test_home_says_which_month_and_what_is_late(client, cast, plan, monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *a: TODAY)
    client.force_login(cast.coach)

    response = client.get(space_url(cast.project))

    assert response.context["month"] == 6
    assert response.context["followed"].milestones_late == 2  # month 1 and month 4
    assert response.context["followed"].next_milestone_title == "Premier emploi"
    assert "Mois 6 sur 18" in response.text


def test_officials_read_without_change_links(client, cast, plan):
    client.force_login(cast.official)

    response = client.get(space_url(cast.project))

    assert response.status_code == 200
    assert "Ajouter un jalon" not in response.text
    assert response.context["meeting_notes"] is None


def test_a_team_member_of_another_project_gets_404(client, cast):
    outsider = ProjectMemberFactory(
        project=ProjectFactory(territory=cast.territory), user=cast.stranger
    ).user
    client.force_login(outsider)

    assert client.get(space_url(cast.project)).status_code == 404


def test_history_shows_who_changed_what(client, cast, plan):
    milestone = cast.project.milestones.get(title="Prototype")
    plans.edit_milestone(
        milestone=milestone,
        revision=milestone.revision,
        title="Prototype roulant",
        due_on=milestone.due_on,
        by=cast.team_member,
    )
    client.force_login(cast.official)

    response = client.get(space_url(cast.project, "project_history"))

    changes = response.context["changes"]
    assert changes[0].who == cast.team_member
    assert [(str(n), old, new) for n, old, new in changes[0].fields] == [
        ("intitulé", "Prototype", "Prototype roulant")
    ]
    assert "Prototype roulant" in response.text


def test_the_team_reads_meeting_notes_the_coach_writes_them(client, cast):
    url = space_url(cast.project, "meeting_notes")
    client.force_login(cast.coach)
    client.post(url, {"met_on": "2026-10-02", "text": "Point d'étape", "next_steps": "Devis"})

    client.force_login(cast.team_member)
    read = client.get(url)
    refused = client.post(url, {"met_on": "2026-10-03", "text": "Par l'équipe"})

    assert "Point d&#x27;étape" in read.text
    assert read.context["form"] is None
    assert refused.status_code == 403
    assert list(MeetingNote.objects.values_list("text", "author")) == [
        ("Point d'étape", cast.coach.pk)
    ]


def test_meeting_notes_are_not_the_officials(client, cast):
    client.force_login(cast.official)

    assert client.get(space_url(cast.project, "meeting_notes")).status_code == 403


def test_meeting_in_the_future_is_refused_keeping_the_text(client, cast):
    client.force_login(cast.coach)

    response = client.post(
        space_url(cast.project, "meeting_notes"), {"met_on": "2099-01-01", "text": "Plus tard"}
    )

    assert "pas encore eu lieu" in response.text
    assert "Plus tard" in response.text
    assert not MeetingNote.objects.exists()


@pytest.mark.parametrize("note_count", (1, 21))
def test_meeting_notes_a_page_at_a_time_in_bounded_queries(
    client, cast, django_assert_max_num_queries, note_count
):
    for n in range(note_count):
        MeetingNoteFactory(
            project=cast.project,
            met_on=datetime.date(2026, 1, 1) + datetime.timedelta(days=n),
            text=f"Note {n:02}",
        )
    client.force_login(cast.coach)
    url = space_url(cast.project, "meeting_notes")

    with django_assert_max_num_queries(9):
        first = client.get(url)
    last = client.get(url, {"page": "2"})

    assert [note.text for note in first.context["notes"]] == [
        f"Note {n:02}" for n in reversed(range(max(0, note_count - 20), note_count))
    ]
    assert first.context["note_page"].count == note_count
    if note_count > 20:
        assert 'href="?page=2" rel="next"' in first.text
        assert [note.text for note in last.context["notes"]] == ["Note 00"]


@pytest.mark.parametrize("milestone_count", (1, 30))
def test_the_history_a_page_at_a_time_in_bounded_queries(
    client, cast, plan, django_assert_max_num_queries, milestone_count
):
    for n in range(milestone_count):
        milestone = plans.add_milestone(
            project=cast.project, title=f"Jalon {n}", due_on=datetime.date(2026, 7, 1), by=None
        )
        plans.edit_milestone(
            milestone=milestone,
            revision=milestone.revision,
            title=f"Jalon {n} revu",
            due_on=milestone.due_on,
            by=cast.coach,
        )
    client.force_login(cast.official)
    url = space_url(cast.project, "project_history")

    with django_assert_max_num_queries(12):
        first = client.get(url)
    total = first.context["change_page"].count
    last = client.get(url, {"page": str(-(-total // 50))})

    assert total >= 2 * milestone_count
    assert len(first.context["changes"]) == min(total, 50)
    assert len(last.context["changes"]) == total - 50 * (-(-total // 50) - 1)


@pytest.mark.parametrize("role", ["team_member", "official"])
def test_home_links_the_team_page_where_members_choose_if_their_name_shows(
    client, cast, plan, role, django_assert_max_num_queries
):
    client.force_login(getattr(cast, role))

    with django_assert_max_num_queries(14):
        response = client.get(space_url(cast.project))
    team_url = reverse("project_team", args=[cast.project.territory.slug, cast.project.slug])

    assert f'href="{team_url}"' in response.text
    assert client.get(team_url).status_code == 200
