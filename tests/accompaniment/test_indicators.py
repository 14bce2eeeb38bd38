"""Indicators beyond jobs: what the database and the domain accept, who may do what, and the
coach told of each value to verify."""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from accompaniment.domain import indicators
from accompaniment.domain.errors import Refused
from accompaniment.enums import Aggregation, JobStatus
from accompaniment.models import Indicator, IndicatorValue
from accompaniment.queries_indicators import progress, with_figures
from territoire.impact.cache import impact_version
from tests.accompaniment.conftest import TODAY
from tests.accompaniment.factories import IndicatorFactory, IndicatorValueFactory
from tests.projects.factories import ProjectFactory

SEPTEMBER = {"period_start": datetime.date(2026, 9, 1), "period_end": datetime.date(2026, 9, 30)}
OCTOBER = {"period_start": datetime.date(2026, 10, 1), "period_end": datetime.date(2026, 10, 31)}


def _define(cast, by=None, **overrides) -> Indicator:
    values = {
        "project": cast.project,
        "name": "Seniors rencontrés",
        "unit": "personnes",
        "target": Decimal("300"),
        "by": by or cast.team_member,
    }
    return indicators.define_indicator(**values | overrides)


def _declare(indicator, by, value="40", period=None, **overrides) -> IndicatorValue:
    return indicators.declare_value(
        indicator=indicator,
        value=Decimal(value),
        by=by,
        today=TODAY,
        **(period or SEPTEMBER),
        **overrides,
    )


def _figures(indicator) -> Indicator:
    return with_figures(Indicator.objects.filter(pk=indicator.pk)).get()


# The database


def test_the_database_refuses_a_target_equal_to_the_baseline(cast):
    with pytest.raises(IntegrityError), transaction.atomic():
        IndicatorFactory(project=cast.project, baseline=Decimal("10"), target=Decimal("10"))


def test_the_database_refuses_the_same_name_twice_in_a_project_whatever_the_case(cast):
    IndicatorFactory(project=cast.project, name="Seniors rencontrés")
    IndicatorFactory(project=ProjectFactory(territory=cast.territory), name="Seniors rencontrés")

    with pytest.raises(IntegrityError), transaction.atomic():
        IndicatorFactory(project=cast.project, name="SENIORS rencontrés")


@pytest.mark.parametrize(
    "fields",
    [
        {"period_start": datetime.date(2026, 9, 30), "period_end": datetime.date(2026, 9, 1)},
        {"value": Decimal("-1")},
        {"status": "lost"},
    ],
)
def test_the_database_refuses_impossible_values(cast, fields):
    indicator = IndicatorFactory(project=cast.project)

    with pytest.raises(IntegrityError), transaction.atomic():
        IndicatorValueFactory(indicator=indicator, **fields)


# Defining indicators


def test_the_team_defines_an_indicator_and_the_impact_figures_move(
    cast, django_capture_on_commit_callbacks
):
    before = impact_version(cast.territory.pk)

    with django_capture_on_commit_callbacks(execute=True):
        indicator = _define(cast, name="  Seniors rencontrés ", unit=" personnes ")

    assert (indicator.name, indicator.unit, indicator.baseline) == (
        "Seniors rencontrés",
        "personnes",
        Decimal("0"),
    )
    assert impact_version(cast.territory.pk) == before + 1
    assert indicator.history.get().history_user == cast.team_member


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"name": "  "}, "name", "intitulé"),
        ({"unit": ""}, "unit", "unité"),
        ({"target": Decimal("0")}, "target", "différer de la valeur de départ"),
        ({"baseline": Decimal("-5")}, "baseline", "négative"),
        ({"target": None}, "target", "Indiquez l'objectif"),
        ({"name": "SENIORS rencontrés"}, "name", "déjà un indicateur de ce nom"),
        ({"aggregation": "median"}, "aggregation", "cumulent"),
    ],
)
def test_impossible_indicators_are_refused_on_their_field(cast, overrides, field, message):
    IndicatorFactory(project=cast.project, name="Seniors rencontrés")

    with pytest.raises(Refused, match=message) as refused:
        _define(cast, **overrides)

    assert refused.value.field == field
    assert Indicator.objects.count() == 1


@pytest.mark.parametrize("role", ["team_member", "coach", "organiser", "superuser"])
def test_the_team_its_coach_and_the_organisers_define_indicators(cast, role):
    assert _define(cast, by=getattr(cast, role)).pk


@pytest.mark.parametrize("role", ["official", "stranger", "other_organiser", "facilitator"])
def test_officials_and_outsiders_never_write_indicators(cast, role):
    person = getattr(cast, role)
    indicator = IndicatorFactory(project=cast.project)

    with pytest.raises(Refused, match="Seuls"):
        _define(cast, by=person)
    with pytest.raises(Refused, match="Seuls"):
        _declare(indicator, person)
    with pytest.raises(Refused, match="Seuls"):
        indicators.delete_indicator(indicator=indicator, by=person)

    assert Indicator.objects.count() == 1
    assert not IndicatorValue.objects.exists()


def test_an_indicator_is_edited_but_keeps_its_name_unique(cast):
    first = IndicatorFactory(project=cast.project, name="Seniors rencontrés")
    second = IndicatorFactory(project=cast.project, name="Ateliers")

    indicators.edit_indicator(
        indicator=first,
        name="Seniors rencontrés",
        unit="seniors",
        baseline=Decimal("10"),
        target=Decimal("500"),
        aggregation=Aggregation.LATEST,
        by=cast.coach,
    )
    with pytest.raises(Refused, match="déjà un indicateur"):
        indicators.edit_indicator(
            indicator=second,
            name="seniors rencontrés",
            unit="x",
            baseline=Decimal("0"),
            target=Decimal("1"),
            by=cast.team_member,
        )

    first.refresh_from_db()
    assert (first.unit, first.target, first.aggregation) == (
        "seniors",
        Decimal("500"),
        Aggregation.LATEST,
    )


def test_an_indicator_with_verified_values_cannot_be_deleted(cast):
    indicator = IndicatorFactory(project=cast.project)
    IndicatorValueFactory(indicator=indicator, status=JobStatus.VERIFIED)
    empty = IndicatorFactory(project=cast.project)
    IndicatorValueFactory(indicator=empty, status=JobStatus.DECLARED)

    with pytest.raises(Refused, match="valeurs vérifiées"):
        indicators.delete_indicator(indicator=indicator, by=cast.team_member)
    indicators.delete_indicator(indicator=empty, by=cast.team_member)

    assert list(Indicator.objects.all()) == [indicator]
    assert IndicatorValue.objects.count() == 1


# Values: declared → verified | returned → declared again


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"period": {**SEPTEMBER, "period_end": datetime.date(2026, 8, 1)}}, "period_end", "préc"),
        (
            {"period": {"period_start": TODAY + datetime.timedelta(days=1), "period_end": TODAY}},
            "period_end",
            "précéder",
        ),
        (
            {
                "period": {
                    "period_start": TODAY + datetime.timedelta(days=1),
                    "period_end": TODAY + datetime.timedelta(days=5),
                }
            },
            "period_start",
            "pas commencé",
        ),
        ({"value": "-3"}, "value", "négative"),
    ],
)
def test_impossible_values_are_refused_on_their_field(cast, overrides, field, message):
    indicator = IndicatorFactory(project=cast.project)

    with pytest.raises(Refused, match=message) as refused:
        _declare(indicator, cast.team_member, **overrides)

    assert refused.value.field == field
    assert not IndicatorValue.objects.exists()


def test_only_the_coach_or_the_organisers_verify_and_return(cast):
    record = IndicatorValueFactory(indicator=IndicatorFactory(project=cast.project))

    for person in (cast.team_member, cast.official, cast.other_organiser):
        with pytest.raises(Refused, match="Seuls le coach"):
            indicators.verify_value(record=record, by=person)
        with pytest.raises(Refused, match="Seuls le coach"):
            indicators.return_value(record=record, reason="Non", by=person)

    indicators.verify_value(record=record, by=cast.organiser)
    record.refresh_from_db()
    assert (record.status, record.verified_by) == (JobStatus.VERIFIED, cast.organiser)


def test_a_returned_value_corrected_goes_back_to_declared_in_the_same_row(
    cast, django_capture_on_commit_callbacks
):
    indicator = _define(cast)
    record = _declare(indicator, cast.team_member, value="40")

    with pytest.raises(Refused, match="corriger"):
        indicators.return_value(record=record, reason="  ", by=cast.coach)
    indicators.return_value(record=record, reason="Joignez la feuille d'émargement.", by=cast.coach)
    with pytest.raises(Refused, match="renvoyé"):
        indicators.verify_value(record=record, by=cast.coach)
    assert (_figures(indicator).achieved, _figures(indicator).awaiting) == (0, 0)

    indicators.correct_value(
        record=record, value=Decimal("35"), by=cast.team_member, today=TODAY, **SEPTEMBER
    )
    indicators.verify_value(record=record, by=cast.coach)

    assert IndicatorValue.objects.count() == 1
    figures = _figures(indicator)
    assert (figures.achieved, figures.awaiting) == (Decimal("35"), 0)
    assert [(h.status, h.history_user) for h in record.history.order_by("history_date")] == [
        (JobStatus.DECLARED, cast.team_member),
        (JobStatus.RETURNED, cast.coach),
        (JobStatus.DECLARED, cast.team_member),
        (JobStatus.VERIFIED, cast.coach),
    ]


def test_a_value_is_only_corrected_once_returned(cast):
    record = IndicatorValueFactory(indicator=IndicatorFactory(project=cast.project))

    with pytest.raises(Refused, match="déclaré"):
        indicators.correct_value(
            record=record, value=Decimal("1"), by=cast.team_member, today=TODAY, **SEPTEMBER
        )


def test_sum_adds_verified_values_and_latest_keeps_the_last_verified_one(cast):
    met = IndicatorFactory(project=cast.project, name="Seniors rencontrés")
    housed = IndicatorFactory(
        project=cast.project,
        name="Personnes relogées",
        baseline=Decimal("10"),
        target=Decimal("50"),
        aggregation=Aggregation.LATEST,
    )
    for indicator in (met, housed):
        IndicatorValueFactory(
            indicator=indicator, value=Decimal("20"), status=JobStatus.VERIFIED, **SEPTEMBER
        )
        IndicatorValueFactory(
            indicator=indicator, value=Decimal("30"), status=JobStatus.VERIFIED, **OCTOBER
        )
        IndicatorValueFactory(indicator=indicator, value=Decimal("99"), **OCTOBER)
        IndicatorValueFactory(
            indicator=indicator, value=Decimal("500"), status=JobStatus.RETURNED, **OCTOBER
        )

    met, housed = with_figures(Indicator.objects.filter(project=cast.project).order_by("pk"))

    assert (met.achieved, met.awaiting, met.declared_count) == (Decimal("50"), Decimal("99"), 1)
    assert (housed.achieved, housed.awaiting) == (Decimal("30"), Decimal("99"))
    assert (progress(met), progress(housed)) == (17, 50)


def test_a_latest_indicator_with_nothing_verified_is_not_measured_yet(cast):
    indicator = IndicatorFactory(project=cast.project, aggregation=Aggregation.LATEST)
    IndicatorValueFactory(indicator=indicator)

    figures = _figures(indicator)

    assert (figures.achieved, progress(figures)) == (None, None)


# The coach is told


def test_declaring_a_value_mails_the_coach_once_committed(
    cast, mailoutbox, django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "https://territoire.example.org"
    indicator = IndicatorFactory(project=cast.project, name="Seniors rencontrés")

    with django_capture_on_commit_callbacks(execute=True):
        _declare(indicator, cast.team_member, value="42", evidence_note="Feuilles d'émargement")

    assert [mail.to for mail in mailoutbox] == [[cast.coach.email]]
    mail = mailoutbox[0]
    assert mail.subject == "Indicateur à vérifier : Bus numérique"
    assert "a déclaré une valeur de l'indicateur «\xa0Seniors rencontrés\xa0»" in mail.body
    assert "42 personnes" in mail.body
    assert "Feuilles d'émargement" in mail.body
    url = reverse("indicator_list", args=[cast.territory.slug, cast.project.slug])
    assert f"https://territoire.example.org{url}" in mail.body


def test_without_a_coach_the_organisers_are_told(
    cast, mailoutbox, django_capture_on_commit_callbacks
):
    indicator = IndicatorFactory(project=ProjectFactory(territory=cast.territory, coach=None))

    with django_capture_on_commit_callbacks(execute=True):
        _declare(indicator, None)

    assert [mail.to for mail in mailoutbox] == [[cast.organiser.email]]


def test_a_corrected_value_mails_the_coach_again_and_a_rollback_mails_nobody(
    cast, mailoutbox, django_capture_on_commit_callbacks
):
    indicator = IndicatorFactory(project=cast.project)
    record = IndicatorValueFactory(indicator=indicator, status=JobStatus.RETURNED)

    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                _declare(indicator, cast.team_member)
                raise RuntimeError("the request failed after the declaration")
        except RuntimeError:
            pass
    assert mailoutbox == []

    with django_capture_on_commit_callbacks(execute=True):
        indicators.correct_value(
            record=record, value=Decimal("12"), by=cast.team_member, today=TODAY, **OCTOBER
        )

    assert [mail.to for mail in mailoutbox] == [[cast.coach.email]]


def test_every_write_moves_the_impact_figures(cast, django_capture_on_commit_callbacks):
    before = impact_version(cast.territory.pk)

    with django_capture_on_commit_callbacks(execute=True):
        indicator = _define(cast)
    with django_capture_on_commit_callbacks(execute=True):
        indicators.edit_indicator(
            indicator=indicator,
            name="Seniors rencontrés",
            unit="personnes",
            baseline=Decimal("0"),
            target=Decimal("250"),
            by=cast.coach,
        )
    with django_capture_on_commit_callbacks(execute=True):
        first = _declare(indicator, cast.team_member)
    with django_capture_on_commit_callbacks(execute=True):
        indicators.return_value(record=first, reason="La période ?", by=cast.coach)
    with django_capture_on_commit_callbacks(execute=True):
        indicators.correct_value(
            record=first, value=Decimal("41"), by=cast.team_member, today=TODAY, **SEPTEMBER
        )
    with django_capture_on_commit_callbacks(execute=True):
        indicators.verify_value(record=first, by=cast.coach)
    spare = IndicatorFactory(project=cast.project, name="Ateliers")
    with django_capture_on_commit_callbacks(execute=True):
        indicators.delete_indicator(indicator=spare, by=cast.team_member)

    assert impact_version(cast.territory.pk) == before + 7
