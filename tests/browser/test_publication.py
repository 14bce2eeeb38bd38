"""A team from publication to its public page, in a real browser: an organiser publishes a
project formed at a table; its public page and its showcase card show it at once; the team's
lead tidies the team (a duplicate entry merged). Screenshots land in tests/artifacts/."""

import pytest
from playwright.sync_api import Page, expect

from events.enums import Phase
from projects.models import Project, ProjectMember
from territoire.enums import Role
from tests.browser.conftest import shot
from tests.browser.test_journey import BrowserLog
from tests.browser.test_night import _sign_in
from tests.events.factories import (
    EventFactory,
    FormedProjectFactory,
    IdeaFactory,
    TableFactory,
    TeamMemberFactory,
)
from tests.factories import MembershipFactory, UserFactory


@pytest.fixture
def formed(transactional_db):
    organiser = UserFactory(email="orga@example.org", full_name="Camille Dupré")
    event = EventFactory(title="Soirée au vélodrome", territory__name="Métropole lilloise")
    MembershipFactory(territory=event.territory, user=organiser, role=Role.ORGANISER)
    table = TableFactory(event=event, name="Table des seniors", code="SEN02", phase=Phase.CLOSED)
    formed = FormedProjectFactory(
        table=table, name="Numéribus", pitch="Un bus numérique qui va au-devant des seniors."
    )
    formed.ideas.set([IdeaFactory(table=table, text="Un bus avec des tablettes")])
    TeamMemberFactory(project=formed, full_name="Awa Diallo", email="awa@example.org")
    TeamMemberFactory(project=formed, full_name="Marc Dupuis", email="", phone="0612345678")
    return formed, organiser


def test_an_organiser_publishes_and_the_project_is_public_at_once(live_server, page: Page, formed):
    formed_project, organiser = formed
    territory = formed_project.table.event.territory
    log = BrowserLog(page, live_server.url.rstrip("/"))
    _sign_in(page, organiser.email)

    # The review: the formed project, its publish form saying it becomes public.
    page.goto(f"/espace/territoires/{territory.slug}/projets-a-publier/")
    card = page.locator(f"#formed-{formed_project.pk}")
    expect(card).to_contain_text("Numéribus")
    card.locator("summary").click()
    expect(card.get_by_label("Garder le projet privé pour l'instant")).not_to_be_checked()
    shot(page, "publication-1-review")
    card.get_by_role("button", name="Publier ce projet").click()

    # Published: the message says it is visible, and the team page lists one entry per person.
    expect(page.get_by_role("heading", level=1)).to_contain_text("L'équipe de Numéribus")
    expect(page.locator(".message--success")).to_contain_text(
        "sa page publique et sa carte dans la vitrine sont visibles"
    )
    project = Project.objects.get(formed_project=formed_project)
    assert list(project.members.values_list("full_name", "role").order_by("pk")) == [
        ("Awa Diallo", "lead"),
        ("Marc Dupuis", "member"),
    ]
    shot(page, "publication-2-team")
    log.assert_clean("publish")

    # A visitor: the showcase card, then the public page, without any preview banner.
    visitor = page.context.browser.new_page(base_url=live_server.url, locale="fr-FR")
    visitor.goto(f"/territoires/{territory.slug}/projets/")
    card_link = visitor.get_by_role("link", name="Numéribus")
    expect(card_link).to_be_visible()
    shot(visitor, "publication-3-showcase")
    card_link.click()
    expect(visitor.get_by_role("heading", level=1)).to_have_text("Numéribus")
    expect(visitor.locator(".draft-banner")).to_have_count(0)
    expect(visitor.get_by_role("heading", name="Suivre ce projet")).to_be_visible()
    shot(visitor, "publication-4-public-page")

    # The closed table's page, after the night (no cookie): the project links its page.
    visitor.goto(f"/t/{formed_project.table.code}/")
    expect(visitor.get_by_role("link", name="Numéribus")).to_have_attribute(
        "href", project.get_absolute_url()
    )
    shot(visitor, "publication-5-closed-table")
    visitor.close()

    # The organiser merges a duplicate a facilitator had typed.
    ProjectMember.objects.create(project=project, full_name="Awa D.", phone="0700000000")
    page.reload()
    merge = page.locator("#fusionner")
    merge.get_by_label("Cette entrée…").select_option(label="Awa D. (0700000000)")
    merge.get_by_label("…est la même personne que").select_option(
        label="Awa Diallo (awa@example.org)"
    )
    merge.get_by_role("button", name="Fusionner").click()
    expect(page.locator(".message--success")).to_contain_text("ne font plus qu'une")
    assert list(project.members.values_list("full_name", "phone").order_by("pk")) == [
        ("Awa Diallo", "0700000000"),
        ("Marc Dupuis", "0612345678"),
    ]
    shot(page, "publication-6-merged")
    log.assert_clean("merge")
