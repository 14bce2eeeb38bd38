import pytest
from django.urls import reverse
from django.utils import timezone

from challenges.enums import ChallengeStatus
from challenges.models import Challenge, SignUp
from tests.challenges.factories import ChallengeFactory, ContributionFactory, SignUpFactory
from tests.factories import DomainFactory

LIST_QUERIES = 3  # the territory, the count, a page of challenges with their counts
# the challenge with its territory, domain and count; its contributions' count and a page of them
DETAIL_QUERIES = 3


def list_url(territory) -> str:
    return reverse("challenge_list", kwargs={"territory_slug": territory.slug})


def test_challenge_list_groups_by_domain_and_counts_confirmed_signups(client, cast):
    health = DomainFactory(name="Santé", slug="sante")
    mobility = DomainFactory(name="Mobilité", slug="mobilite")
    seniors = ChallengeFactory(
        territory=cast.territory, domain=health, title="Seniors et numérique", order=10
    )
    care = ChallengeFactory(
        territory=cast.territory,
        domain=health,
        title="Soins de proximité",
        order=20,
        status=ChallengeStatus.CLOSED,
    )
    buses = ChallengeFactory(territory=cast.territory, domain=mobility, title="Bus de nuit")
    ChallengeFactory(
        territory=cast.territory, domain=mobility, title="Brouillon secret", status="draft"
    )
    ChallengeFactory(territory=cast.other_territory, domain=health, title="Défi d'ailleurs")
    SignUpFactory(territory=cast.territory, challenges=[seniors, buses])
    SignUpFactory(territory=cast.territory, challenges=[seniors])
    SignUpFactory(territory=cast.territory, challenges=[seniors, buses], confirmed_at=None)

    response = client.get(list_url(cast.territory))

    html = response.content.decode()
    assert response.status_code == 200
    assert [
        (domain.name, [(c.title, c.confirmed_signups) for c in challenges])
        for domain, challenges in response.context["groups"]
    ] == [
        ("Mobilité", [("Bus de nuit", 1)]),
        ("Santé", [("Seniors et numérique", 2), ("Soins de proximité", 0)]),
    ]
    assert "2 personnes mobilisées" in html
    assert "1 personne mobilisée" in html
    assert "clos" in html
    assert "Brouillon secret" not in html
    assert "Défi d'ailleurs" not in html
    assert care.get_absolute_url() in html
    assert reverse("signup", kwargs={"territory_slug": cast.territory.slug}) in html
    assert "Je rejoins la mobilisation" in html


def test_challenge_list_without_challenges_says_so(client, cast):
    response = client.get(list_url(cast.territory))

    assert "Aucun défi n'est encore publié\u00a0:" in response.content.decode()


def test_challenge_list_of_unknown_territory_is_404(client, db):
    response = client.get(reverse("challenge_list", kwargs={"territory_slug": "nulle-part"}))

    assert response.status_code == 404


@pytest.mark.parametrize("item_count", (1, 3))
def test_challenge_list_in_bounded_queries(client, cast, django_assert_num_queries, item_count):
    for index in range(item_count):
        challenge = ChallengeFactory(territory=cast.territory, domain=DomainFactory())
        SignUpFactory.create_batch(index + 1, territory=cast.territory, challenges=[challenge])

    with django_assert_num_queries(LIST_QUERIES):
        response = client.get(list_url(cast.territory))

    assert len(response.context["groups"]) == item_count


def test_challenge_list_stays_bounded_with_many_challenges_and_signups(
    client, cast, django_assert_max_num_queries
):
    domains = [DomainFactory() for _ in range(8)]
    challenges = Challenge.objects.bulk_create(
        Challenge(
            territory=cast.territory,
            domain=domains[index % len(domains)],
            title=f"Défi n°{index}",
            slug=f"defi-n-{index}",
            question="Comment faire ?",
            status=ChallengeStatus.OPEN,
            order=index,
        )
        for index in range(40)
    )
    signups = SignUp.objects.bulk_create(
        SignUpFactory.build(territory=cast.territory, email=f"grand{index}@example.org")
        for index in range(400)
    )
    Choice = SignUp.challenges.through
    Choice.objects.bulk_create(
        Choice(signup=signup, challenge=challenges[(index + shift) % len(challenges)])
        for index, signup in enumerate(signups)
        for shift in range(3)
    )

    counts = []
    for page in ("1", "2"):
        with django_assert_max_num_queries(LIST_QUERIES):
            response = client.get(list_url(cast.territory), {"page": page})
        counts += [c.confirmed_signups for _, group in response.context["groups"] for c in group]

    assert len(counts) == 40
    assert sum(counts) == 1200
    html = response.content.decode()
    assert "40 défis" in html
    assert "Page 2 sur 2" in html
    assert 'href="?" rel="prev"' in html


def test_challenge_detail_shows_the_challenge_and_its_visible_contributions(client, cast):
    challenge = ChallengeFactory(
        territory=cast.territory,
        domain=DomainFactory(name="Santé", slug="sante"),
        title="Seniors et numérique",
        question="Comment les seniors retrouvent-ils leur place ?",
        context="<p>Un habitant sur <strong>cinq</strong>.</p>",
    )
    SignUpFactory(territory=cast.territory, challenges=[challenge])
    ContributionFactory(
        challenge=challenge,
        text="Des ateliers\ndans les médiathèques",
        author_name="Awa Diallo",
        author_organisation="Centre social Nord",
        author_email="awa.secret@example.org",
    )
    ContributionFactory(challenge=challenge, text="Masquée par l'équipe", hidden_at=timezone.now())

    response = client.get(challenge.get_absolute_url())

    html = response.content.decode()
    assert response.status_code == 200
    assert '<h1 id="challenge-title">Seniors et numérique</h1>' in html
    assert "Comment les seniors retrouvent-ils leur place ?" in html
    assert "Santé" in html
    assert "<p>Un habitant sur <strong>cinq</strong>.</p>" in html
    assert "1 personne mobilisée" in html
    assert "Des ateliers<br>dans les médiathèques" in html
    assert "Awa Diallo — Centre social Nord" in html
    assert "awa.secret" not in html
    assert "Masquée par l" not in html
    assert f"/inscription/?defi={challenge.slug}" in html
    assert f'action="{challenge.get_absolute_url()}contribuer/#contribuer"' in html
    assert "X-Robots-Tag" not in response.headers
    assert 'name="robots"' not in html


@pytest.mark.parametrize("item_count", (1, 21))
def test_challenge_detail_in_bounded_queries(
    client, cast, django_assert_max_num_queries, item_count
):
    challenge = ChallengeFactory(territory=cast.territory)
    ContributionFactory.create_batch(item_count, challenge=challenge)
    SignUpFactory.create_batch(item_count, territory=cast.territory, challenges=[challenge])

    with django_assert_max_num_queries(DETAIL_QUERIES):
        response = client.get(challenge.get_absolute_url())

    assert len(response.context["contributions"]) == min(item_count, 20)
    assert response.context["contribution_page"].count == item_count
    assert response.context["challenge"].confirmed_signups == item_count


def test_older_contributions_are_on_the_next_page(client, cast):
    challenge = ChallengeFactory(territory=cast.territory)
    for index in range(21):
        ContributionFactory(challenge=challenge, text=f"Contribution {index:02}")
    url = challenge.get_absolute_url()

    first = client.get(url).content.decode()
    second = client.get(url, {"contributions": "2"}).content.decode()

    assert "21 contributions" in first
    assert "Contribution 20" in first and "Contribution 00" not in first
    assert 'href="?contributions=2#contributions" rel="next"' in first
    assert "Contribution 00" in second and "Contribution 01" not in second


def test_closed_challenge_shows_no_contribution_form(client, cast):
    challenge = ChallengeFactory(territory=cast.territory, status=ChallengeStatus.CLOSED)
    ContributionFactory(challenge=challenge, text="Une idée d'avant la clôture")

    response = client.get(challenge.get_absolute_url())

    html = response.content.decode()
    assert response.status_code == 200
    assert "Ce défi est clos" in html
    assert "Une idée d&#x27;avant la clôture" in html
    assert 'name="text"' not in html
    assert "Je rejoins ce défi" not in html


@pytest.mark.parametrize("role", ("anonymous", "stranger", "facilitator", "other_organiser"))
def test_draft_challenge_is_404_for_who_cannot_preview(client, cast, role):
    challenge = ChallengeFactory(
        territory=cast.territory, status=ChallengeStatus.DRAFT, title="Défi en préparation"
    )
    if user := cast.role_users()[role]:
        client.force_login(user)

    response = client.get(challenge.get_absolute_url())

    assert response.status_code == 404
    assert "Défi en préparation" not in response.content.decode()


@pytest.mark.parametrize("role", ("organiser", "superuser"))
def test_draft_challenge_previewed_by_organisers_with_banner_and_noindex(client, cast, role):
    challenge = ChallengeFactory(
        territory=cast.territory, status=ChallengeStatus.DRAFT, title="Défi en préparation"
    )
    client.force_login(cast.role_users()[role])

    response = client.get(challenge.get_absolute_url())

    html = response.content.decode()
    assert response.status_code == 200
    assert "Brouillon — aperçu réservé à l'équipe d'organisation" in html
    assert response.headers["X-Robots-Tag"] == "noindex, nofollow"
    assert '<meta name="robots" content="noindex, nofollow">' in html
    assert 'name="text"' not in html


def test_challenge_of_another_territory_is_404(client, cast):
    challenge = ChallengeFactory(territory=cast.other_territory)

    response = client.get(
        reverse(
            "challenge_detail",
            kwargs={"territory_slug": cast.territory.slug, "slug": challenge.slug},
        )
    )

    assert response.status_code == 404
