"""The indicators' pages in the project's space: the team defines indicators and declares
values, the coach verifies or sends back, the team corrects; officials read."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from accompaniment.enums import Aggregation, JobStatus
from accompaniment.models import Indicator, IndicatorValue
from tests.accompaniment.conftest import space_url
from tests.accompaniment.factories import IndicatorFactory, IndicatorValueFactory
from tests.bombs import docx_bomb
from tests.projects.factories import ProjectFactory

NEW_INDICATOR = {
    "form": "indicator",
    "name": "Jeunes maintenus en formation",
    "unit": "jeunes",
    "baseline": "0",
    "target": "40",
    "aggregation": Aggregation.SUM,
    "description": "Des lycéens qui ne décrochent pas.",
}


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), "blue").save(out, format="PNG")
    return out.getvalue()


def _value_post(indicator, **overrides) -> dict:
    return {
        "form": "value",
        "indicator": str(indicator.pk),
        "period_start": "2026-10-01",
        "period_end": "2026-10-31",
        "value": "42",
        "evidence_note": "Feuilles d'émargement des ateliers",
        "evidence_link": "https://example.org/emargement",
    } | overrides


@pytest.mark.parametrize("item_count", (1, 3))
def test_the_page_shows_each_indicator_from_baseline_to_target_in_bounded_queries(
    client, cast, django_assert_max_num_queries, item_count
):
    for i in range(item_count):
        indicator = IndicatorFactory(project=cast.project, name=f"Indicateur {i}")
        IndicatorValueFactory(indicator=indicator, value=Decimal("60"), status=JobStatus.VERIFIED)
        IndicatorValueFactory.create_batch(item_count, indicator=indicator, value=Decimal("5"))
    IndicatorFactory(project=ProjectFactory(territory=cast.territory), name="Ailleurs")
    client.force_login(cast.coach)

    with django_assert_max_num_queries(14):
        response = client.get(space_url(cast.project, "indicator_list"))

    assert response.status_code == 200
    assert "accompaniment/indicator_list.html" in [t.name for t in response.templates]
    html = response.text
    assert "Indicateur 0" in html and "Ailleurs" not in html
    assert "60 personnes" in html  # achieved, verified
    assert "300 personnes" in html  # target
    assert f"{item_count} valeur" in html  # declared, awaiting verification
    assert '<progress id="progression-' in html and 'value="20"' in html
    assert "20\u00a0%" in html or "20 %" in html
    assert html.count(">Vérifier</button>") == item_count * item_count


def test_the_project_space_links_to_the_indicators(client, cast):
    client.force_login(cast.official)

    response = client.get(space_url(cast.project))

    assert space_url(cast.project, "indicator_list") in response.text


def test_the_team_adds_an_indicator(client, cast, django_capture_on_commit_callbacks):
    client.force_login(cast.team_member)

    response = client.post(space_url(cast.project, "indicator_list"), NEW_INDICATOR)

    assert response.status_code == 302
    indicator = Indicator.objects.get()
    assert (indicator.name, indicator.unit, indicator.target) == (
        "Jeunes maintenus en formation",
        "jeunes",
        Decimal("40"),
    )
    assert "Indicateur ajouté." in client.get(response.url).text


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"target": "0"}, "L&#x27;objectif doit différer de la valeur de départ."),
        ({"target": "beaucoup"}, "Saisissez un nombre (par exemple 12 ou 12,5)."),
        ({"target": "-4"}, "Une valeur ne peut pas être négative."),
        ({"unit": ""}, "Indiquez l&#x27;unité"),
        ({"name": "JEUNES maintenus en formation"}, "Le projet a déjà un indicateur de ce nom."),
    ],
)
def test_a_wrong_indicator_is_refused_in_french_keeping_what_was_typed(
    client, cast, changes, message
):
    IndicatorFactory(project=cast.project, name="Jeunes maintenus en formation")
    client.force_login(cast.team_member)

    response = client.post(space_url(cast.project, "indicator_list"), NEW_INDICATOR | changes)

    assert response.status_code == 200
    assert message in response.text
    assert "Des lycéens qui ne décrochent pas." in response.text
    assert Indicator.objects.count() == 1


def test_the_team_declares_a_value_with_its_evidence(
    client, cast, mailoutbox, django_capture_on_commit_callbacks
):
    indicator = IndicatorFactory(project=cast.project)
    client.force_login(cast.team_member)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            space_url(cast.project, "indicator_list"),
            _value_post(indicator, evidence_file=SimpleUploadedFile("photo.png", _png())),
        )

    assert response.status_code == 302
    record = IndicatorValue.objects.get()
    assert (record.value, record.status, record.declared_by) == (
        Decimal("42"),
        JobStatus.DECLARED,
        cast.team_member,
    )
    assert record.evidence_link == "https://example.org/emargement"
    assert record.evidence_file.name.endswith(".png")
    assert [mail.to for mail in mailoutbox] == [[cast.coach.email]]

    client.force_login(cast.official)
    evidence = client.get(space_url(cast.project, "indicator_value_evidence", pk=record.pk))
    assert evidence.status_code == 200
    assert b"".join(evidence.streaming_content).startswith(b"\x89PNG")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"period_end": "2026-09-01"}, "La fin de la période ne peut pas précéder son début."),
        ({"period_start": "pas une date"}, "Saisissez une date valide."),
        ({"value": "-1"}, "Une valeur ne peut pas être négative."),
        ({"value": ""}, "Indiquez la valeur."),
        ({"evidence_link": "pas un lien"}, "Saisissez une adresse web valide."),
        ({"indicator": "999999"}, "Choisissez un indicateur du projet."),
        (
            {"evidence_file": SimpleUploadedFile("virus.exe", b"MZ\x90\x00")},
            "Ce type de fichier n&#x27;est pas accepté",
        ),
        (
            {"evidence_file": SimpleUploadedFile("rapport.docx", docx_bomb())},
            "Ce document se décompresse en un volume anormal",
        ),
    ],
)
def test_a_wrong_value_is_refused_in_french_keeping_what_was_typed(client, cast, changes, message):
    indicator = IndicatorFactory(project=cast.project)
    client.force_login(cast.team_member)

    response = client.post(
        space_url(cast.project, "indicator_list"), _value_post(indicator) | changes
    )

    assert response.status_code == 200
    assert message in response.text
    assert "Feuilles d&#x27;émargement des ateliers" in response.text
    assert not IndicatorValue.objects.exists()


def test_an_indicator_of_another_project_cannot_be_chosen(client, cast):
    elsewhere = IndicatorFactory(project=ProjectFactory(territory=cast.territory))
    IndicatorFactory(project=cast.project)
    client.force_login(cast.team_member)

    response = client.post(space_url(cast.project, "indicator_list"), _value_post(elsewhere))

    assert "Choisissez un indicateur du projet." in response.text
    assert not IndicatorValue.objects.exists()


def test_officials_read_the_page_without_any_form_and_cannot_post(client, cast):
    indicator = IndicatorFactory(project=cast.project)
    IndicatorValueFactory(indicator=indicator)
    client.force_login(cast.official)
    url = space_url(cast.project, "indicator_list")

    html = client.get(url).text

    assert indicator.name in html
    assert 'name="form"' not in html and ">Vérifier</button>" not in html
    assert client.post(url, NEW_INDICATOR).status_code == 403
    assert client.post(url, _value_post(indicator)).status_code == 403
    assert Indicator.objects.count() == 1 and IndicatorValue.objects.count() == 1


def test_an_unknown_form_goes_back_to_the_page_with_a_message(client, cast):
    client.force_login(cast.team_member)

    response = client.post(space_url(cast.project, "indicator_list"), {"form": "?"}, follow=True)

    assert "Ce formulaire n&#x27;est pas reconnu" in response.text


def test_the_coach_verifies_and_returns_from_the_page_the_team_may_not(client, cast):
    indicator = IndicatorFactory(project=cast.project)
    first, second = IndicatorValueFactory.create_batch(2, indicator=indicator)

    client.force_login(cast.team_member)
    assert (
        client.post(space_url(cast.project, "indicator_value_verify", pk=first.pk)).status_code
        == 403
    )
    client.force_login(cast.official)
    assert (
        client.post(space_url(cast.project, "indicator_value_verify", pk=first.pk)).status_code
        == 403
    )
    client.force_login(cast.coach)
    client.post(space_url(cast.project, "indicator_value_verify", pk=first.pk))
    client.post(
        space_url(cast.project, "indicator_value_return", pk=second.pk),
        {"return_reason": "La période ne colle pas."},
    )
    again = client.post(space_url(cast.project, "indicator_value_verify", pk=first.pk), follow=True)

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, first.verified_by) == (JobStatus.VERIFIED, cast.coach)
    assert (second.status, second.return_reason) == (JobStatus.RETURNED, "La période ne colle pas.")
    assert "Cette valeur est déjà" in again.text


def test_a_return_without_a_reason_is_refused_with_a_message(client, cast):
    record = IndicatorValueFactory(indicator=IndicatorFactory(project=cast.project))
    client.force_login(cast.coach)

    response = client.post(
        space_url(cast.project, "indicator_value_return", pk=record.pk),
        {"return_reason": " "},
        follow=True,
    )

    assert "Dites à l&#x27;équipe ce qu&#x27;il faut corriger." in response.text
    record.refresh_from_db()
    assert record.status == JobStatus.DECLARED


def test_the_team_corrects_a_returned_value_on_its_page(
    client, cast, django_assert_max_num_queries
):
    record = IndicatorValueFactory(
        indicator=IndicatorFactory(project=cast.project),
        status=JobStatus.RETURNED,
        return_reason="Il manque la feuille d'octobre.",
    )
    url = space_url(cast.project, "indicator_value_correct", pk=record.pk)
    client.force_login(cast.team_member)

    with django_assert_max_num_queries(10):
        page = client.get(url)
    refused = client.post(
        url, {"period_start": "2026-09-01", "period_end": "2026-08-01", "value": "38"}
    )
    done = client.post(
        url,
        {"period_start": "2026-09-01", "period_end": "2026-09-30", "value": "38"},
    )

    assert "Il manque la feuille d&#x27;octobre." in page.text
    assert 'value="40"' in page.text
    assert "ne peut pas précéder son début" in refused.text and 'value="38"' in refused.text
    assert done.status_code == 302
    record.refresh_from_db()
    assert (record.status, record.value) == (JobStatus.DECLARED, Decimal("38"))
    assert IndicatorValue.objects.count() == 1


def test_the_team_edits_then_deletes_an_indicator(client, cast, django_assert_max_num_queries):
    indicator = IndicatorFactory(project=cast.project, name="Seniors rencontrés")
    client.force_login(cast.team_member)
    edit = space_url(cast.project, "indicator_edit", pk=indicator.pk)

    with django_assert_max_num_queries(8):
        page = client.get(edit)
    assert "Seniors rencontrés" in page.text and 'value="300"' in page.text
    refused = client.post(edit, NEW_INDICATOR | {"target": "0"})
    client.post(edit, NEW_INDICATOR | {"name": "Seniors accompagnés"})
    indicator.refresh_from_db()
    deleted = client.post(space_url(cast.project, "indicator_delete", pk=indicator.pk))

    assert "doit différer de la valeur de départ" in refused.text
    assert indicator.name == "Seniors accompagnés"
    assert deleted.status_code == 302
    assert not Indicator.objects.exists()


def test_the_coach_sees_values_to_verify_in_her_space(client, cast):
    indicator = IndicatorFactory(project=cast.project)
    IndicatorValueFactory.create_batch(2, indicator=indicator)
    IndicatorValueFactory(indicator=indicator, status=JobStatus.VERIFIED)
    client.force_login(cast.coach)

    html = client.get(reverse("space")).text

    assert "Bus numérique : 2 valeurs d&#x27;indicateurs déclarées" in html
    assert "2 valeurs d&#x27;indicateurs à vérifier" in html
    assert space_url(cast.project, "indicator_list") in html


def test_the_organisers_to_do_counts_values_awaiting_verification(client, cast):
    IndicatorValueFactory.create_batch(3, indicator=IndicatorFactory(project=cast.project))
    client.force_login(cast.organiser)

    response = client.get(reverse("space"))

    todos = {t.label: t.count for t in response.context["territories"][0]["todos"]}
    assert todos["valeurs d'indicateurs déclarées en attente de vérification"] == 3


def test_dates_are_kept_as_typed(client, cast):
    indicator = IndicatorFactory(project=cast.project)
    client.force_login(cast.team_member)

    response = client.post(
        space_url(cast.project, "indicator_list"),
        _value_post(indicator, period_start=str(datetime.date(2026, 10, 5)), value="x"),
    )

    assert 'value="2026-10-05"' in response.text


def test_the_history_page_shows_the_indicators_changes(client, cast):
    from accompaniment.domain import indicators

    indicator = indicators.define_indicator(
        project=cast.project,
        name="Seniors rencontrés",
        unit="personnes",
        target=Decimal("300"),
        by=cast.team_member,
    )
    record = indicators.declare_value(
        indicator=indicator,
        period_start=datetime.date(2026, 9, 1),
        period_end=datetime.date(2026, 9, 30),
        value=Decimal("42"),
        by=cast.team_member,
    )
    indicators.verify_value(record=record, by=cast.coach)
    client.force_login(cast.official)

    response = client.get(space_url(cast.project, "project_history"))

    latest = response.context["changes"][0]
    assert (latest.who, latest.kind) == (cast.coach, "indicator_value")
    assert [(str(n), o, n2) for n, o, n2 in latest.fields] == [("statut", "déclaré", "vérifié")]
    assert "Indicateur «\xa0Seniors rencontrés\xa0»" in response.text


def test_declaring_before_any_indicator_exists_says_so(client, cast):
    client.force_login(cast.team_member)
    url = space_url(cast.project, "indicator_list")

    page = client.get(url + "?indicateur=pas-un-nombre")
    response = client.post(url, {"form": "value", "period_start": "2026-10-01", "value": "3"})

    assert page.status_code == 200
    assert "Le projet n'a pas encore défini d'indicateur." in page.text
    assert response.status_code == 200
    assert "Choisissez l&#x27;indicateur." in response.text
