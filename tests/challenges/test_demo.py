from io import StringIO

import pytest
from django.core.management import call_command

from challenges.enums import ChallengeStatus
from challenges.models import Challenge, Contribution, SignUp, TrainingSession


@pytest.fixture
def demo(db, settings):
    settings.DEBUG = True
    call_command("load_demo", stdout=StringIO())


def test_demo_shows_the_roubaix_themes_with_dozens_of_people(demo):
    lille = Challenge.objects.filter(territory__slug="metropole-lilloise")

    themes = set(lille.filter(status=ChallengeStatus.OPEN).values_list("domain__slug", flat=True))
    assert {"economie-circulaire", "jeunesse", "bien-etre-ville"} <= themes
    confirmed = SignUp.objects.filter(
        territory__slug="metropole-lilloise", confirmed_at__isnull=False
    )
    assert confirmed.count() >= 50
    assert SignUp.objects.filter(confirmed_at__isnull=True).exists()  # some never confirmed
    assert confirmed.filter(wants_to_facilitate=True).count() >= 5
    assert (
        Contribution.objects.filter(challenge__territory__slug="metropole-lilloise").count() >= 12
    )
    assert lille.filter(status=ChallengeStatus.DRAFT).exists()


def test_demo_has_a_territory_mid_mobilisation_with_an_upcoming_training(demo):
    session = TrainingSession.objects.get(territory__slug="pays-de-figeac")

    assert session.starts_at.year == 2027
    assert SignUp.objects.filter(territory__slug="pays-de-figeac").count() >= 10
