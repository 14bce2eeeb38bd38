"""A registration change's link names a row by a random secret: no personal data in the URL
(events/domain/registration_changes.py, RegistrationChange)."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from events.domain import registration_changes
from events.models import Registration, RegistrationChange
from events.tasks import task_purge_expired_registration_changes
from territoire.privacy.people import erase_person, export_person
from tests.events.factories import EventFactory
from tests.events.test_registration import change_link, registered_yesterday, sign_up
from tests.pending_change_links import assert_link_hides, assert_link_refused

pytestmark = pytest.mark.django_db


@pytest.fixture
def proposed(cast, django_capture_on_commit_callbacks):
    """Someone typed Amina's address with another name: the change waits for Amina."""
    event = EventFactory(territory=cast.territory)
    registered_yesterday(event, "amina@example.org", full_name="Amina Diallo")
    with django_capture_on_commit_callbacks(execute=True):
        sign_up(event, "amina@example.org", full_name="Usurpatrice Zélie")
    return change_link(mail.outbox[-1])


def test_the_link_carries_no_name_nor_address(proposed):
    row = RegistrationChange.objects.get()
    assert row.values["full_name"] == "Usurpatrice Zélie"
    assert_link_hides(proposed, row, readable=("amina", "Usurpatrice", "Zélie"))


@pytest.mark.parametrize("state", ("unknown", "expired", "spent"))
def test_unknown_expired_or_spent_links_answer_a_clear_page(
    client, proposed, state, django_assert_max_num_queries
):
    link = proposed
    if state == "unknown":
        link = reverse("registration_change_confirm", kwargs={"token": "A" * 43})
    elif state == "expired":
        RegistrationChange.objects.update(
            created_at=timezone.now() - registration_changes.CHANGE_MAX_AGE
        )
    else:
        Registration.objects.update(full_name="Amina D.")
    assert_link_refused(client, link, state, django_assert_max_num_queries)
    assert Registration.objects.get().full_name != "Usurpatrice Zélie"


def test_export_lists_a_pending_change_and_erasure_deletes_it(proposed):
    data = export_person("amina@example.org", None)
    pending = data["events"]["modifications_en_attente"]
    assert [p["details_proposes"]["full_name"] for p in pending] == ["Usurpatrice Zélie"]

    erase_person("amina@example.org", None)

    assert not RegistrationChange.objects.exists()


def test_expired_changes_are_purged_by_the_daily_sweep(proposed):
    assert registration_changes.purge_expired_changes() == 0
    RegistrationChange.objects.update(
        created_at=timezone.now() - datetime.timedelta(days=7, minutes=1)
    )
    assert task_purge_expired_registration_changes() == 1
    assert Registration.objects.exists()
