import pytest
from django.urls import reverse

from challenges.enums import ChallengeStatus, ContributionKind
from challenges.models import Contribution
from tests.challenges.factories import ChallengeFactory, SignUpFactory


def contribute_url(challenge) -> str:
    return reverse(
        "contribution_create",
        kwargs={"territory_slug": challenge.territory.slug, "slug": challenge.slug},
    )


def typed(**overrides) -> dict:
    return {
        "kind": ContributionKind.RESOURCE,
        "text": "Notre médiathèque prête une salle le samedi.",
        "author_name": "Inès Roussel",
        "author_organisation": "Médiathèque de l'Épeule",
        "author_email": "ines@example.org",
        "website": "",
        **overrides,
    }


def test_contribution_is_published_and_linked_to_the_authors_signup(client, cast):
    challenge = ChallengeFactory(territory=cast.territory)
    signup = SignUpFactory(territory=cast.territory, email="ines@example.org")

    response = client.post(
        contribute_url(challenge), typed(author_email="  Ines@Example.org "), follow=True
    )

    contribution = Contribution.objects.get()
    html = response.content.decode()
    assert response.redirect_chain == [
        (f"{challenge.get_absolute_url()}#contribution-{contribution.pk}", 302)
    ]
    assert (contribution.challenge, contribution.kind, contribution.signup) == (
        challenge,
        ContributionKind.RESOURCE,
        signup,
    )
    assert contribution.author_email == "ines@example.org"
    assert "Merci ! Votre contribution est publiée." in html
    assert "Notre médiathèque prête une salle le samedi." in html
    assert "Inès Roussel — Médiathèque de l&#x27;Épeule" in html
    assert "ines@example.org" not in html.lower()


def test_contribution_without_signup_is_kept_unlinked(client, cast):
    challenge = ChallengeFactory(territory=cast.territory)
    SignUpFactory(territory=cast.other_territory, email="ines@example.org")

    client.post(contribute_url(challenge), typed())

    assert Contribution.objects.get().signup is None


def test_contribution_html_is_stored_as_text_and_rendered_escaped(client, cast):
    challenge = ChallengeFactory(territory=cast.territory)

    response = client.post(
        contribute_url(challenge),
        typed(text="<script>alert('x')</script>\r\n<b>gras</b>", author_name="<i>Moi</i>"),
        follow=True,
    )

    html = response.content.decode()
    assert Contribution.objects.get().text == "<script>alert('x')</script>\n<b>gras</b>"
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;<br>&lt;b&gt;gras&lt;/b&gt;" in html
    assert "&lt;i&gt;Moi&lt;/i&gt;" in html


@pytest.mark.parametrize(
    ("text", "message"),
    (
        ("   ", "Écrivez votre contribution."),
        ("x" * 1001, "Votre contribution fait 1001 caractères : 1000 au plus, raccourcissez-la."),
    ),
)
def test_contribution_with_bad_text_is_refused_keeping_what_was_typed(client, cast, text, message):
    challenge = ChallengeFactory(territory=cast.territory)

    response = client.post(contribute_url(challenge), typed(text=text))

    html = response.content.decode()
    assert response.status_code == 400
    assert message in html
    assert 'value="Inès Roussel"' in html
    assert 'value="ines@example.org"' in html
    assert 'value="resource" id="id_kind_2" required checked' in html
    assert Contribution.objects.count() == 0


def test_contribution_of_1000_characters_with_line_breaks_is_accepted(client, cast):
    challenge = ChallengeFactory(territory=cast.territory)
    text = ("y" * 99 + "\r\n") * 10  # 1,000 characters once the line breaks are "\n"

    response = client.post(contribute_url(challenge), typed(text=text))

    assert response.status_code == 302
    assert len(Contribution.objects.get().text) == 999  # the last line break is stripped


def test_contribution_without_name_nor_valid_email_says_so(client, cast):
    challenge = ChallengeFactory(territory=cast.territory)

    response = client.post(
        contribute_url(challenge), typed(author_name="", author_email="pas-une-adresse")
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert "Indiquez votre nom." in html
    assert "Cette adresse e-mail n&#x27;est pas valide." in html
    assert 'value="pas-une-adresse"' in html
    assert "Notre médiathèque prête une salle le samedi.</textarea>" in html


def test_contribution_with_filled_honeypot_is_refused(client, cast):
    challenge = ChallengeFactory(territory=cast.territory)

    response = client.post(contribute_url(challenge), typed(website="http://spam.example"))

    assert response.status_code == 400
    assert "Votre envoi n&#x27;a pas pu être accepté." in response.content.decode()
    assert Contribution.objects.count() == 0


def test_contribution_flood_is_rate_limited_keeping_what_was_typed(client, cast):
    challenge = ChallengeFactory(territory=cast.territory)
    for index in range(10):
        client.post(contribute_url(challenge), typed(text=f"Idée n°{index}"))

    response = client.post(contribute_url(challenge), typed(text="La onzième idée"))

    html = response.content.decode()
    assert response.status_code == 429
    assert "Trop d&#x27;envois en peu de temps : réessayez dans quelques minutes." in html
    assert "La onzième idée</textarea>" in html
    assert Contribution.objects.count() == 10


def test_contribution_to_a_closed_challenge_is_refused_with_a_message(client, cast):
    challenge = ChallengeFactory(territory=cast.territory, status=ChallengeStatus.CLOSED)

    response = client.post(contribute_url(challenge), typed())

    html = response.content.decode()
    assert response.status_code == 409
    assert "Ce défi ne reçoit plus de contributions." in html
    assert "Ce défi est clos" in html
    assert Contribution.objects.count() == 0


@pytest.mark.parametrize("role", ("anonymous", "facilitator", "other_organiser"))
def test_contribution_to_a_draft_is_404(client, cast, role):
    challenge = ChallengeFactory(territory=cast.territory, status=ChallengeStatus.DRAFT)
    if user := cast.role_users()[role]:
        client.force_login(user)

    response = client.post(contribute_url(challenge), typed())

    assert response.status_code == 404
    assert Contribution.objects.count() == 0


def test_contribution_to_an_unknown_challenge_is_404(client, cast):
    url = reverse(
        "contribution_create", kwargs={"territory_slug": cast.territory.slug, "slug": "inconnu"}
    )

    response = client.post(url, typed())

    assert response.status_code == 404


def test_contribution_page_opened_directly_leads_to_the_form(client, cast):
    challenge = ChallengeFactory(territory=cast.territory)

    response = client.get(contribute_url(challenge))

    assert response.status_code == 302
    assert response["Location"] == f"{challenge.get_absolute_url()}#contribuer"
