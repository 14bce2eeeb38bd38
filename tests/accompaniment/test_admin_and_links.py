import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory

from accompaniment.domain import plans
from accompaniment.domain.evidence import clean_evidence_file
from accompaniment.links import project_sections, space_links
from territoire.enums import Role
from tests.accompaniment.conftest import TODAY, space_url
from tests.accompaniment.factories import (
    JobRecordFactory,
    MilestoneTemplateFactory,
    NeedFactory,
    ProjectUpdateFactory,
)


def test_admin_lists_only_the_organisers_default_milestones(client, cast):
    MilestoneTemplateFactory(territory=cast.territory, title="Prototype")
    MilestoneTemplateFactory(territory=cast.other_territory, title="Ailleurs")
    client.force_login(cast.organiser)

    response = client.get("/admin/accompaniment/milestonetemplate/")

    assert [str(t) for t in response.context["cl"].result_list] == ["Prototype"]


def test_evidence_is_served_to_readers_only(client, cast, plan):
    milestone = cast.project.milestones.get(title="Prototype")
    plans.mark_milestone_done(
        milestone=milestone,
        revision=milestone.revision,
        done_on=TODAY,
        file=clean_evidence_file(SimpleUploadedFile("preuve.pdf", b"%PDF-1.4 preuve")),
        by=cast.team_member,
        today=TODAY,
    )
    url = space_url(cast.project, "milestone_evidence", pk=milestone.pk)

    client.force_login(cast.official)
    served = client.get(url)
    client.force_login(cast.stranger)
    hidden = client.get(url)

    assert served.status_code == 200
    assert b"".join(served.streaming_content) == b"%PDF-1.4 preuve"
    assert served["Content-Disposition"].startswith("attachment")
    assert hidden.status_code == 404


def test_space_links_by_role(cast):
    organiser = [
        link.label for link in space_links(cast.organiser, cast.territory, {Role.ORGANISER})
    ]
    official = [link.label for link in space_links(cast.official, cast.territory, {Role.OFFICIAL})]

    assert organiser == ["Portefeuille des projets", "Besoins des projets", "Ressources proposées"]
    assert official == ["Portefeuille des projets"]
    assert space_links(cast.stranger, cast.territory, frozenset()) == []


def test_public_page_sections_follow_the_team_choices(cast):
    ProjectUpdateFactory(project=cast.project, is_public=True, text="Publique")
    ProjectUpdateFactory(
        project=cast.project, is_public=False, text="Interne", month=datetime.date(2026, 8, 1)
    )
    NeedFactory(project=cast.project)
    JobRecordFactory(project=cast.project, status="verified")
    request = RequestFactory().get("/")

    shown = project_sections(cast.project, request)
    cast.project.show_needs = cast.project.show_jobs = False
    chosen = project_sections(cast.project, request)

    assert [s.template.rsplit("/", 1)[-1] for s in shown] == [
        "updates.html",
        "needs.html",
        "jobs.html",
    ]
    assert [u.text for u in shown[0].context["updates"]] == ["Publique"]
    assert [s.template.rsplit("/", 1)[-1] for s in chosen] == ["updates.html"]


def test_the_public_page_says_jobs_created_and_jobs_kept_apart(client, cast):
    JobRecordFactory(project=cast.project, number=2, status="verified")
    JobRecordFactory(project=cast.project, number=1, status="verified", kind="kept")
    cast.project.is_public = True
    cast.project.save(update_fields=["is_public"])

    response = client.get(cast.project.get_absolute_url())
    html = " ".join(response.content.decode().split())

    assert response.status_code == 200
    assert "2 emplois créés, vérifiés par l'accompagnement du territoire." in html
    assert "Et 1 emploi maintenu grâce au projet, vérifié lui aussi." in html
