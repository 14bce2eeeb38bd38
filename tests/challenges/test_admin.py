"""Organisers write their challenges in the admin: scoped, sanitised, reordered, copied."""

import pytest
from django.urls import reverse

from challenges.enums import ChallengeStatus
from challenges.models import Challenge
from tests.challenges.factories import ChallengeFactory
from tests.factories import DomainFactory


@pytest.fixture
def domain(cast):
    domain = DomainFactory(name="Jeunesse", slug="jeunesse")
    cast.territory.domains.add(domain)
    return domain


def _form(cast, domain, **overrides) -> dict:
    return {
        "territory": cast.territory.pk,
        "domain": domain.pk,
        "title": "Trouver sa voie",
        "slug": "trouver-sa-voie",
        "question": "Comment aider chaque jeune à choisir son orientation ?",
        "context": "<p>Un <strong>vrai</strong> sujet.</p>",
        "status": ChallengeStatus.DRAFT,
        "order": 10,
        "facilitator_brief": "",
    } | overrides


def test_organiser_writes_a_challenge_and_its_html_is_sanitised(client, cast, domain):
    client.force_login(cast.organiser)

    response = client.post(
        reverse("admin:challenges_challenge_add"),
        _form(
            cast,
            domain,
            context='<p onclick="x()">Un <strong>vrai</strong> sujet.</p><script>alert(1)</script>',
            facilitator_brief='<a href="javascript:alert(1)">piège</a><em>note</em>',
        ),
    )

    assert response.status_code == 302
    challenge = Challenge.objects.get()
    assert challenge.context == "<p>Un <strong>vrai</strong> sujet.</p>"
    assert "javascript" not in challenge.facilitator_brief
    assert "<em>note</em>" in challenge.facilitator_brief


def test_a_domain_the_territory_did_not_pick_is_refused(client, cast, domain):
    other_domain = DomainFactory(name="Santé", slug="sante")
    client.force_login(cast.organiser)

    response = client.post(
        reverse("admin:challenges_challenge_add"), _form(cast, domain) | {"domain": other_domain.pk}
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["domain"] == [
        "Ce territoire n'a pas choisi ce domaine : ajoutez-le d'abord à ses domaines."
    ]
    assert not Challenge.objects.exists()


def test_organiser_lists_only_their_challenges_with_counts(
    client, cast, domain, django_assert_max_num_queries
):
    ChallengeFactory(territory=cast.territory, domain=domain, title="Défi de A")
    ChallengeFactory(territory=cast.other_territory, title="Défi de B")
    client.force_login(cast.organiser)

    with django_assert_max_num_queries(20):
        response = client.get(reverse("admin:challenges_challenge_changelist"))

    assert [c.title for c in response.context["cl"].result_list] == ["Défi de A"]


def test_open_action_publishes_drafts(client, cast, domain):
    challenge = ChallengeFactory(territory=cast.territory, domain=domain, status="draft")
    client.force_login(cast.organiser)

    client.post(
        reverse("admin:challenges_challenge_changelist"),
        {"action": "open_challenges", "_selected_action": [challenge.pk]},
    )

    challenge.refresh_from_db()
    assert challenge.status == ChallengeStatus.OPEN


def test_copy_brings_another_territorys_public_challenges_as_drafts(client, cast, domain):
    source_domain = DomainFactory(name="Mobilité", slug="mobilite")
    cast.other_territory.domains.add(source_domain)
    ChallengeFactory(
        territory=cast.other_territory,
        domain=source_domain,
        title="Bouger sans voiture",
        slug="bouger",
        status=ChallengeStatus.OPEN,
        facilitator_brief="<p>Privé</p>",
        order=10,
    )
    ChallengeFactory(
        territory=cast.other_territory,
        domain=source_domain,
        title="Brouillon de B",
        status=ChallengeStatus.DRAFT,
        order=20,
    )
    ChallengeFactory(territory=cast.territory, domain=domain, slug="bouger", order=50)
    client.force_login(cast.organiser)

    response = client.post(
        reverse("admin:challenges_challenge_copy"),
        {"source": cast.other_territory.pk, "target": cast.territory.pk},
    )

    assert response.status_code == 302
    copy = Challenge.objects.get(territory=cast.territory, title="Bouger sans voiture")
    assert copy.status == ChallengeStatus.DRAFT
    assert copy.slug == "bouger-2"  # the target already had "bouger"
    assert copy.order > 50
    assert copy.facilitator_brief == ""  # private to B's organisers
    assert not Challenge.objects.filter(territory=cast.territory, title="Brouillon de B").exists()
    assert cast.territory.domains.filter(slug="mobilite").exists()
    assert Challenge.objects.filter(territory=cast.other_territory).count() == 2  # untouched


def test_copy_cannot_target_a_territory_one_does_not_organise(client, cast, domain):
    ChallengeFactory(territory=cast.territory, domain=domain)
    client.force_login(cast.organiser)

    response = client.post(
        reverse("admin:challenges_challenge_copy"),
        {"source": cast.territory.pk, "target": cast.other_territory.pk},
    )

    assert response.status_code == 200
    assert "target" in response.context["form"].errors
    assert not Challenge.objects.filter(territory=cast.other_territory).exists()


def test_copy_page_is_refused_to_non_organisers(client, cast):
    client.force_login(cast.facilitator)

    response = client.get(reverse("admin:challenges_challenge_copy"))

    assert response.status_code == 403


def test_superuser_copies_briefs_and_drafts_too(client, cast, domain):
    ChallengeFactory(
        territory=cast.other_territory,
        domain=domain,
        status=ChallengeStatus.DRAFT,
        facilitator_brief="<p>Méthode</p>",
    )
    client.force_login(cast.superuser)

    client.post(
        reverse("admin:challenges_challenge_copy"),
        {"source": cast.other_territory.pk, "target": cast.territory.pk},
    )

    assert Challenge.objects.get(territory=cast.territory).facilitator_brief == "<p>Méthode</p>"
