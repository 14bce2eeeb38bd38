import pytest
from django.urls import reverse

from challenges.enums import ChallengeStatus
from tests.challenges.factories import ChallengeFactory, SignUpFactory


def index_url(territory) -> str:
    return reverse("kit_index", kwargs={"territory_slug": territory.slug})


def detail_url(challenge) -> str:
    return reverse(
        "kit_detail", kwargs={"territory_slug": challenge.territory.slug, "slug": challenge.slug}
    )


def test_kit_index_puts_the_volunteers_challenges_first(client, cast):
    first = ChallengeFactory(territory=cast.territory, title="Seniors connectés", order=1)
    second = ChallengeFactory(territory=cast.territory, title="Se déplacer", order=2)
    chosen = ChallengeFactory(territory=cast.territory, title="Manger local", order=3)
    ChallengeFactory(
        territory=cast.territory, title="Brouillon", order=4, status=ChallengeStatus.DRAFT
    )
    ChallengeFactory(territory=cast.other_territory, title="Ailleurs")
    SignUpFactory(
        territory=cast.territory,
        email=cast.facilitator.email.upper(),
        wants_to_facilitate=True,
        challenges=[chosen],
    )
    # The same address signed up elsewhere chose another challenge: it does not count here.
    SignUpFactory(territory=cast.other_territory, email=cast.facilitator.email, challenges=[])
    client.force_login(cast.facilitator)

    response = client.get(index_url(cast.territory))

    assert response.status_code == 200
    assert [kit.challenge.title for kit in response.context["challenges"]] == [
        "Manger local",
        "Seniors connectés",
        "Se déplacer",
    ]
    html = response.content.decode()
    assert "votre choix" in html
    assert detail_url(first) in html
    assert detail_url(second) in html
    assert "Brouillon" not in html
    assert "Ailleurs" not in html


def test_kit_index_shows_drafts_to_organisers(client, cast):
    ChallengeFactory(territory=cast.territory, title="Ouvert", order=1)
    ChallengeFactory(territory=cast.territory, title="Brouillon", order=2, status="draft")
    client.force_login(cast.organiser)

    response = client.get(index_url(cast.territory))

    assert [kit.challenge.title for kit in response.context["challenges"]] == [
        "Ouvert",
        "Brouillon",
    ]


@pytest.mark.parametrize("item_count", (1, 3))
def test_kit_index_in_bounded_queries(client, cast, django_assert_num_queries, item_count):
    challenges = ChallengeFactory.create_batch(item_count, territory=cast.territory)
    SignUpFactory(territory=cast.territory, email=cast.facilitator.email, challenges=challenges)
    client.force_login(cast.facilitator)

    # session, user, territory, roles, challenges with their domain, the challenges chosen,
    # the facilitator's tables (their consoles)
    with django_assert_num_queries(7):
        response = client.get(index_url(cast.territory))

    assert len(response.context["challenges"]) == item_count


def test_kit_detail_shows_the_challenge_the_brief_and_the_method(client, cast):
    challenge = ChallengeFactory(
        territory=cast.territory,
        title="Seniors connectés",
        question="Comment les seniors éloignés du numérique retrouvent-ils leur place ?",
        context="<p>Un senior sur trois <strong>n'utilise pas</strong> internet.</p>",
        facilitator_brief="<p>Invitez les <em>clubs de retraités</em> à parler en premier.</p>",
    )
    client.force_login(cast.facilitator)

    response = client.get(detail_url(challenge))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Seniors connectés" in html
    assert challenge.domain.name in html
    assert "Un senior sur trois <strong>n'utilise pas</strong> internet." in html
    assert "Invitez les <em>clubs de retraités</em> à parler en premier." in html
    assert "La méthode de la table" in html
    assert "trois gommettes" in html
    assert "«\u00a0Nom — Organisation\u00a0: ce" in html
    assert "Ctrl+P" in html
    assert 'class="page-print"' in html


def test_kit_detail_of_a_draft_is_not_found_for_a_facilitator(client, cast):
    draft = ChallengeFactory(territory=cast.territory, status=ChallengeStatus.DRAFT)
    client.force_login(cast.facilitator)

    response = client.get(detail_url(draft))

    assert response.status_code == 404


@pytest.mark.parametrize("role", ["organiser", "superuser"])
def test_kit_detail_of_a_draft_is_shown_to_organisers(client, cast, role):
    draft = ChallengeFactory(territory=cast.territory, status=ChallengeStatus.DRAFT, title="Défi")
    client.force_login(getattr(cast, role))

    response = client.get(detail_url(draft))

    assert response.status_code == 200
    assert "brouillon" in response.content.decode()


def test_kit_detail_of_another_territorys_challenge_is_not_found(client, cast):
    elsewhere = ChallengeFactory(territory=cast.other_territory, slug="ailleurs")
    client.force_login(cast.facilitator)

    response = client.get(
        reverse(
            "kit_detail", kwargs={"territory_slug": cast.territory.slug, "slug": elsewhere.slug}
        )
    )

    assert response.status_code == 404


@pytest.mark.parametrize("page", ["index", "detail"])
@pytest.mark.parametrize("role", ["stranger", "coach", "official", "other_organiser"])
def test_kit_is_forbidden_to_others(client, cast, page, role):
    challenge = ChallengeFactory(territory=cast.territory)
    client.force_login(getattr(cast, role))

    response = client.get(index_url(cast.territory) if page == "index" else detail_url(challenge))

    assert response.status_code == 403


@pytest.mark.parametrize("page", ["index", "detail"])
def test_kit_asks_anonymous_people_to_sign_in(client, cast, page):
    challenge = ChallengeFactory(territory=cast.territory)

    response = client.get(index_url(cast.territory) if page == "index" else detail_url(challenge))

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
