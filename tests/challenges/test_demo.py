import pytest

from challenges.enums import ChallengeStatus
from challenges.models import Challenge, Contribution, SignUp, TrainingSession

pytestmark = pytest.mark.xdist_group("demo-challenges")


@pytest.fixture
def demo(demo_loaded, db, settings):
    """The demo, loaded once for this module (tests/conftest.py: demo_loaded)."""
    settings.DEBUG = True
    settings.MEDIA_ROOT, output = demo_loaded
    return output


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
