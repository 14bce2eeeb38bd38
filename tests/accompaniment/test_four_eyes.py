"""Four eyes on the key figure: a job record or an indicator value is verified (or sent back) by
somebody other than whoever declared or corrected it, unless the territory allows it."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from accompaniment.domain import indicators, jobs
from accompaniment.domain.errors import Refused
from accompaniment.enums import Contract, JobStatus
from accompaniment.models import IndicatorValue, JobRecord
from tests.accompaniment.conftest import TODAY, space_url
from tests.accompaniment.factories import (
    IndicatorFactory,
    IndicatorValueFactory,
    JobRecordFactory,
)

SELF_REFUSED = "une autre personne"


def _declare(cast, by):
    return jobs.declare_job(
        project=cast.project,
        occurred_on=datetime.date(2026, 10, 1),
        number=2,
        contract=Contract.PERMANENT,
        fte=Decimal("2"),
        by=by,
        today=TODAY,
    )


def _declare_value(cast, by):
    return indicators.declare_value(
        indicator=IndicatorFactory(project=cast.project),
        period_start=datetime.date(2026, 10, 1),
        period_end=datetime.date(2026, 10, 31),
        value=Decimal("40"),
        by=by,
        today=TODAY,
    )


def _allow_self_verification(cast) -> None:
    cast.territory.allow_self_verification = True
    cast.territory.save(update_fields=["allow_self_verification"])


# The domain.


def test_a_coach_cannot_verify_or_return_jobs_she_declared(cast):
    job = _declare(cast, by=cast.coach)

    with pytest.raises(Refused, match=SELF_REFUSED):
        jobs.verify_job(job=job, by=cast.coach)
    with pytest.raises(Refused, match=SELF_REFUSED):
        jobs.return_job(job=job, reason="Date ?", by=cast.coach)

    job.refresh_from_db()
    assert (job.status, job.verified_by) == (JobStatus.DECLARED, None)
    # Somebody else can.
    jobs.verify_job(job=job, by=cast.organiser)
    job.refresh_from_db()
    assert (job.status, job.verified_by) == (JobStatus.VERIFIED, cast.organiser)


def test_whoever_corrected_a_declaration_cannot_verify_it(cast):
    job = _declare(cast, by=cast.team_member)
    jobs.return_job(job=job, reason="Joignez le contrat.", by=cast.coach)
    job = jobs.correct_job(
        job=job,
        occurred_on=datetime.date(2026, 10, 1),
        number=1,
        contract=Contract.PERMANENT,
        fte=Decimal("1"),
        kind=job.kind,
        by=cast.coach,
        today=TODAY,
    )

    with pytest.raises(Refused, match=SELF_REFUSED):
        jobs.verify_job(job=job, by=cast.coach)
    jobs.verify_job(job=job, by=cast.organiser)
    assert JobRecord.objects.get().status == JobStatus.VERIFIED


def test_the_first_declarant_stays_barred_after_somebody_else_corrected(cast):
    job = _declare(cast, by=cast.coach)
    jobs.return_job(job=job, reason="Le contrat manque.", by=cast.organiser)
    job = jobs.correct_job(
        job=job,
        occurred_on=datetime.date(2026, 10, 1),
        number=2,
        contract=Contract.PERMANENT,
        fte=Decimal("2"),
        kind=job.kind,
        by=cast.team_member,
        today=TODAY,
    )

    with pytest.raises(Refused, match=SELF_REFUSED):
        jobs.verify_job(job=job, by=cast.coach)


def test_a_record_declared_by_nobody_is_verified_by_the_coach(cast):
    job = JobRecordFactory(project=cast.project, declared_by=None)

    jobs.verify_job(job=job, by=cast.coach)

    assert JobRecord.objects.get().verified_by == cast.coach


def test_the_territory_setting_allows_self_verification_and_the_history_says_so(cast):
    _allow_self_verification(cast)
    job = _declare(cast, by=cast.coach)

    jobs.verify_job(job=job, by=cast.coach)

    last = JobRecord.history.filter(id=job.pk).latest("history_id")
    assert (last.status, last.verified_by, last.history_user) == (
        JobStatus.VERIFIED,
        cast.coach,
        cast.coach,
    )
    assert "une seule personne autorisée" in last.history_change_reason


def test_verification_by_somebody_else_leaves_no_reason_in_the_history(cast):
    job = _declare(cast, by=cast.team_member)

    jobs.verify_job(job=job, by=cast.coach)

    last = JobRecord.history.filter(id=job.pk).latest("history_id")
    assert (last.history_user, last.history_change_reason) == (cast.coach, None)


def test_a_coach_cannot_verify_or_return_an_indicator_value_she_declared(cast):
    record = _declare_value(cast, by=cast.coach)

    with pytest.raises(Refused, match=SELF_REFUSED):
        indicators.verify_value(record=record, by=cast.coach)
    with pytest.raises(Refused, match=SELF_REFUSED):
        indicators.return_value(record=record, reason="Précisez.", by=cast.coach)

    indicators.verify_value(record=record, by=cast.organiser)
    assert IndicatorValue.objects.get().verified_by == cast.organiser


def test_whoever_corrected_a_value_cannot_verify_it_unless_the_territory_allows(cast):
    record = _declare_value(cast, by=cast.team_member)
    indicators.return_value(record=record, reason="Précisez.", by=cast.coach)
    record = indicators.correct_value(
        record=record,
        period_start=datetime.date(2026, 10, 1),
        period_end=datetime.date(2026, 10, 31),
        value=Decimal("38"),
        by=cast.coach,
        today=TODAY,
    )
    with pytest.raises(Refused, match=SELF_REFUSED):
        indicators.verify_value(record=record, by=cast.coach)

    _allow_self_verification(cast)
    indicators.verify_value(record=record, by=cast.coach)
    assert IndicatorValue.objects.get().status == JobStatus.VERIFIED


def test_the_rules_bar_the_declarant_for_one_record(cast):
    mine = _declare(cast, by=cast.coach)
    theirs = _declare(cast, by=cast.team_member)

    assert not cast.coach.has_perm("accompaniment.verify_job_record", mine)
    assert cast.coach.has_perm("accompaniment.verify_job_record", theirs)
    assert cast.organiser.has_perm("accompaniment.verify_job_record", mine)
    assert not cast.team_member.has_perm("accompaniment.verify_job_record", mine)
    value = _declare_value(cast, by=cast.coach)
    assert not cast.coach.has_perm("accompaniment.verify_indicator_value", value)
    _allow_self_verification(cast)
    assert cast.coach.has_perm("accompaniment.verify_job_record", mine)


# The pages.


@pytest.mark.parametrize("item_count", (1, 3))
def test_the_declarant_sees_no_verify_button_but_a_note(
    client, cast, django_assert_max_num_queries, item_count
):
    for _i in range(item_count):
        _declare(cast, by=cast.coach)
    theirs = _declare(cast, by=cast.team_member)
    client.force_login(cast.coach)

    with django_assert_max_num_queries(12):
        html = client.get(space_url(cast.project, "job_list")).text

    assert html.count("à vérifier par une autre personne") == item_count
    assert html.count(">Vérifier</button>") == 1
    assert space_url(cast.project, "job_verify", pk=theirs.pk) in html
    assert "Vérification par une seule personne autorisée" not in html


def test_posting_a_self_verification_is_refused_with_a_french_message(client, cast):
    job = _declare(cast, by=cast.coach)
    client.force_login(cast.coach)

    response = client.post(space_url(cast.project, "job_verify", pk=job.pk), follow=True)
    returned = client.post(
        space_url(cast.project, "job_return", pk=job.pk), {"return_reason": "Oups"}, follow=True
    )

    assert "Vous avez déclaré ou corrigé ces chiffres" in response.text
    assert "Vous avez déclaré ou corrigé ces chiffres" in returned.text
    assert JobRecord.objects.get().status == JobStatus.DECLARED


def test_with_the_setting_on_the_pages_say_so_and_show_the_button(
    client, cast, django_assert_max_num_queries
):
    _allow_self_verification(cast)
    _declare(cast, by=cast.coach)
    _declare_value(cast, by=cast.coach)
    client.force_login(cast.coach)

    with django_assert_max_num_queries(12):
        job_page = client.get(space_url(cast.project, "job_list")).text
    with django_assert_max_num_queries(14):
        value_page = client.get(space_url(cast.project, "indicator_list")).text

    for html in (job_page, value_page):
        assert "Vérification par une seule personne autorisée sur ce territoire" in html
        assert ">Vérifier</button>" in html
        assert "à vérifier par une autre personne" not in html


def test_the_indicator_page_hides_the_button_on_her_own_value(
    client, cast, django_assert_max_num_queries
):
    mine = _declare_value(cast, by=cast.coach)
    client.force_login(cast.coach)

    with django_assert_max_num_queries(14):
        html = client.get(space_url(cast.project, "indicator_list")).text
    refused = client.post(
        space_url(cast.project, "indicator_value_verify", pk=mine.pk), follow=True
    ).text

    assert (
        "Vous avez déclaré ou corrigé cette valeur\u00a0: à vérifier par une autre personne."
        in html
    )
    assert ">Vérifier</button>" not in html
    assert "Vous avez déclaré ou corrigé ces chiffres" in refused
    assert IndicatorValue.objects.get().status == JobStatus.DECLARED


# The cards and to-dos.


def test_the_coach_card_leaves_out_what_she_declared(client, cast):
    JobRecordFactory(project=cast.project, number=2, declared_by=cast.coach)
    JobRecordFactory(project=cast.project, number=3, declared_by=cast.team_member)
    indicator = IndicatorFactory(project=cast.project)
    IndicatorValueFactory(indicator=indicator, declared_by=cast.coach)
    IndicatorValueFactory(indicator=indicator, declared_by=None)
    client.force_login(cast.coach)

    html = client.get(reverse("space")).text

    assert "Bus numérique : 3 emplois déclarés" in html
    assert "Bus numérique : 1 valeur d&#x27;indicateur déclarée" in html

    _allow_self_verification(cast)
    html = client.get(reverse("space")).text
    assert "Bus numérique : 5 emplois déclarés" in html
    assert "Bus numérique : 2 valeurs d&#x27;indicateurs déclarées" in html


def test_the_organisers_to_do_leaves_out_what_she_declared(client, cast):
    JobRecordFactory(project=cast.project, number=2, declared_by=cast.organiser)
    JobRecordFactory(project=cast.project, number=1, declared_by=cast.team_member)
    IndicatorValueFactory(
        indicator=IndicatorFactory(project=cast.project), declared_by=cast.organiser
    )
    client.force_login(cast.organiser)

    response = client.get(reverse("space"))

    todos = {t.label: t.count for t in response.context["territories"][0]["todos"]}
    assert todos["emploi déclaré en attente de vérification"] == 1
    # Nothing left for her: the to-do is not listed at all.
    assert not any("valeur" in label for label in todos)


# The e-mail asking for a verification.


def test_jobs_the_coach_declared_are_mailed_to_the_organisers(
    cast, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _declare(cast, by=cast.coach)
        _declare_value(cast, by=cast.coach)

    assert [mail.to for mail in mailoutbox] == [[cast.organiser.email]] * 2


def test_with_the_setting_on_the_coach_is_mailed_her_own_declaration(
    cast, mailoutbox, django_capture_on_commit_callbacks
):
    _allow_self_verification(cast)

    with django_capture_on_commit_callbacks(execute=True):
        _declare(cast, by=cast.coach)

    assert [mail.to for mail in mailoutbox] == [[cast.coach.email]]


# The setting.


def test_organisers_find_the_setting_in_the_territory_admin(
    client, cast, django_assert_max_num_queries
):
    cast.organiser.is_staff = True
    cast.organiser.save(update_fields=["is_staff"])
    client.force_login(cast.organiser)

    with django_assert_max_num_queries(30):
        response = client.get(
            reverse("admin:territoire_territory_change", args=[cast.territory.pk])
        )

    assert response.status_code == 200
    assert 'name="allow_self_verification"' in response.text
    assert "autoriser la vérification par la personne qui déclare" in response.text.lower()
    assert cast.territory.allow_self_verification is False
