import csv
import datetime
import io

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from challenges.enums import ActorKind, ChallengeStatus
from challenges.models import Contribution, SignUp
from challenges.queries_board import Bar
from territoire.enums import Role
from territoire.models import Invitation
from tests.challenges.factories import ChallengeFactory, ContributionFactory, SignUpFactory

PARIS = datetime.timezone(datetime.timedelta(hours=1))


def at(day: int, month: int = 3) -> datetime.datetime:
    return datetime.datetime(2026, month, day, 10, 0, tzinfo=PARIS)


def board_url(territory) -> str:
    return reverse("mobilisation_board", kwargs={"territory_slug": territory.slug})


def test_board_counts_only_confirmed_signups_in_totals(client, cast):
    SignUpFactory.create_batch(3, territory=cast.territory)
    SignUpFactory.create_batch(2, territory=cast.territory, confirmed_at=None)
    SignUpFactory(territory=cast.other_territory)
    client.force_login(cast.organiser)

    response = client.get(board_url(cast.territory))

    assert response.status_code == 200
    assert response.context["totals"] == {"confirmed": 3, "unconfirmed": 2}
    html = response.content.decode()
    assert "inscriptions confirmées" in html
    assert "en attente de confirmation" in html


def test_board_counts_confirmed_signups_by_week_with_empty_weeks(client, cast):
    SignUpFactory(territory=cast.territory, confirmed_at=at(3))  # week of Monday 2 March
    SignUpFactory(territory=cast.territory, confirmed_at=at(8))  # Sunday, same week
    SignUpFactory(territory=cast.territory, confirmed_at=at(18))  # week of 16 March
    SignUpFactory(territory=cast.territory, confirmed_at=None)
    client.force_login(cast.organiser)

    response = client.get(board_url(cast.territory))

    assert response.context["weeks"] == [
        Bar(label=datetime.date(2026, 3, 2), count=2, peak=2),
        Bar(label=datetime.date(2026, 3, 9), count=0, peak=2),
        Bar(label=datetime.date(2026, 3, 16), count=1, peak=2),
    ]
    assert "2 mars 2026" in response.content.decode()


def test_board_counts_confirmed_signups_by_challenge_and_kind(client, cast):
    seniors = ChallengeFactory(territory=cast.territory, title="Seniors connectés", order=1)
    mobility = ChallengeFactory(
        territory=cast.territory, title="Se déplacer", order=2, status=ChallengeStatus.CLOSED
    )
    draft = ChallengeFactory(
        territory=cast.territory, title="Brouillon", order=3, status=ChallengeStatus.DRAFT
    )
    SignUpFactory(territory=cast.territory, challenges=[seniors, mobility])
    SignUpFactory(territory=cast.territory, challenges=[seniors], actor_kind=ActorKind.ASSOCIATION)
    SignUpFactory(territory=cast.territory, challenges=[seniors, mobility], confirmed_at=None)
    client.force_login(cast.organiser)

    response = client.get(board_url(cast.territory))

    assert [(c.title, c.confirmed_signups) for c in response.context["challenges"]] == [
        ("Seniors connectés", 2),
        ("Se déplacer", 1),
        ("Brouillon", 0),
    ]
    kinds = {bar.label: bar.count for bar in response.context["actor_kinds"]}
    assert kinds[ActorKind.CITIZEN.label] == 1
    assert kinds[ActorKind.ASSOCIATION.label] == 1
    assert kinds[ActorKind.COMPANY.label] == 0
    assert response.context["actor_kinds"][-1].count == 0
    html = response.content.decode()
    assert draft.get_status_display() in html
    assert "Association" in html


def test_board_lists_confirmed_volunteers_only(client, cast):
    seniors = ChallengeFactory(territory=cast.territory, title="Seniors connectés")
    SignUpFactory(
        territory=cast.territory,
        full_name="Awa Diallo",
        organisation_name="Centre social Fresnoy",
        email="awa@example.org",
        wants_to_facilitate=True,
        challenges=[seniors],
    )
    SignUpFactory(
        territory=cast.territory,
        full_name="Marc Lefebvre",
        wants_to_mentor=True,
        facilitator_invited_at=timezone.now(),
    )
    SignUpFactory(territory=cast.territory, full_name="Pas Volontaire")
    SignUpFactory(
        territory=cast.territory,
        full_name="Non Confirmé",
        wants_to_facilitate=True,
        confirmed_at=None,
    )
    SignUpFactory(
        territory=cast.other_territory, full_name="Autre Territoire", wants_to_mentor=True
    )
    client.force_login(cast.organiser)

    response = client.get(board_url(cast.territory))

    names = [row["signup"].full_name for row in response.context["volunteers"]]
    assert names == ["Awa Diallo", "Marc Lefebvre"]
    html = response.content.decode()
    assert "Centre social Fresnoy" in html
    assert "awa@example.org" in html
    assert "Seniors connectés" in html
    assert "invité·e le" in html
    assert html.count('name="signups"') == 1


def test_board_marks_volunteers_who_already_are_facilitators(client, cast):
    SignUpFactory(territory=cast.territory, email=cast.facilitator.email, wants_to_facilitate=True)
    client.force_login(cast.organiser)

    response = client.get(board_url(cast.territory))

    assert [row["is_facilitator"] for row in response.context["volunteers"]] == [True]
    assert "déjà animateur·rice" in response.content.decode()
    assert 'name="signups"' not in response.content.decode()


@pytest.mark.parametrize("item_count", (1, 55))
def test_board_in_bounded_queries(client, cast, django_assert_max_num_queries, item_count):
    for index in range(item_count):
        challenge = ChallengeFactory(territory=cast.territory)
        SignUpFactory(
            territory=cast.territory,
            challenges=[challenge],
            wants_to_facilitate=True,
            confirmed_at=at(2 + 7 * (index % 4)),
            actor_kind=list(ActorKind)[index % len(ActorKind)],
        )
        SignUpFactory(territory=cast.territory, confirmed_at=None)
        ContributionFactory(challenge=challenge, hidden_at=timezone.now() if index else None)
    client.force_login(cast.organiser)

    # session, user, territory, roles, totals, weeks, kinds, challenge peak, and for each of the
    # three lists its count and its page (volunteers' challenges too), facilitators' addresses,
    # contribution totals
    with django_assert_max_num_queries(17):
        response = client.get(board_url(cast.territory))

    assert response.status_code == 200
    assert len(response.context["volunteers"]) == min(item_count, 50)
    assert len(response.context["contributions"]) == min(item_count, 20)
    assert len(response.context["challenges"]) == min(item_count, 50)
    assert response.context["volunteer_page"].count == item_count


def test_board_lists_page_by_page_each_list_on_its_own(client, cast):
    challenge = ChallengeFactory(territory=cast.territory, title="Se déplacer")
    for index in range(52):
        SignUpFactory(
            territory=cast.territory,
            full_name=f"Volontaire {index:02}",
            wants_to_mentor=True,
            challenges=[challenge],
        )
    for index in range(21):
        ContributionFactory(challenge=challenge, text=f"Idée {index:02}")
    client.force_login(cast.organiser)

    first = client.get(board_url(cast.territory))
    html = first.content.decode()
    second = client.get(board_url(cast.territory), {"volontaires": "2", "contributions": "2"})
    beyond = client.get(board_url(cast.territory), {"volontaires": "40", "contributions": "x"})

    assert first.context["volunteer_page"].count == 52
    assert 'href="?volontaires=2#volunteers" rel="next"' in html
    assert 'href="?contributions=2#contributions" rel="next"' in html
    assert [row["signup"].full_name for row in second.context["volunteers"]] == [
        "Volontaire 50",
        "Volontaire 51",
    ]
    assert [c.text for c in second.context["contributions"]] == ["Idée 00"]
    # Each list's links keep the other list's page.
    assert 'href="?contributions=2#volunteers" rel="prev"' in second.content.decode()
    assert 'href="?volontaires=2#contributions" rel="prev"' in second.content.decode()
    assert beyond.status_code == 200
    assert len(beyond.context["volunteers"]) == 2
    assert len(beyond.context["contributions"]) == 20


def test_hiding_a_contribution_goes_back_to_its_page(client, cast):
    contribution = ContributionFactory(challenge=ChallengeFactory(territory=cast.territory))
    client.force_login(cast.organiser)
    url = reverse(
        "contribution_hide",
        kwargs={"territory_slug": cast.territory.slug, "pk": contribution.pk},
    )

    response = client.post(url, {"hidden": "1", "contributions": "3"})

    assert response["Location"] == board_url(cast.territory) + "?contributions=3#contributions"


def test_board_shows_contributions_hidden_ones_marked(client, cast):
    challenge = ChallengeFactory(territory=cast.territory)
    ContributionFactory(challenge=challenge, text="Une idée visible")
    ContributionFactory(challenge=challenge, text="Une idée masquée", hidden_at=timezone.now())
    ContributionFactory(challenge=ChallengeFactory(territory=cast.other_territory), text="Ailleurs")
    client.force_login(cast.organiser)

    response = client.get(board_url(cast.territory))

    html = response.content.decode()
    assert [c.text for c in response.context["contributions"]] == [
        "Une idée masquée",
        "Une idée visible",
    ]
    assert "Ailleurs" not in html
    assert html.count("contribution--hidden") == 1
    assert "Afficher à nouveau" in html
    assert "Masquer au public" in html


def test_board_links_to_the_export_and_the_admin(client, cast):
    client.force_login(cast.organiser)

    html = client.get(board_url(cast.territory)).content.decode()

    assert reverse("signups_csv", kwargs={"territory_slug": cast.territory.slug}) in html
    assert (
        f"{reverse('admin:challenges_signup_changelist')}?territory__id__exact={cast.territory.pk}"
        in html
    )


# The CSV export


def read_csv(response) -> list[list[str]]:
    # Streamed row by row; read it whole (never response.close(): it closes the connection).
    assert response.streaming
    content = b"".join(response.streaming_content)
    assert content.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


def test_csv_lists_every_signup_with_its_challenges(client, cast):
    seniors = ChallengeFactory(territory=cast.territory, title="Seniors connectés", order=1)
    mobility = ChallengeFactory(territory=cast.territory, title="Se déplacer", order=2)
    SignUpFactory(
        territory=cast.territory,
        full_name="Hélène Dubœuf",
        email="helene@example.org",
        organisation_name="Café des Sœurs",
        actor_kind=ActorKind.ASSOCIATION,
        challenges=[mobility, seniors],
        wants_to_facilitate=True,
        confirmed_at=at(5),
    )
    SignUpFactory(territory=cast.territory, full_name="Pas Confirmée", confirmed_at=None)
    SignUpFactory(territory=cast.other_territory, full_name="Autre Territoire")
    client.force_login(cast.organiser)

    response = client.get(reverse("signups_csv", kwargs={"territory_slug": cast.territory.slug}))

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == (
        f'attachment; filename="inscriptions-metropole-a-{today}.csv"'
    )
    header, *rows = read_csv(response)
    assert header == [
        "nom",
        "e-mail",
        "organisation",
        "type d'acteur",
        "défis",
        "animer",
        "parrainer",
        "inscrit·e le",
        "confirmée le",
        "invitation d'animateur·rice le",
    ]
    assert [row[0] for row in rows] == ["Hélène Dubœuf", "Pas Confirmée"]
    helene, unconfirmed = rows
    signed_up_on = timezone.localtime(SignUp.objects.get(full_name="Hélène Dubœuf").created_at)
    assert helene == [
        "Hélène Dubœuf",
        "helene@example.org",
        "Café des Sœurs",
        "association",
        "Seniors connectés | Se déplacer",
        "oui",
        "non",
        signed_up_on.strftime("%d/%m/%Y %H:%M"),
        "05/03/2026 10:00",
        "",
    ]
    assert unconfirmed[8] == ""


def test_csv_neutralises_formulas(client, cast):
    SignUpFactory(
        territory=cast.territory,
        full_name='=HYPERLINK("http://evil.example","clic")',
        organisation_name="+33 6 12 34 56 78",
    )
    client.force_login(cast.organiser)

    response = client.get(reverse("signups_csv", kwargs={"territory_slug": cast.territory.slug}))

    _header, row = read_csv(response)
    assert row[0] == '\'=HYPERLINK("http://evil.example","clic")'
    assert row[2] == "'+33 6 12 34 56 78"


@pytest.mark.parametrize("item_count", (1, 3))
def test_csv_in_bounded_queries(client, cast, django_assert_num_queries, item_count):
    for _index in range(item_count):
        SignUpFactory(
            territory=cast.territory, challenges=[ChallengeFactory(territory=cast.territory)]
        )
    client.force_login(cast.organiser)

    # session, user, territory, roles, sign-ups, their challenges
    with django_assert_num_queries(6):
        response = client.get(
            reverse("signups_csv", kwargs={"territory_slug": cast.territory.slug})
        )
        rows = read_csv(response)

    assert len(rows) == item_count + 1


# Inviting volunteers


def invite_url(territory) -> str:
    return reverse("volunteers_invite", kwargs={"territory_slug": territory.slug})


def test_invite_sends_one_invitation_per_confirmed_volunteer(
    client, cast, django_capture_on_commit_callbacks
):
    awa = SignUpFactory(
        territory=cast.territory,
        full_name="Awa Diallo",
        email="awa@example.org",
        wants_to_facilitate=True,
    )
    marc = SignUpFactory(territory=cast.territory, email="marc@example.org", wants_to_mentor=True)
    already = SignUpFactory(
        territory=cast.territory,
        wants_to_facilitate=True,
        facilitator_invited_at=at(1),
    )
    unconfirmed = SignUpFactory(
        territory=cast.territory, wants_to_facilitate=True, confirmed_at=None
    )
    not_volunteer = SignUpFactory(territory=cast.territory)
    elsewhere = SignUpFactory(territory=cast.other_territory, wants_to_facilitate=True)
    client.force_login(cast.organiser)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            invite_url(cast.territory),
            {
                "signups": [
                    awa.pk,
                    marc.pk,
                    already.pk,
                    unconfirmed.pk,
                    not_volunteer.pk,
                    elsewhere.pk,
                    "pas-un-nombre",
                ]
            },
            follow=True,
        )

    assert response.redirect_chain == [(board_url(cast.territory) + "#volunteers", 302)]
    assert sorted(message.to[0] for message in mail.outbox) == [
        "awa@example.org",
        "marc@example.org",
    ]
    assert set(Invitation.objects.values_list("email", "territory_id", "role")) == {
        ("awa@example.org", cast.territory.pk, Role.FACILITATOR),
        ("marc@example.org", cast.territory.pk, Role.FACILITATOR),
    }
    awa.refresh_from_db()
    assert awa.facilitator_invited_at is not None
    assert set(
        SignUp.objects.filter(facilitator_invited_at__isnull=False).values_list("pk", flat=True)
    ) == {awa.pk, marc.pk, already.pk}
    assert "2 invitations envoyées." in response.content.decode()


def test_invite_says_one_invitation_in_the_singular(client, cast):
    awa = SignUpFactory(territory=cast.territory, wants_to_facilitate=True)
    client.force_login(cast.organiser)

    response = client.post(invite_url(cast.territory), {"signups": [awa.pk]}, follow=True)

    assert "1 invitation envoyée." in response.content.decode()


def test_invite_with_nothing_selected_says_so(client, cast):
    client.force_login(cast.organiser)

    response = client.post(invite_url(cast.territory), {}, follow=True)

    assert "Cochez au moins une personne à inviter." in response.content.decode()
    assert Invitation.objects.count() == 0


def test_invite_of_already_invited_volunteers_sends_nothing(client, cast):
    already = SignUpFactory(
        territory=cast.territory, wants_to_facilitate=True, facilitator_invited_at=at(1)
    )
    client.force_login(cast.organiser)

    response = client.post(invite_url(cast.territory), {"signups": [already.pk]}, follow=True)

    assert "Aucune invitation envoyée" in response.content.decode()
    assert Invitation.objects.count() == 0


# Moderating contributions


def hide_url(contribution, territory) -> str:
    return reverse(
        "contribution_hide", kwargs={"territory_slug": territory.slug, "pk": contribution.pk}
    )


def test_hiding_a_contribution_takes_it_off_the_public_page(client, cast):
    challenge = ChallengeFactory(territory=cast.territory, slug="seniors")
    contribution = ContributionFactory(challenge=challenge, text="Un texte à masquer")
    public_url = reverse(
        "challenge_detail", kwargs={"territory_slug": cast.territory.slug, "slug": "seniors"}
    )
    assert "Un texte à masquer" in client.get(public_url).content.decode()
    client.force_login(cast.organiser)

    response = client.post(hide_url(contribution, cast.territory), {"hidden": "1"}, follow=True)

    assert response.redirect_chain == [(board_url(cast.territory) + "#contributions", 302)]
    assert "La contribution est masquée au public." in response.content.decode()
    contribution.refresh_from_db()
    assert contribution.hidden_at is not None
    assert contribution.hidden_by == cast.organiser
    client.logout()
    assert "Un texte à masquer" not in client.get(public_url).content.decode()


def test_showing_a_hidden_contribution_again(client, cast):
    contribution = ContributionFactory(
        challenge=ChallengeFactory(territory=cast.territory),
        hidden_at=timezone.now(),
        hidden_by=cast.organiser,
    )
    client.force_login(cast.organiser)

    response = client.post(hide_url(contribution, cast.territory), {"hidden": "0"}, follow=True)

    assert "La contribution est de nouveau visible." in response.content.decode()
    contribution.refresh_from_db()
    assert (contribution.hidden_at, contribution.hidden_by) == (None, None)


def test_hiding_without_a_choice_changes_nothing(client, cast):
    contribution = ContributionFactory(challenge=ChallengeFactory(territory=cast.territory))
    client.force_login(cast.organiser)

    response = client.post(hide_url(contribution, cast.territory), {"hidden": "oui"}, follow=True)

    assert "Choisissez de masquer ou d&#x27;afficher la contribution." in response.content.decode()
    contribution.refresh_from_db()
    assert contribution.hidden_at is None


def test_hiding_another_territorys_contribution_is_not_found(client, cast):
    contribution = ContributionFactory(challenge=ChallengeFactory(territory=cast.other_territory))
    client.force_login(cast.organiser)

    response = client.post(hide_url(contribution, cast.territory), {"hidden": "1"})

    assert response.status_code == 404
    assert Contribution.objects.get().hidden_at is None


# Who may use these pages


@pytest.mark.parametrize(
    ("url_name", "method"),
    [
        ("mobilisation_board", "get"),
        ("signups_csv", "get"),
        ("volunteers_invite", "post"),
    ],
)
@pytest.mark.parametrize(
    "role", ["stranger", "facilitator", "coach", "official", "other_organiser"]
)
def test_organiser_pages_are_forbidden_to_others(client, cast, url_name, method, role):
    signup = SignUpFactory(territory=cast.territory, wants_to_facilitate=True)
    client.force_login(getattr(cast, role))

    url = reverse(url_name, kwargs={"territory_slug": cast.territory.slug})
    response = getattr(client, method)(url, {"signups": [signup.pk]} if method == "post" else {})

    assert response.status_code == 403
    assert Invitation.objects.count() == 0


@pytest.mark.parametrize(
    "role", ["stranger", "facilitator", "coach", "official", "other_organiser"]
)
def test_moderation_is_forbidden_to_others(client, cast, role):
    contribution = ContributionFactory(challenge=ChallengeFactory(territory=cast.territory))
    client.force_login(getattr(cast, role))

    response = client.post(hide_url(contribution, cast.territory), {"hidden": "1"})

    assert response.status_code == 403
    assert Contribution.objects.get().hidden_at is None


@pytest.mark.parametrize(
    "url_name", ["mobilisation_board", "signups_csv", "volunteers_invite", "contribution_hide"]
)
def test_organiser_pages_ask_anonymous_people_to_sign_in(client, cast, url_name):
    kwargs = {"territory_slug": cast.territory.slug}
    if url_name == "contribution_hide":
        kwargs["pk"] = ContributionFactory(challenge=ChallengeFactory(territory=cast.territory)).pk

    response = client.post(reverse(url_name, kwargs=kwargs))

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_superuser_sees_any_board(client, cast):
    client.force_login(cast.superuser)

    response = client.get(board_url(cast.other_territory))

    assert response.status_code == 200


def test_board_of_an_unknown_territory_is_not_found(client, cast):
    client.force_login(cast.organiser)

    response = client.get(reverse("mobilisation_board", kwargs={"territory_slug": "nulle-part"}))

    assert response.status_code == 404


@pytest.mark.parametrize("url_name", ["volunteers_invite", "contribution_hide"])
def test_post_only_views_refuse_get(client, cast, url_name):
    kwargs = {"territory_slug": cast.territory.slug}
    if url_name == "contribution_hide":
        kwargs["pk"] = ContributionFactory(challenge=ChallengeFactory(territory=cast.territory)).pk
    client.force_login(cast.organiser)

    response = client.get(reverse(url_name, kwargs=kwargs))

    assert response.status_code == 405


def test_volunteer_already_facilitator_is_not_invited_again(
    cast, django_capture_on_commit_callbacks
):
    from challenges.domain.signups import invite_volunteers_as_facilitators
    from tests.challenges.factories import SignUpFactory

    signup = SignUpFactory(
        territory=cast.territory, email=cast.facilitator.email.upper(), wants_to_facilitate=True
    )

    with django_capture_on_commit_callbacks(execute=True):
        invited = invite_volunteers_as_facilitators(signups=[signup], by=cast.organiser)

    assert invited == 0
    assert mail.outbox == []
