"""The indicators on the impact side: the section "Impact au-delà des emplois" and the export of
every value, against a hand-counted fixture (returned values excluded, declared ones apart, a
value returned then corrected counted once)."""

import datetime
from decimal import Decimal

import pytest

from accompaniment.domain import indicators
from accompaniment.enums import Aggregation, JobStatus
from accompaniment.impact_indicators import VALUES_EXPORT, indicators_section
from territoire.impact.registry import (
    ImpactFilter,
    export_kind,
    export_kinds,
    impact_sections,
)
from tests.accompaniment.conftest import TODAY
from tests.accompaniment.factories import IndicatorFactory, IndicatorValueFactory
from tests.challenges.factories import ChallengeFactory
from tests.factories import DomainFactory
from tests.projects.factories import ProjectFactory

SEP = (datetime.date(2026, 9, 1), datetime.date(2026, 9, 30))
OCT = (datetime.date(2026, 10, 1), datetime.date(2026, 10, 31))
NOV = (datetime.date(2026, 11, 1), datetime.date(2026, 11, 30))


def _value(indicator, period, value, status=JobStatus.VERIFIED):
    return IndicatorValueFactory(
        indicator=indicator,
        period_start=period[0],
        period_end=period[1],
        value=Decimal(value),
        status=status,
    )


@pytest.fixture
def seeds(cast):
    """Three projects, three indicators, counted by hand:

    - Bus numérique (Solidarité, challenge "Isolement"): seniors met, 0 → 300, summed: 40 (Sep)
      and 60 (Oct) verified, 25 (Nov) declared, 500 (Oct) returned, and 10 (Nov) returned then
      corrected (declared again): achieved 100, awaiting 35, 33 %.
    - Repas partagés (Solidarité, no challenge): guests, " Personnes " (another case, spaces),
      0 → 200, summed: 50 (Oct) verified.
    - Six mois pour rebondir (no domain): households rehoused, 2 → 12, the latest verified
      value: 5 (Sep), 8 (Oct) verified, 9 (Nov) declared: achieved 8, awaiting 9, 60 %.
    - Another territory's indicator, never counted.
    """
    solidarity = DomainFactory(name="Solidarité", slug="solidarite")
    isolation = ChallengeFactory(territory=cast.territory, domain=solidarity, title="Isolement")
    cast.project.domain, cast.project.challenge = solidarity, isolation
    cast.project.save(update_fields=["domain", "challenge"])
    meals = ProjectFactory(territory=cast.territory, name="Repas partagés", domain=solidarity)
    rebound = ProjectFactory(territory=cast.territory, name="Six mois pour rebondir")

    met = IndicatorFactory(project=cast.project, name="Seniors rencontrés", unit="personnes")
    _value(met, SEP, "40")
    _value(met, OCT, "60")
    _value(met, NOV, "25", JobStatus.DECLARED)
    _value(met, OCT, "500", JobStatus.RETURNED)
    corrected = _value(met, NOV, "999", JobStatus.DECLARED)
    indicators.return_value(record=corrected, reason="Chiffre impossible", by=cast.coach)
    indicators.correct_value(
        record=corrected,
        period_start=NOV[0],
        period_end=NOV[1],
        value=Decimal("10"),
        by=cast.team_member,
        today=TODAY,
    )

    guests = IndicatorFactory(
        project=meals, name="Convives", unit=" Personnes ", target=Decimal("200")
    )
    _value(guests, OCT, "50")

    housed = IndicatorFactory(
        project=rebound,
        name="Ménages relogés",
        unit="ménages",
        baseline=Decimal("2"),
        target=Decimal("12"),
        aggregation=Aggregation.LATEST,
    )
    _value(housed, SEP, "5")
    _value(housed, OCT, "8")
    _value(housed, NOV, "9", JobStatus.DECLARED)

    elsewhere = IndicatorFactory(project=ProjectFactory(territory=cast.other_territory))
    _value(elsewhere, OCT, "1000")
    return {"isolation": isolation}


def _section(impact: ImpactFilter):
    """The indicators' section alone (the other apps' sections run their own queries)."""
    (section,) = indicators_section(impact)
    return section


def _tables(impact: ImpactFilter):
    section = _section(impact)
    per_project, per_domain = section.tables
    return list(per_project.rows), set(per_domain.rows)


def test_the_section_counts_verified_values_and_shows_declared_ones_apart(
    cast, seeds, django_assert_max_num_queries
):
    impact = ImpactFilter(territory=cast.territory, today=TODAY)

    with django_assert_max_num_queries(3):
        section = _section(impact)

    assert (str(section.title), section.order) == ("Impact au-delà des emplois", 60)
    assert [(f.value, str(f.label)) for f in section.figures] == [
        ("3", "indicateurs suivis"),
        ("3", "projets mesurent leur impact"),
    ]
    per_project, per_domain = section.tables
    assert list(per_project.rows) == [
        ("Bus numérique", "Seniors rencontrés", "personnes", 0, 100, 35, 300, 33),
        ("Repas partagés", "Convives", " Personnes ", 0, 50, 0, 200, 25),
        ("Six mois pour rebondir", "Ménages relogés", "ménages", 2, 8, 9, 12, 60),
    ]
    # Solidarité's two indicators in persons add up; the rehoused households stand alone.
    assert set(per_domain.rows) == {
        ("Solidarité", "personnes", 2, 0, 150, 500),
        ("Sans domaine", "ménages", 1, 2, 8, 12),
    }


def test_a_challenge_keeps_its_projects_only(cast, seeds):
    impact = ImpactFilter(territory=cast.territory, challenge_id=seeds["isolation"].pk, today=TODAY)

    per_project, per_domain = _tables(impact)

    assert per_project == [
        ("Bus numérique", "Seniors rencontrés", "personnes", 0, 100, 35, 300, 33)
    ]
    assert per_domain == {("Solidarité", "personnes", 1, 0, 100, 300)}


def test_a_period_keeps_the_values_whose_period_ends_within_it(cast, seeds):
    october = ImpactFilter(territory=cast.territory, since=OCT[0], until=OCT[1], today=TODAY)
    until_september = ImpactFilter(territory=cast.territory, until=SEP[1], today=TODAY)

    per_project, per_domain = _tables(october)
    assert [row[3:7] for row in per_project] == [(0, 60, 0, 300), (0, 50, 0, 200), (2, 8, 0, 12)]
    assert per_domain == {
        ("Solidarité", "personnes", 2, 0, 110, 500),
        ("Sans domaine", "ménages", 1, 2, 8, 12),
    }
    per_project, per_domain = _tables(until_september)
    assert [row[4] for row in per_project] == [40, 0, 5]
    assert ("Sans domaine", "ménages", 1, 2, 5, 12) in per_domain


@pytest.mark.parametrize("item_count", (1, 4))
def test_the_section_runs_three_queries_whatever_the_data(
    cast, django_assert_max_num_queries, item_count
):
    for i in range(item_count):
        project = ProjectFactory(territory=cast.territory)
        indicator = IndicatorFactory(project=project, name=f"Indicateur {i}")
        _value(indicator, SEP, "3")
        _value(indicator, OCT, "4", JobStatus.DECLARED)

    with django_assert_max_num_queries(3):
        per_project, _per_domain = _tables(ImpactFilter(territory=cast.territory, today=TODAY))

    assert len(per_project) == item_count


def test_without_indicators_the_section_says_so(cast):
    sections = impact_sections(ImpactFilter(territory=cast.territory, today=TODAY))
    section = next(s for s in sections if s.key == "indicators")

    assert "Aucun projet n'a encore défini d'indicateur" in str(section.intro)
    assert section.tables == ()


def test_the_export_gives_one_typed_row_per_value(cast, seeds, django_assert_max_num_queries):
    kind = export_kind("indicateurs")

    assert kind is VALUES_EXPORT and kind in export_kinds(organiser=False)
    assert [(c.name, c.type) for c in kind.columns] == [
        ("projet", "string"),
        ("defi", "string"),
        ("domaine", "string"),
        ("indicateur", "string"),
        ("unite", "string"),
        ("debut_periode", "date"),
        ("fin_periode", "date"),
        ("valeur", "number"),
        ("statut", "string"),
        ("verifiee_le", "datetime"),
    ]
    with django_assert_max_num_queries(1):
        rows = list(kind.rows(ImpactFilter(territory=cast.territory, today=TODAY)))

    assert len(rows) == 9  # the other territory's value left out
    assert rows[0][:9] == (
        "Bus numérique",
        "Isolement",
        "Solidarité",
        "Seniors rencontrés",
        "personnes",
        SEP[0],
        SEP[1],
        Decimal("40"),
        "vérifié",
    )
    statuses = [row[8] for row in rows]
    assert (statuses.count("vérifié"), statuses.count("déclaré"), statuses.count("renvoyé")) == (
        5,
        3,
        1,
    )


def test_the_export_is_narrowed_like_the_section(cast, seeds):
    kind = export_kind("indicateurs")

    by_challenge = list(
        kind.rows(
            ImpactFilter(territory=cast.territory, challenge_id=seeds["isolation"].pk, today=TODAY)
        )
    )
    in_october = list(
        kind.rows(ImpactFilter(territory=cast.territory, since=OCT[0], until=OCT[1], today=TODAY))
    )

    assert {row[0] for row in by_challenge} == {"Bus numérique"}
    assert len(by_challenge) == 5
    assert sorted(row[7] for row in in_october) == [
        Decimal("8"),
        Decimal("50"),
        Decimal("60"),
        Decimal("500"),
    ]
