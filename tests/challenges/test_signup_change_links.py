"""A sign-up change's link names a row by a random secret: no personal data in the URL
(challenges/domain/signup_changes.py, SignUpChange)."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from challenges.domain import signup_changes
from challenges.models import SignUp, SignUpChange
from challenges.tasks import task_purge_unconfirmed_signups
from territoire.privacy.people import erase_person, export_person
from tests.challenges.factories import ChallengeFactory
from tests.challenges.test_signups import change_link, confirmed_signup, signup_url, typed
from tests.pending_change_links import assert_link_hides, assert_link_refused

pytestmark = pytest.mark.django_db


@pytest.fixture
def proposed(client, cast, django_capture_on_commit_callbacks):
    """Someone typed Karim's address with another name: the change waits for Karim."""
    challenge = ChallengeFactory(territory=cast.territory)
    confirmed_signup(cast.territory, challenge)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            signup_url(cast.territory),
            typed(challenge, email="karim@example.org", full_name="Usurpateur Zéphyrin"),
        )
    return change_link(mail.outbox[-1])


def test_the_link_carries_no_name_nor_address(proposed):
    row = SignUpChange.objects.get()
    assert row.values["full_name"] == "Usurpateur Zéphyrin"
    assert_link_hides(proposed, row, readable=("karim", "Usurpateur", "Zéphyrin", "Jardins"))


@pytest.mark.parametrize("state", ("unknown", "expired", "spent"))
def test_unknown_expired_or_spent_links_answer_a_clear_page(
    client, proposed, state, django_assert_max_num_queries
):
    link = proposed
    if state == "unknown":
        link = reverse("signup_change_confirm", kwargs={"token": "A" * 43})
    elif state == "expired":
        SignUpChange.objects.update(created_at=timezone.now() - datetime.timedelta(days=8))
    else:
        SignUp.objects.update(full_name="Karim B.")
    assert_link_refused(client, link, state, django_assert_max_num_queries)
    assert SignUp.objects.get().full_name != "Usurpateur Zéphyrin"


def test_export_lists_a_pending_change_and_erasure_deletes_it(proposed):
    data = export_person("karim@example.org", None)
    pending = data["challenges"]["modifications_en_attente"]
    assert [p["details_proposes"]["full_name"] for p in pending] == ["Usurpateur Zéphyrin"]

    erase_person("karim@example.org", None)

    assert not SignUpChange.objects.exists()


def test_expired_changes_are_purged_by_the_daily_sweep(proposed):
    assert signup_changes.purge_expired_changes() == 0
    SignUpChange.objects.update(created_at=timezone.now() - datetime.timedelta(days=7, minutes=1))
    task_purge_unconfirmed_signups()
    assert not SignUpChange.objects.exists()
    assert SignUp.objects.exists()
