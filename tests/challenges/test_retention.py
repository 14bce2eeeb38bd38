import datetime

from django.utils import timezone

from challenges.domain.signups import purge_unconfirmed_signups
from challenges.models import SignUp
from challenges.tasks import task_purge_unconfirmed_signups
from tests.challenges.factories import ChallengeFactory, SignUpFactory


def _aged(signup: SignUp, days: int) -> SignUp:
    SignUp.objects.filter(pk=signup.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=days)
    )
    return signup


def test_unconfirmed_signups_older_than_30_days_are_deleted(db):
    challenge = ChallengeFactory()
    old = _aged(SignUpFactory(confirmed_at=None, challenges=[challenge]), days=31)
    recent = _aged(SignUpFactory(confirmed_at=None), days=29)
    confirmed = _aged(SignUpFactory(), days=200)

    deleted = purge_unconfirmed_signups()

    assert deleted == 1
    assert set(SignUp.objects.values_list("pk", flat=True)) == {recent.pk, confirmed.pk}
    assert not SignUp.objects.filter(pk=old.pk).exists()
    assert challenge.signups.count() == 0


def test_the_daily_task_runs_the_purge(db, settings):
    _aged(SignUpFactory(confirmed_at=None), days=45)

    assert task_purge_unconfirmed_signups.delay().get() == 1
    assert settings.CELERY_BEAT_SCHEDULE["purge-unconfirmed-signups"]["task"] == (
        "challenges.purge_unconfirmed_signups"
    )
