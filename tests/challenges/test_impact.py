"""What the challenges app gives the impact page: the challenges one narrows it by, and the
mobilisation's figures (sign-ups, contributions, trained facilitators), hand-counted."""

import datetime
import zoneinfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from challenges.enums import ChallengeStatus
from challenges.models import Contribution, SignUp
from challenges.queries import mobilisation_by_challenge, mobilisation_counts
from territoire.impact.registry import ImpactFilter, impact_challenges
from tests.challenges.factories import (
    ChallengeFactory,
    ContributionFactory,
    SignUpFactory,
    TrainingAttendanceFactory,
    TrainingSessionFactory,
)
from tests.factories import TerritoryFactory, UserFactory

pytestmark = pytest.mark.django_db

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
TODAY = datetime.date(2026, 7, 1)
JUNE = {"since": datetime.date(2026, 6, 1), "until": datetime.date(2026, 6, 30)}


def at(*args: int) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=PARIS)


def dated(obj, moment: datetime.datetime) -> None:
    type(obj).objects.filter(pk=obj.pk).update(created_at=moment)


@pytest.fixture
def mobilisation():
    territory = TerritoryFactory()
    seniors = ChallengeFactory(territory=territory, title="Seniors isolés", order=20)
    school = ChallengeFactory(territory=territory, title="Décrochage scolaire", order=10)
    ChallengeFactory(territory=territory, title="Brouillon", status=ChallengeStatus.DRAFT)
    ChallengeFactory(title="Ailleurs")  # another territory's
    # Sign-ups: confirmed in June (seniors; school; both), not confirmed, confirmed in May.
    dated(SignUpFactory(territory=territory, challenges=[seniors]), at(2026, 6, 2, 10))
    dated(SignUpFactory(territory=territory, challenges=[school]), at(2026, 6, 30, 23, 30))
    dated(SignUpFactory(territory=territory, challenges=[seniors, school]), at(2026, 6, 15, 9))
    dated(
        SignUpFactory(territory=territory, challenges=[seniors], confirmed_at=None),
        at(2026, 6, 3, 9),
    )
    dated(SignUpFactory(territory=territory, challenges=[seniors]), at(2026, 5, 31, 23, 30))
    SignUpFactory()  # another territory's
    # Contributions: 2 shown in June on seniors, 1 hidden, 1 on school, 1 in May on seniors.
    for moment in (at(2026, 6, 5, 12), at(2026, 6, 6, 12)):
        dated(ContributionFactory(challenge=seniors), moment)
    hidden = ContributionFactory(challenge=seniors, hidden_at=at(2026, 6, 7, 9))
    dated(hidden, at(2026, 6, 6, 13))
    dated(ContributionFactory(challenge=school), at(2026, 6, 8, 12))
    dated(ContributionFactory(challenge=seniors), at(2026, 5, 20, 12))
    # Training: Alice came to two June sessions (counted once), Bob to one, Carl said yes but
    # did not come; Dora came to a May session.
    june_1 = TrainingSessionFactory(territory=territory, starts_at=at(2026, 6, 1, 18))
    june_2 = TrainingSessionFactory(territory=territory, starts_at=at(2026, 6, 10, 18))
    may = TrainingSessionFactory(territory=territory, starts_at=at(2026, 5, 10, 18))
    alice, bob, carl, dora = UserFactory.create_batch(4)
    TrainingAttendanceFactory(session=june_1, facilitator=alice, attended=True)
    TrainingAttendanceFactory(session=june_2, facilitator=alice, attended=True)
    TrainingAttendanceFactory(session=june_2, facilitator=bob, attended=True)
    TrainingAttendanceFactory(session=june_2, facilitator=carl, will_attend=True, attended=False)
    TrainingAttendanceFactory(session=may, facilitator=dora, attended=True)
    return territory, seniors, school


def test_the_filter_offers_the_territory_s_public_challenges_in_order(mobilisation):
    territory, seniors, school = mobilisation

    with CaptureQueriesContext(connection) as queries:
        choices = impact_challenges(territory)

    assert choices == [(school.pk, "Décrochage scolaire"), (seniors.pk, "Seniors isolés")]
    assert len(queries) == 1


def test_figures_of_the_whole_mobilisation(mobilisation):
    territory, _seniors, _school = mobilisation

    counts = mobilisation_counts(ImpactFilter(territory, today=TODAY))

    assert counts.signups == 4  # the unconfirmed one and the other territory's left out
    assert counts.contributions == 4  # the hidden one left out
    assert counts.trained == 3  # Alice, Bob, Dora: Carl did not come
    assert counts.training_sessions == 3


def test_the_period_counts_days_of_the_site_s_time_zone(mobilisation):
    territory, _seniors, _school = mobilisation

    with CaptureQueriesContext(connection) as queries:
        counts = mobilisation_counts(ImpactFilter(territory, today=TODAY, **JUNE))

    # 31 May 23:30 in Paris is out (21:30 UTC, though); 30 June 23:30 is in.
    assert counts.signups == 3
    assert counts.contributions == 3
    assert counts.trained == 2  # Alice once, Bob
    assert counts.training_sessions == 2
    assert len(queries) == 1


def test_a_challenge_narrows_sign_ups_and_contributions_not_training(mobilisation):
    territory, seniors, school = mobilisation

    for_seniors = mobilisation_counts(
        ImpactFilter(territory, challenge_id=seniors.pk, today=TODAY, **JUNE)
    )
    for_school = mobilisation_counts(ImpactFilter(territory, challenge_id=school.pk, today=TODAY))

    assert (for_seniors.signups, for_seniors.contributions, for_seniors.trained) == (2, 2, 2)
    assert (for_school.signups, for_school.contributions, for_school.trained) == (2, 1, 3)


def test_a_territory_with_nothing_yet_counts_zero():
    counts = mobilisation_counts(ImpactFilter(TerritoryFactory(), today=TODAY))

    assert (counts.signups, counts.contributions, counts.trained) == (0, 0, 0)
    assert SignUp.objects.count() == Contribution.objects.count() == 0


def test_the_mobilisation_s_writes_move_the_impact_figures(
    mobilisation, django_capture_on_commit_callbacks
):
    from challenges.domain.contributions import contribute, set_hidden
    from challenges.domain.signups import confirm_sign_up, confirmation_token
    from challenges.domain.training import mark_attendance
    from challenges.enums import ContributionKind
    from territoire.impact.cache import impact_version

    territory, seniors, _school = mobilisation
    organiser = UserFactory()
    signup = SignUpFactory(territory=territory, confirmed_at=None, confirmation_nonce="n" * 32)
    session = TrainingSessionFactory(territory=territory)
    writes = [
        lambda: confirm_sign_up(token=confirmation_token(signup)),
        lambda: contribute(
            challenge=seniors,
            kind=ContributionKind.NEED,
            text="Des bancs.",
            author_name="Jo",
            author_email="jo@example.org",
        ),
        lambda: set_hidden(
            contribution=Contribution.objects.filter(challenge=seniors).first(),
            hidden=True,
            by=organiser,
        ),
        lambda: mark_attendance(
            session=session, facilitator=UserFactory(), attended=True, by=organiser
        ),
    ]
    for write in writes:
        before = impact_version(territory.pk)
        with django_capture_on_commit_callbacks(execute=True):
            write()
        assert impact_version(territory.pk) == before + 1


def test_sign_ups_and_contributions_by_challenge(mobilisation):

    territory, seniors, _school = mobilisation

    with CaptureQueriesContext(connection) as queries:
        june = mobilisation_by_challenge(ImpactFilter(territory, today=TODAY, **JUNE))
    ever = mobilisation_by_challenge(ImpactFilter(territory, today=TODAY))
    only_seniors = mobilisation_by_challenge(
        ImpactFilter(territory, challenge_id=seniors.pk, today=TODAY)
    )

    def counted(rows):
        return [(row.title, row.signups, row.contributions) for row in rows]

    assert counted(june) == [("Décrochage scolaire", 2, 1), ("Seniors isolés", 2, 2)]
    assert counted(ever) == [("Décrochage scolaire", 2, 1), ("Seniors isolés", 3, 3)]
    assert counted(only_seniors) == [("Seniors isolés", 3, 3)]
    assert len(queries) == 1
