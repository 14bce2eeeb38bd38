import datetime

import pytest
from django.urls import reverse

from accompaniment.domain import plans
from accompaniment.domain.errors import Refused, StaleEdit
from accompaniment.models import Milestone, Plan
from tests.accompaniment.conftest import EVENING, TODAY, space_url
from tests.accompaniment.factories import MilestoneFactory, MilestoneTemplateFactory
from tests.projects.factories import ProjectFactory


def test_start_plan_creates_milestones_from_the_territory_templates(cast):
    MilestoneTemplateFactory(territory=cast.territory, title="Prototype", month=4)
    MilestoneTemplateFactory(territory=cast.territory, title="Structure juridique", month=20)
    MilestoneTemplateFactory(title="Ailleurs", month=2)  # another territory's

    plan = plans.start_plan(project=cast.project, months=18, starts_on=EVENING, by=cast.coach)

    assert (plan.starts_on, plan.ends_on) == (EVENING, datetime.date(2027, 12, 4))
    assert list(cast.project.milestones.values_list("title", "due_on")) == [
        ("Prototype", datetime.date(2026, 10, 4))
    ]
    assert cast.project.milestones.get().history.get().history_user == cast.coach


def test_start_plan_twice_or_with_a_wrong_length_is_refused(cast, plan):
    with pytest.raises(Refused, match="déjà un plan"):
        plans.start_plan(project=cast.project, months=24, starts_on=EVENING, by=cast.coach)
    with pytest.raises(Refused, match="18 ou 24"):
        plans.start_plan(
            project=ProjectFactory(territory=cast.territory), months=12, starts_on=EVENING, by=None
        )
    assert Plan.objects.count() == 1


def test_plan_month_counts_from_one():
    plan = Plan(starts_on=EVENING, months=18)

    assert plans.plan_month(plan, EVENING) == 1
    assert plans.plan_month(plan, datetime.date(2026, 7, 3)) == 1
    assert plans.plan_month(plan, datetime.date(2026, 7, 4)) == 2
    assert plans.plan_month(plan, datetime.date(2030, 1, 1)) == 18


def test_milestone_outside_the_plan_is_refused_with_the_plan_dates(cast, plan):
    with pytest.raises(Refused) as refused:
        plans.add_milestone(
            project=cast.project, title="Trop tard", due_on=datetime.date(2028, 1, 1), by=None
        )

    assert "entre le 04/06/2026 et le 04/12/2027" in str(refused.value)
    assert refused.value.field == "due_on"


def test_second_save_from_the_same_revision_is_refused_and_shows_the_current(cast, plan):
    milestone = cast.project.milestones.get(title="Prototype")
    revision = milestone.revision
    plans.edit_milestone(
        milestone=milestone,
        revision=revision,
        title="Prototype roulant",
        due_on=milestone.due_on,
        by=cast.team_member,
    )

    stale_copy = Milestone.objects.get(pk=milestone.pk)
    with pytest.raises(StaleEdit) as stale:
        plans.edit_milestone(
            milestone=stale_copy, revision=revision, title="Autre", due_on=EVENING, by=cast.coach
        )

    assert stale.value.current.title == "Prototype roulant"
    assert Milestone.objects.get(pk=milestone.pk).title == "Prototype roulant"


def test_mark_done_needs_evidence_an_http_link_and_a_past_date(cast, plan):
    milestone = cast.project.milestones.get(title="Prototype")
    args = {"milestone": milestone, "revision": milestone.revision, "by": cast.team_member}

    with pytest.raises(Refused, match="preuve"):
        plans.mark_milestone_done(done_on=TODAY, today=TODAY, **args)
    with pytest.raises(Refused, match="http"):
        plans.mark_milestone_done(done_on=TODAY, link="javascript:alert(1)", today=TODAY, **args)
    with pytest.raises(Refused, match="futur"):
        plans.mark_milestone_done(
            done_on=TODAY + datetime.timedelta(days=1), note="ok", today=TODAY, **args
        )
    done = plans.mark_milestone_done(
        done_on=TODAY, link="https://exemple.org/prototype", today=TODAY, **args
    )

    milestone.refresh_from_db()
    assert (milestone.done_on, milestone.evidence_link) == (TODAY, "https://exemple.org/prototype")
    assert milestone.revision == done.revision == args["revision"] + 1
    assert milestone.history.first().history_user == cast.team_member


def test_reopen_and_delete(cast, plan):
    milestone = cast.project.milestones.get(title="Prototype")
    plans.mark_milestone_done(
        milestone=milestone,
        revision=milestone.revision,
        done_on=TODAY,
        note="fait",
        by=None,
        today=TODAY,
    )
    with pytest.raises(Refused, match="rouvrez"):
        plans.delete_milestone(milestone=milestone, by=cast.coach)

    plans.reopen_milestone(milestone=milestone, revision=milestone.revision, by=cast.coach)
    pk = milestone.pk
    plans.delete_milestone(milestone=milestone, by=cast.coach)

    assert not Milestone.objects.filter(pk=pk).exists()
    assert Milestone.history.filter(id=pk, history_type="-").get().history_user == cast.coach


def test_plan_start_page_starts_the_plan(client, cast):
    MilestoneTemplateFactory(territory=cast.territory, title="Prototype", month=4)
    client.force_login(cast.team_member)

    response = client.post(
        space_url(cast.project, "plan_start"), {"months": "24", "starts_on": "2026-06-04"}
    )

    assert response.status_code == 302
    assert cast.project.milestones.get().title == "Prototype"
    assert Plan.objects.get(project=cast.project).months == 24


def test_milestone_form_outside_the_plan_keeps_what_was_typed(client, cast, plan):
    client.force_login(cast.team_member)

    response = client.post(
        space_url(cast.project, "milestone_add"),
        {"title": "Lancement national", "due_on": "2029-01-01"},
    )

    assert response.status_code == 200
    assert "doit tomber pendant le plan" in response.text
    assert 'value="Lancement national"' in response.text
    assert not cast.project.milestones.filter(title="Lancement national").exists()


def test_conflicting_edit_is_refused_showing_both_versions(client, cast, plan):
    milestone = cast.project.milestones.get(title="Prototype")
    url = space_url(cast.project, "milestone_edit", pk=milestone.pk)
    form = {"title": "Prototype v1", "due_on": "2026-10-04", "revision": milestone.revision}
    client.force_login(cast.coach)
    client.post(url, form)

    client.force_login(cast.team_member)
    response = client.post(url, form | {"title": "Prototype de l'équipe"})

    assert response.status_code == 409
    assert "Quelqu&#x27;un a modifié ce jalon" in response.text
    assert "Prototype v1" in response.text  # the other person's version
    assert 'value="Prototype de l&#x27;équipe"' in response.text  # what this person typed
    assert Milestone.objects.get(pk=milestone.pk).title == "Prototype v1"


def test_milestone_done_page_with_a_refused_file_keeps_the_note(client, cast, plan):
    from django.core.files.uploadedfile import SimpleUploadedFile

    milestone = cast.project.milestones.get(title="Prototype")
    client.force_login(cast.team_member)

    response = client.post(
        space_url(cast.project, "milestone_done", pk=milestone.pk),
        {
            "done_on": "2026-10-01",
            "evidence_note": "Le prototype a roulé",
            "evidence_file": SimpleUploadedFile("virus.exe", b"MZ\x90\x00binary"),
            "revision": milestone.revision,
        },
    )

    assert response.status_code == 200
    assert "type de fichier n&#x27;est pas accepté" in response.text
    assert "Le prototype a roulé" in response.text
    assert Milestone.objects.get(pk=milestone.pk).done_on is None


@pytest.mark.parametrize("who", ["stranger", "official", "other_organiser"])
def test_milestone_changes_are_refused_to_others(client, cast, plan, who):
    milestone = cast.project.milestones.get(title="Prototype")
    client.force_login(getattr(cast, who))

    response = client.post(space_url(cast.project, "milestone_delete", pk=milestone.pk))

    assert response.status_code == (403 if who == "official" else 404)
    assert Milestone.objects.filter(pk=milestone.pk).exists()


def test_a_milestone_of_another_project_is_not_found(client, cast, plan):
    other = MilestoneFactory(project=ProjectFactory(territory=cast.territory))
    client.force_login(cast.team_member)

    response = client.post(space_url(cast.project, "milestone_delete", pk=other.pk))

    assert response.status_code == 404
    assert reverse("project_space", kwargs={"territory": "x", "slug": "y"})
