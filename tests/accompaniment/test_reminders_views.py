import pytest
from django.urls import reverse

from accompaniment.models import ReminderPreference
from tests.accompaniment.factories import ReminderPreferenceFactory


def preferences_url(preference) -> str:
    return reverse("reminder_preferences", kwargs={"token": preference.token})


def test_the_digest_link_shows_the_choices_without_signing_in(
    client, cast, django_assert_max_num_queries
):
    preference = ReminderPreferenceFactory(user=cast.team_member, silent_projects=False)

    with django_assert_max_num_queries(3):
        response = client.get(preferences_url(preference))

    assert response.status_code == 200
    html = response.content.decode()
    assert "equipe@example.org" in html
    assert 'id="id_milestones_due" checked>' in html
    assert 'id="id_silent_projects">' in html
    assert "Ne plus rien recevoir" in html
    preference.refresh_from_db()
    assert (preference.milestones_due, preference.silent_projects) == (True, False)


def test_the_digest_link_saves_the_choices(client, cast):
    preference = ReminderPreferenceFactory(user=cast.team_member)

    response = client.post(preferences_url(preference), {"milestones_overdue": "on"})

    assert response.status_code == 302
    assert response["Location"] == preferences_url(preference)
    preference.refresh_from_db()
    assert (
        preference.milestones_due,
        preference.milestones_overdue,
        preference.silent_projects,
        preference.stopped,
    ) == (False, True, False, False)
    assert (
        "Vos choix de rappels sont enregistrés."
        in client.get(preferences_url(preference)).content.decode()
    )


def test_stop_everything_then_choose_again(client, cast):
    preference = ReminderPreferenceFactory(user=cast.team_member)

    client.post(
        preferences_url(preference),
        {"milestones_due": "on", "milestones_overdue": "on", "stop_all": "1"},
    )
    preference.refresh_from_db()
    stopped = (preference.stopped, preference.milestones_due, preference.milestones_overdue)
    page = client.get(preferences_url(preference)).content.decode()
    client.post(preferences_url(preference), {"milestones_due": "on"})
    preference.refresh_from_db()

    assert stopped == (True, False, False)
    assert "Vous ne recevrez plus aucun rappel." in page
    assert "Vous ne recevez plus aucun rappel." in page
    assert (preference.stopped, preference.milestones_due) == (False, True)


@pytest.mark.parametrize("token", ("inconnu", "x" * 43))
def test_an_unknown_token_is_not_found(client, cast, token):
    ReminderPreferenceFactory(user=cast.team_member)

    response = client.post(reverse("reminder_preferences", kwargs={"token": token}), {})

    assert response.status_code == 404
    assert ReminderPreference.objects.get().stopped is False


def test_the_space_page_shows_defaults_without_writing(client, cast, django_assert_max_num_queries):
    client.force_login(cast.team_member)

    with django_assert_max_num_queries(6):
        response = client.get(reverse("my_reminder_preferences"))

    assert response.status_code == 200
    assert 'id="id_milestones_due" checked>' in response.content.decode()
    assert ReminderPreference.objects.count() == 0


def test_the_space_page_saves_the_signed_in_persons_choices_only(client, cast):
    someone_else = ReminderPreferenceFactory(user=cast.coach)
    client.force_login(cast.team_member)

    response = client.post(reverse("my_reminder_preferences"), {"stop_all": "1"})

    assert response.status_code == 302
    mine = ReminderPreference.objects.get(user=cast.team_member)
    assert mine.stopped is True
    assert len(mine.token) >= 40
    someone_else.refresh_from_db()
    assert someone_else.stopped is False


def test_the_space_page_asks_to_sign_in(client, cast):
    response = client.get(reverse("my_reminder_preferences"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_the_space_links_to_the_reminders_for_the_team_and_coaches_only(client, cast):
    seen = {}
    for role in ("team_member", "coach", "official"):
        client.force_login(getattr(cast, role))
        seen[role] = (
            reverse("my_reminder_preferences") in client.get(reverse("space")).content.decode()
        )

    assert seen == {"team_member": True, "coach": True, "official": False}
