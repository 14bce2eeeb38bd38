"""The project portfolio report: one printed page per project of the territory's showcase."""

import datetime
import io

import pypdfium2
import pytest
from django.utils import timezone
from pypdf import PdfReader

from accompaniment.enums import NeedKind, NeedStatus
from accompaniment.reports import gather_portfolio, portfolio_title
from projects.enums import MemberRole, ProjectStatus
from territoire.reports.kinds import Scope, get_report_kind
from territoire.reports.render import build_pdf
from tests.accompaniment.factories import NeedFactory
from tests.challenges.factories import ChallengeFactory
from tests.events.factories import TeamMemberFactory
from tests.factories import DomainFactory, OrganisationFactory, TerritoryFactory
from tests.projects.factories import ProjectFactory, ProjectMemberFactory


def agreed_member(**fields):
    """A team member who agreed, on her phone at the table, that her name may be public (issue
    14: the portfolio, like the public page, shows no one else)."""
    return ProjectMemberFactory(from_team_member=TeamMemberFactory(name_public=True), **fields)


pytestmark = pytest.mark.django_db

COVER_AND_CONTENTS = 2


def render(scope: Scope) -> tuple[int, list[str], bytes]:
    pdf = build_pdf(get_report_kind("portfolio"), scope)
    reader = PdfReader(io.BytesIO(pdf.content))
    return pdf.page_count, [page.extract_text() for page in reader.pages], pdf.content


def words(text: str) -> str:
    """The text extracted from a PDF with spaces collapsed and the typographic apostrophe as a
    straight one (the extraction sometimes puts a space after it)."""
    return " ".join(text.split()).replace("\u2019 ", "\u2019").replace("\u2019", "'")


def born_on(project, day: datetime.date) -> None:
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))
    type(project).objects.filter(pk=project.pk).update(created_at=moment)


@pytest.fixture
def territory():
    return TerritoryFactory(name="Métropole européenne de Lille", job_target=250)


def test_portfolio_prints_one_page_per_showcased_project_and_nothing_else(territory, settings):
    settings.SITE_URL = "https://territoire.example.org"
    domain = DomainFactory(name="Vivre ensemble")
    challenge = ChallengeFactory(territory=territory, title="Comment rompre l'isolement ?")
    bus = ProjectFactory(
        territory=territory,
        name="Le Bus des Aînés",
        slug="bus-des-aines",
        domain=domain,
        challenge=challenge,
        lead_organisation=OrganisationFactory(territory=territory, name="Centre social de l'Alma"),
        public_email="contact@bus.example.org",
        website="https://bus.example.org",
    )
    agreed_member(project=bus, full_name="Zoé Lefèvre", role=MemberRole.LEAD)
    NeedFactory(project=bus, kind=NeedKind.PREMISES, description="Un garage chauffé l'hiver.")
    NeedFactory(project=bus, description="Un besoin déjà satisfait.", status=NeedStatus.MET)
    discreet = ProjectFactory(
        territory=territory, name="Jardin partagé", show_team=False, show_needs=False
    )
    agreed_member(project=discreet, full_name="Hélène Discrète")
    NeedFactory(project=discreet, description="Un besoin que l'équipe garde pour elle.")
    ProjectFactory(territory=territory, name="Atelier vélo", status=ProjectStatus.GRADUATED)
    ProjectFactory(territory=territory, name="Brouillon public", status=ProjectStatus.DRAFT)
    ProjectFactory(territory=territory, name="Projet privé", is_public=False)
    ProjectFactory(name="Projet d'un autre territoire")

    page_count, pages, content = render(Scope(territory=territory))

    assert page_count == COVER_AND_CONTENTS + 3
    assert len(pages) == page_count
    text = words(" ".join(pages))
    assert "Métropole européenne de Lille" in pages[0]
    assert "3 projets" in pages[0]
    assert "SOMMAIRE" in pages[1]
    assert ["Atelier vélo" in page for page in pages[2:]] == [True, False, False]
    assert ["Jardin partagé" in page for page in pages[2:]] == [False, True, False]
    assert ["Le Bus des Aînés" in page for page in pages[2:]] == [False, False, True]
    bus_page = words(pages[4])
    assert "Comment rompre l'isolement" in bus_page
    assert "VIVRE ENSEMBLE" in bus_page  # set in capitals
    assert "Centre social de l'Alma" in bus_page
    assert "Zoé Lefèvre" in bus_page
    assert "Un garage chauffé l'hiver." in bus_page
    assert "contact@bus.example.org" in bus_page
    assert "https://bus.example.org" in bus_page
    assert "https://territoire.example.org/territoires/" in bus_page
    assert f"/territoires/{territory.slug}/projets/bus-des-aines/" in bus_page
    assert "Un besoin déjà satisfait." not in text
    assert "Hélène Discrète" not in text
    assert "Un besoin que l'équipe garde pour elle." not in text
    for absent in ("Brouillon public", "Projet privé", "Projet d'un autre territoire"):
        assert absent not in text
    # The cover is not an empty page (it is dark blue, with white text).
    document = pypdfium2.PdfDocument(content)
    cover = document[0].render(scale=0.5).to_pil().convert("L")
    document.close()
    assert sum(1 for count in cover.histogram() if count) > 10


def test_portfolio_keeps_accents_guillemets_and_prints_markup_literally(territory):
    ProjectFactory(
        territory=territory,
        name="Café « Les Aînés » <b>gras</b>",
        pitch='Un lieu "chaleureux" où l\'on se retrouve : <script>alert("x")</script>',
        description="Très long. " * 2000,
    )

    page_count, pages, _content = render(Scope(territory=territory))

    assert page_count == COVER_AND_CONTENTS + 1
    assert "l\u2019on" in pages[2]  # the typographic apostrophe
    assert "«\u00a0Les Aînés\u00a0»" in pages[2]  # non-breaking spaces inside guillemets
    text = words(" ".join(pages))
    assert "Café « Les Aînés » <b>gras</b>" in text
    assert "Un lieu « chaleureux » où l'on se retrouve : <script>alert(" in text
    assert "La suite sur la page du projet." in text


def test_empty_portfolio_says_so(territory):
    ProjectFactory(territory=territory, name="Brouillon", status=ProjectStatus.DRAFT)

    page_count, pages, _content = render(Scope(territory=territory))

    assert page_count == COVER_AND_CONTENTS
    assert "Aucun projet de ce territoire n'est encore publié dans la vitrine" in words(
        " ".join(pages)
    )


def test_portfolio_period_keeps_the_projects_born_in_it(territory):
    before = ProjectFactory(territory=territory, name="Né au printemps")
    during = ProjectFactory(territory=territory, name="Né en juin")
    after = ProjectFactory(territory=territory, name="Né à l'automne")
    born_on(before, datetime.date(2026, 5, 31))
    born_on(during, datetime.date(2026, 6, 4))
    born_on(after, datetime.date(2026, 10, 1))
    scope = Scope(
        territory=territory, since=datetime.date(2026, 6, 1), until=datetime.date(2026, 6, 30)
    )

    context = gather_portfolio(scope)

    assert [page.project.name for page in context["pages"]] == ["Né en juin"]
    assert {
        page.project.name
        for page in gather_portfolio(Scope(territory=territory, since=scope.since))["pages"]
    } == {"Né à l'automne", "Né en juin"}
    assert portfolio_title(scope) == (
        "Portfolio des projets — Métropole européenne de Lille (du 1er juin 2026 au 30 juin 2026)"
    )


def test_portfolio_respects_each_projects_team_and_needs_choices(territory):
    shown = ProjectFactory(territory=territory, name="A montre tout")
    hidden = ProjectFactory(territory=territory, name="B garde tout", show_team=False)
    hidden.show_needs = False
    hidden.save()
    for project in (shown, hidden):
        agreed_member(project=project, full_name=f"Membre de {project.name}")
        NeedFactory(project=project, description=f"Besoin de {project.name}")
        NeedFactory(project=project, description="Fermé", status=NeedStatus.CLOSED)

    pages = gather_portfolio(Scope(territory=territory))["pages"]

    assert [[member.full_name for member in page.team] for page in pages] == [
        ["Membre de A montre tout"],
        [],
    ]
    assert [[text for _kind, text in page.needs] for page in pages] == [
        ["Besoin de A montre tout"],
        [],
    ]


def test_long_team_and_needs_are_trimmed_to_fit_one_page(territory):
    project = ProjectFactory(territory=territory, description="Une phrase de description. " * 400)
    for index in range(14):
        agreed_member(project=project, full_name=f"Personne {index:02d}")
    for _index in range(5):
        NeedFactory(project=project, description="Un besoin très détaillé. " * 30)

    (page,) = gather_portfolio(Scope(territory=territory))["pages"]

    assert (len(page.team), page.team_more) == (10, 4)
    assert (len(page.needs), page.needs_more) == (3, 2)
    assert all(len(text) <= 171 and text.endswith("…") for _kind, text in page.needs)
    assert page.description_clipped
    assert page.description.endswith("…")
    assert len(page.description) < 2000


@pytest.mark.parametrize("item_count", (1, 3))
def test_gathering_the_portfolio_is_three_queries(territory, item_count, django_assert_num_queries):
    for index in range(item_count):
        project = ProjectFactory(
            territory=territory,
            domain=DomainFactory(),
            challenge=ChallengeFactory(territory=territory),
            lead_organisation=OrganisationFactory(territory=territory),
        )
        for member_index in range(item_count):
            agreed_member(project=project, full_name=f"Membre {index}-{member_index}")
            NeedFactory(project=project)

    with django_assert_num_queries(3):
        context = gather_portfolio(Scope(territory=territory))
        titles = [
            (page.project.challenge.title, page.project.domain.name, len(page.team))
            for page in context["pages"]
        ]

    assert len(titles) == item_count


def test_portfolio_leaves_out_members_who_did_not_agree(territory):
    project = ProjectFactory(territory=territory)
    agreed_member(project=project, full_name="Oui Publique")
    ProjectMemberFactory(project=project, full_name="Non Privée")

    (page,) = gather_portfolio(Scope(territory=territory))["pages"]

    assert [member.full_name for member in page.team] == ["Oui Publique"]
