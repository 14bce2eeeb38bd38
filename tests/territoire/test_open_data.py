"""A territory's open data: public, under the Licence Ouverte / Etalab 2.0, described by a valid
Frictionless Data Package, and never a word about a person."""

import csv
import io
import json
from decimal import Decimal

import frictionless
import pytest
from django.urls import reverse
from django.utils import timezone

from accompaniment.enums import JobKind, JobStatus
from challenges.enums import ChallengeStatus
from events.models import Registration
from territoire.enums import Role
from territoire.impact.registry import open_datasets
from tests.accompaniment.factories import (
    JobRecordFactory,
    NeedFactory,
    NeedMatchFactory,
    ResourceOfferFactory,
)
from tests.challenges.factories import ChallengeFactory, SignUpFactory
from tests.conftest import member
from tests.events.factories import EventFactory, RegistrationFactory
from tests.factories import DomainFactory, OrganisationFactory, TerritoryFactory, UserFactory
from tests.projects.factories import ProjectFactory, ProjectFollowerFactory, ProjectMemberFactory

SLUG = "vallee-claire"


def url(name: str, **kwargs) -> str:
    return reverse(name, kwargs={"territory": SLUG, **kwargs})


@pytest.fixture
def territory(db):
    """A territory whose people have names and e-mail addresses one would recognise."""
    territory = TerritoryFactory(name="Vallée Claire", slug=SLUG, job_target=120)
    domain = DomainFactory(name="Solidarités", slug="solidarites")
    coach = member(
        territory, Role.COACH, full_name="Gédéon Coachard", email="gedeon.coachard@example.org"
    )
    member(territory, Role.ORGANISER, full_name="Olympe Organa", email="olympe@example.org")
    challenge = ChallengeFactory(
        territory=territory,
        domain=domain,
        title="Rompre l'isolement",
        slug="isolement",
        status=ChallengeStatus.OPEN,
    )
    ChallengeFactory(
        territory=territory,
        domain=domain,
        title="Défi brouillon",
        slug="brouillon",
        status=ChallengeStatus.DRAFT,
    )
    bus = ProjectFactory(
        territory=territory,
        name="Bus des aînés",
        slug="bus-des-aines",
        challenge=challenge,
        domain=domain,
        coach=coach,
        lead_organisation=OrganisationFactory(territory=territory, name="Asso Roulons"),
        public_email="porteuse.secrete@example.org",
    )
    ProjectMemberFactory(
        project=bus,
        full_name="Philomène Porteuse",
        email="philomene.porteuse@example.org",
        phone="06 12 34 56 78",
        user=UserFactory(full_name="Philomène Porteuse", email="philomene.porteuse@example.org"),
    )
    ProjectFollowerFactory(project=bus, email="suiveur.curieux@example.org")
    JobRecordFactory(
        project=bus,
        number=3,
        fte=Decimal("2.50"),
        status=JobStatus.VERIFIED,
        declared_by=UserFactory(full_name="Déclarant Dupin", email="declarant@example.org"),
    )
    JobRecordFactory(project=bus, number=1, kind=JobKind.KEPT, status=JobStatus.VERIFIED)
    JobRecordFactory(project=bus, number=5, status=JobStatus.RETURNED)
    JobRecordFactory(project=bus, number=7)  # declared, awaiting verification
    need = NeedFactory(project=bus)
    NeedMatchFactory(
        need=need,
        offer=ResourceOfferFactory(
            territory=territory,
            contact_name="Réginald Ressource",
            contact_email="reginald@example.org",
        ),
    )
    hidden_jobs = ProjectFactory(
        territory=territory, name="Atelier vélo", slug="atelier-velo", show_jobs=False
    )
    JobRecordFactory(project=hidden_jobs, number=2, status=JobStatus.VERIFIED)
    ProjectFactory(territory=territory, name="Projet secret", slug="secret", is_public=False)
    ProjectFactory(territory=territory, name="Brouillon", slug="brouillon-p", status="draft")
    SignUpFactory(territory=territory, full_name="Sidonie Signup", email="sidonie@example.org")
    event = EventFactory(territory=territory)
    RegistrationFactory(event=event)
    return territory


PEOPLE = (
    "Gédéon",
    "Coachard",
    "gedeon.coachard",
    "Olympe",
    "Philomène",
    "philomene",
    "06 12 34 56 78",
    "porteuse.secrete",
    "suiveur.curieux",
    "Déclarant",
    "declarant@",
    "Réginald",
    "reginald@",
    "Sidonie",
    "sidonie@",
    "@example.org",
)


def csv_rows(client, key: str) -> list[dict[str, str]]:
    response = client.get(url("open_data_csv", dataset=key))
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_the_page_says_what_is_published_and_under_which_licence(
    client, territory, django_assert_max_num_queries
):
    with django_assert_max_num_queries(3):
        response = client.get(url("open_data"))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Licence Ouverte" in page
    assert 'href="https://www.etalab.gouv.fr/licence-ouverte-open-licence/"' in page
    for dataset in open_datasets():
        assert url("open_data_csv", dataset=dataset.key) in page
        assert url("open_data_json", dataset=dataset.key) in page
    assert {"projets", "defis", "chiffres", "emplois-par-projet"} <= {
        dataset.key for dataset in open_datasets()
    }
    assert "<code>organisation_porteuse</code>" in page
    assert url("open_data_package") in page and url("open_data_readme") in page


def test_the_public_territory_page_links_to_its_open_data(client, territory):
    page = client.get(reverse("territory_detail", kwargs={"slug": SLUG})).content.decode()

    assert f'href="{url("open_data")}"' in page


def test_projects_are_the_showcase_only(client, territory, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        rows = csv_rows(client, "projets")

    assert [row["nom"] for row in rows] == ["Atelier vélo", "Bus des aînés"]
    bus = rows[1]
    assert bus["identifiant"] == "bus-des-aines"
    assert bus["page"].endswith(f"/territoires/{SLUG}/projets/bus-des-aines/")
    assert bus["defi"] == "Rompre l'isolement"
    assert bus["domaine"] == "Solidarités"
    assert bus["statut"] == "accompagné"
    assert bus["organisation_porteuse"] == "Asso Roulons"
    assert bus["annee_debut"] == str(timezone.now().year)


def test_jobs_per_project_only_where_the_team_shows_them(client, territory):
    rows = csv_rows(client, "emplois-par-projet")

    assert rows == [
        {
            "projet": "Bus des aînés",
            "identifiant": "bus-des-aines",
            "page": rows[0]["page"],
            "emplois_crees_verifies": "3",
            "etp_crees_verifies": rows[0]["etp_crees_verifies"],
            "emplois_maintenus_verifies": "1",
        }
    ]
    assert Decimal(rows[0]["etp_crees_verifies"]) == Decimal("2.5")


def test_challenges_are_the_public_ones(client, territory):
    rows = csv_rows(client, "defis")

    assert [(row["titre"], row["domaine"]) for row in rows] == [
        ("Rompre l'isolement", "Solidarités")
    ]


def test_key_figures(client, territory, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        rows = {row["indicateur"]: row for row in csv_rows(client, "chiffres")}

    today = timezone.localdate().isoformat()
    assert rows["objectif_emplois"]["valeur"] == "120"
    assert rows["objectif_emplois"]["echeance"] == territory.job_target_deadline.isoformat()
    # Created and verified: 3 (Bus) + 2 (Atelier vélo, whose team hides them on its page but
    # whose jobs count in the territory's total); kept apart; returned and declared nowhere.
    assert rows["emplois_crees_verifies"]["valeur"] == "5"
    assert rows["emplois_maintenus_verifies"]["valeur"] == "1"
    assert rows["projets_accompagnes"]["valeur"] == "3"  # the draft is not accompanied
    assert {row["date"] for row in rows.values()} == {today}


def test_json_carries_the_same_records_typed(client, territory):
    response = client.get(url("open_data_json", dataset="emplois-par-projet"))
    figures = json.loads(client.get(url("open_data_json", dataset="chiffres")).content)

    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert json.loads(response.content)[0]["etp_crees_verifies"] == 2.5
    target = next(row for row in figures if row["indicateur"] == "objectif_emplois")
    assert target["valeur"] == 120
    assert target["echeance"] == territory.job_target_deadline.isoformat()


def test_the_datapackage_describes_every_field_under_etalab_2(client, territory):
    package = json.loads(client.get(url("open_data_package")).content)

    assert package["name"] == f"territoire-{SLUG}"
    assert package["licenses"] == [
        {
            "name": "etalab-2.0",
            "path": "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
            "title": "Licence Ouverte / Open Licence version 2.0",
        }
    ]
    projects = next(r for r in package["resources"] if r["name"] == "projets")
    assert projects["path"] == "projets.csv"
    assert projects["format"] == "csv" and projects["mediatype"] == "text/csv"
    assert projects["encoding"] == "utf-8"
    for resource in package["resources"]:
        for field in resource["schema"]["fields"]:
            assert set(field) == {"name", "title", "type", "description"}
            assert field["description"], field


def test_the_datapackage_is_valid_with_its_files(client, territory, tmp_path):
    (tmp_path / "datapackage.json").write_bytes(client.get(url("open_data_package")).content)
    for dataset in open_datasets():
        response = client.get(url("open_data_csv", dataset=dataset.key))
        (tmp_path / f"{dataset.key}.csv").write_bytes(b"".join(response.streaming_content))

    report = frictionless.validate(str(tmp_path / "datapackage.json"))

    assert report.valid, report.flatten(["resourcePath", "rowNumber", "fieldName", "note"])
    assert report.stats["tasks"] == len(open_datasets())


def test_the_readme_says_what_licence_source_fields_and_update(client, territory):
    response = client.get(url("open_data_readme"))
    text = response.content.decode()

    assert response["Content-Type"] == "text/markdown; charset=utf-8"
    assert text.startswith("# Données ouvertes de Vallée Claire")
    assert "Licence Ouverte / Etalab 2.0" in text
    assert "https://www.etalab.gouv.fr/licence-ouverte-open-licence/" in text
    assert url("open_data") in text
    assert "En continu" in text
    assert "| `organisation_porteuse` |" in text
    assert "| `emplois_crees_verifies` | integer |" in text


def test_no_personal_data_in_any_file(client, territory):
    assert Registration.objects.exists()
    bodies = [
        client.get(url("open_data")).content,
        client.get(url("open_data_package")).content,
        client.get(url("open_data_readme")).content,
    ]
    for dataset in open_datasets():
        csv_response = client.get(url("open_data_csv", dataset=dataset.key))
        bodies.append(b"".join(csv_response.streaming_content))
        bodies.append(client.get(url("open_data_json", dataset=dataset.key)).content)
    files = [body.decode() for body in bodies]

    leaks = {(who, n) for who in PEOPLE for n, text in enumerate(files) if who in text}
    assert leaks == set()
    assert any("Bus des aînés" in text for text in files)


def test_a_text_that_a_spreadsheet_would_run_is_neutralised(client, territory):
    ProjectFactory(territory=territory, name="=HYPERLINK(1)", slug="piege")

    names = [row["nom"] for row in csv_rows(client, "projets")]
    json_names = [
        row["nom"]
        for row in json.loads(client.get(url("open_data_json", dataset="projets")).content)
    ]

    assert "'=HYPERLINK(1)" in names
    assert "=HYPERLINK(1)" in json_names  # JSON is no spreadsheet: the name as typed


def test_unknown_dataset_or_territory_is_a_404(client, territory):
    assert client.get(url("open_data_csv", dataset="inscrits")).status_code == 404
    assert client.get(url("open_data_json", dataset="inscrits")).status_code == 404
    nowhere = reverse("open_data", kwargs={"territory": "nulle-part"})
    assert client.get(nowhere).status_code == 404


def test_files_are_public_and_cacheable(client, territory):
    response = client.get(url("open_data_csv", dataset="defis"))

    assert response["Cache-Control"] == "public, max-age=300"
    assert response["Access-Control-Allow-Origin"] == "*"
    assert b"".join(response.streaming_content).decode().startswith("titre,identifiant,")
