"""The accompaniment's figures on the impact page, against a hand-counted fixture, and in
agreement with the project pages and the portfolio."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from accompaniment.domain.jobs import correct_job, declare_job, return_job, verify_job
from accompaniment.enums import JobKind, JobStatus, MatchStatus, NeedKind, NeedStatus
from accompaniment.impact import (
    accompanied_step,
    accompaniment_sections,
    need_figures,
    team_health,
)
from accompaniment.impact_jobs import headline, job_figures, projection, trajectory_chart
from accompaniment.queries import health_of, job_totals, territory_job_totals, with_follow_up
from projects.models import Project
from territoire.impact.registry import ImpactFilter
from tests.accompaniment.factories import (
    JobRecordFactory,
    MilestoneFactory,
    NeedFactory,
    NeedMatchFactory,
    PlanFactory,
    ProjectUpdateFactory,
)
from tests.challenges.factories import ChallengeFactory
from tests.factories import DomainFactory
from tests.projects.factories import ProjectFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2027, 6, 4)  # one year after the cast's evening (4 June 2026)


@pytest.fixture
def jobs(cast):
    """Two projects of two challenges. Hand count of created and verified jobs: 2 (bus) + 4
    (repair café) = 6, of which 4 in 2027; kept and verified: 1; declared: 3 created + 1 kept
    (one corrected after being returned, counted once); returned: 5, counted nowhere."""
    health, repair = (
        ChallengeFactory(territory=cast.territory),
        ChallengeFactory(territory=cast.territory),
    )
    bus = cast.project
    Project.objects.filter(pk=bus.pk).update(challenge=health, domain=DomainFactory(name="Santé"))
    cafe = ProjectFactory(territory=cast.territory, challenge=repair, name="Repair café")
    verified = {"status": JobStatus.VERIFIED}
    JobRecordFactory(project=bus, number=2, fte=Decimal("1.5"), **verified)
    JobRecordFactory(project=bus, number=1, kind=JobKind.KEPT, **verified)
    JobRecordFactory(project=bus, number=3)  # declared
    JobRecordFactory(project=bus, number=5, status=JobStatus.RETURNED)
    JobRecordFactory(project=cafe, number=4, occurred_on=datetime.date(2027, 3, 10), **verified)
    corrected = declare_job(
        project=cafe,
        occurred_on=datetime.date(2027, 2, 1),
        number=1,
        contract="permanent",
        fte=Decimal("1"),
        kind=JobKind.KEPT,
        by=cast.team_member,
        today=TODAY,
    )
    return_job(job=corrected, reason="Le contrat manque.", by=cast.coach)
    correct_job(
        job=corrected,
        occurred_on=datetime.date(2027, 2, 1),
        number=1,
        contract="permanent",
        fte=Decimal("1"),
        kind=JobKind.KEPT,
        by=cast.team_member,
        today=TODAY,
    )
    JobRecordFactory(project=ProjectFactory(territory=cast.other_territory), **verified)
    return {"health": health, "repair": repair, "bus": bus, "cafe": cafe}


def test_jobs_created_and_kept_verified_and_declared_are_counted_apart(
    cast, jobs, django_assert_num_queries
):
    with django_assert_num_queries(1):
        figures = job_figures(ImpactFilter(territory=cast.territory, today=TODAY))

    assert figures["created_verified"] == 6
    assert figures["created_verified_fte"] == Decimal("2.5")  # 1.5 + 1 (four jobs, one FTE)
    assert figures["kept_verified"] == 1
    assert figures["created_declared"] == 3
    assert figures["kept_declared"] == 1  # corrected after being returned: once


def test_the_figures_agree_with_the_project_pages_and_the_territory_totals(cast, jobs):
    figures = job_figures(ImpactFilter(territory=cast.territory, today=TODAY))
    totals = territory_job_totals(cast.territory)
    by_project = [job_totals(jobs["bus"]), job_totals(jobs["cafe"])]

    assert figures["created_verified"] == totals["verified_jobs"]
    assert figures["created_verified"] == sum(t["verified_jobs"] for t in by_project)
    assert figures["kept_verified"] == totals["kept_jobs"]
    assert figures["created_declared"] + figures["kept_declared"] == totals["declared_jobs"]


def test_a_challenge_or_a_period_narrows_the_jobs(cast, jobs):
    challenge = ImpactFilter(territory=cast.territory, challenge_id=jobs["health"].pk, today=TODAY)
    period = ImpactFilter(territory=cast.territory, since=datetime.date(2027, 1, 1), today=TODAY)

    assert job_figures(challenge)["created_verified"] == 2
    assert job_figures(period)["created_verified"] == 4
    assert job_figures(period)["kept_declared"] == 1


def test_the_projection_carries_the_pace_since_the_evening_to_the_deadline(cast, jobs):
    impact = ImpactFilter(territory=cast.territory, today=TODAY)

    # 6 jobs in 365 days; 1,096 days from the evening to the deadline: 6 x 1096 / 365 = 18.
    assert projection(impact, 6) == 18
    said, aside = headline(impact, 6)
    assert said == "À ce rythme : 18 emplois à l'échéance du 4 juin 2029 (objectif : 250)."
    assert "en attendait 83 à ce jour" in aside  # 250 x 365 / 1096


def test_the_headline_before_the_evening_after_the_deadline_and_narrowed(cast):
    before = ImpactFilter(territory=cast.territory, today=datetime.date(2026, 5, 1))
    after = ImpactFilter(territory=cast.territory, today=datetime.date(2029, 7, 1))
    narrowed = ImpactFilter(territory=cast.territory, since=datetime.date(2027, 1, 1), today=TODAY)

    assert projection(before, 0) is None
    assert headline(before, 0)[0] == "L'objectif : 250 emplois au 4 juin 2029."
    assert headline(after, 7)[0].startswith("À l'échéance : 7 emplois")
    assert headline(ImpactFilter(territory=cast.territory, today=TODAY), 0)[0].startswith(
        "Aucun emploi créé n'est encore vérifié"
    )
    assert headline(narrowed, 4)[0] == "4 emplois créés et vérifiés sur la période."
    assert "ils se lisent sans filtre" in headline(narrowed, 4)[1]


def test_the_trajectory_is_cumulative_against_the_straight_path(cast, jobs):
    chart = trajectory_chart(ImpactFilter(territory=cast.territory, today=TODAY))
    actual, path, pace = chart.series

    assert len(chart.x_labels) == 37  # June 2026 to June 2029
    assert chart.x_labels[0] == "juin 2026"
    assert actual.values[0] == 0
    assert actual.values[3] == 2  # September 2026
    assert actual.values[12] == 6  # June 2027, today
    assert actual.values[13] is None  # to come
    assert path.style == "target" and path.values[-1] == 250
    assert pace.style == "projection"
    assert pace.values[11] is None and pace.values[12] == 6
    assert pace.values[-1] == 18


def test_narrowed_figures_leave_out_the_path_and_the_pace(cast, jobs):
    chart = trajectory_chart(
        ImpactFilter(territory=cast.territory, challenge_id=jobs["repair"].pk, today=TODAY)
    )

    assert [series.style for series in chart.series] == ["actual"]
    assert chart.series[0].values[12] == 4
    assert len(chart.x_labels) == 13  # June 2026 to today, June 2027


def test_a_period_to_come_draws_its_first_month_without_failing(cast, jobs):
    chart = trajectory_chart(
        ImpactFilter(territory=cast.territory, since=datetime.date(2028, 1, 1), today=TODAY)
    )

    assert chart.x_labels == ("janvier 2028",)
    assert chart.series[0].values == (None,)


def test_team_health_counts_as_the_portfolio_says(cast, django_assert_num_queries):
    now = timezone.make_aware(datetime.datetime.combine(TODAY, datetime.time(12)))
    late = cast.project
    PlanFactory(project=late, starts_on=datetime.date(2027, 1, 1))
    MilestoneFactory(project=late, due_on=datetime.date(2027, 5, 1))
    silent = ProjectFactory(territory=cast.territory)
    PlanFactory(project=silent, starts_on=datetime.date(2027, 1, 1))
    on_track = ProjectFactory(territory=cast.territory)
    PlanFactory(project=on_track, starts_on=datetime.date(2027, 1, 1))
    update = ProjectUpdateFactory(project=on_track, month=datetime.date(2027, 6, 1))
    type(update).objects.filter(pk=update.pk).update(created_at=now)
    ProjectFactory(territory=cast.territory, status="stopped")

    with django_assert_num_queries(1):
        health = team_health(ImpactFilter(territory=cast.territory, today=TODAY))

    assert health == {"accompanied": 3, "late": 1, "silent": 1, "on_track": 1}
    portfolio = [
        health_of(p, now) for p in with_follow_up(Project.objects.filter(status="active"), TODAY)
    ]
    assert sorted(portfolio) == ["late", "on_track", "silent"]


def test_needs_by_kind_and_those_a_resource_of_the_territory_met(cast):
    premises = NeedFactory(project=cast.project, kind=NeedKind.PREMISES, status=NeedStatus.MET)
    NeedMatchFactory(need=premises)
    NeedFactory(project=cast.project, kind=NeedKind.PREMISES, status=NeedStatus.MET)
    declined = NeedFactory(project=cast.project, kind=NeedKind.FUNDING, status=NeedStatus.MET)
    NeedMatchFactory(need=declined, status=MatchStatus.DECLINED)
    NeedFactory(project=cast.project, kind=NeedKind.FUNDING)
    NeedFactory(project=ProjectFactory(territory=cast.other_territory))

    rows = need_figures(ImpactFilter(territory=cast.territory, today=TODAY))

    assert rows == [
        {"kind": "funding", "total": 2, "met": 1, "by_resource": 0, "open": 1},
        {"kind": "premises", "total": 2, "met": 2, "by_resource": 1, "open": 0},
    ]


def test_the_sections_and_the_accompanied_step_run_a_bounded_number_of_queries(
    cast, jobs, django_assert_max_num_queries
):
    PlanFactory(project=jobs["bus"])
    impact = ImpactFilter(territory=cast.territory, today=TODAY)

    with django_assert_max_num_queries(8):
        sections = accompaniment_sections(impact)
        steps = accompanied_step(impact)

    assert [s.key for s in sections] == ["jobs", "follow_up", "needs"]
    assert [(s.label, s.value) for s in steps] == [("Projets accompagnés (plan démarré)", 1)]
    jobs_section = sections[0]
    assert jobs_section.headline.startswith("À ce rythme : 18 emplois")
    assert jobs_section.figures[0].value == "6 / 250"
    assert jobs_section.tables[0].rows[0] == ("Créés", 6, "2,5", 3, "1")


def test_verifying_a_job_moves_the_cached_figures(cast, jobs, django_capture_on_commit_callbacks):
    from territoire.impact.cache import impact_version

    before = impact_version(cast.territory.pk)
    job = JobRecordFactory(project=jobs["bus"])
    with django_capture_on_commit_callbacks(execute=True):
        verify_job(job=job, by=cast.coach)

    assert impact_version(cast.territory.pk) == before + 1


@pytest.mark.parametrize("narrowing", ["whole", "challenge", "period"])
def test_the_figures_agree_with_the_jobs_export_to_the_unit(cast, jobs, narrowing):
    from territoire.impact.registry import export_kind

    impact = {
        "whole": ImpactFilter(territory=cast.territory, today=TODAY),
        "challenge": ImpactFilter(
            territory=cast.territory, challenge_id=jobs["repair"].pk, today=TODAY
        ),
        "period": ImpactFilter(
            territory=cast.territory, since=datetime.date(2027, 1, 1), today=TODAY
        ),
    }[narrowing]
    figures = job_figures(impact)

    rows = list(export_kind("emplois").rows(impact))

    def total(kind: str, status: str) -> int:
        return sum(row[3] for row in rows if row[6] == kind and row[7] == status)

    assert total("créé", "vérifié") == figures["created_verified"]
    assert total("maintenu", "vérifié") == figures["kept_verified"]
    assert total("créé", "déclaré") == figures["created_declared"]
    assert total("maintenu", "déclaré") == figures["kept_declared"]
    assert (
        sum(row[5] for row in rows if row[6] == "créé" and row[7] == "vérifié")
        == (figures["created_verified_fte"])
    )
