"""The "La mobilisation" section of the impact page, the funnel's first steps and the
organisers' registrations and attendance exports, against a hand-counted evening."""

import datetime
import zoneinfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from events.enums import RegistrationStatus
from events.impact import evening_funnel, mobilisation_section
from events.models import Table
from territoire.impact.registry import (
    ImpactFilter,
    export_kind,
    export_kinds,
    funnel_steps,
    impact_sections,
)
from tests.challenges.factories import ChallengeFactory, ContributionFactory, SignUpFactory
from tests.events.factories import (
    EventFactory,
    FormedProjectFactory,
    IdeaFactory,
    ParticipantFactory,
    RegistrationFactory,
    TableFactory,
    VoteFactory,
)
from tests.factories import TerritoryFactory

pytestmark = pytest.mark.django_db

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
TODAY = datetime.date(2026, 7, 1)
JUNE = {"since": datetime.date(2026, 6, 1), "until": datetime.date(2026, 6, 30)}


def at(*args: int) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=PARIS)


def seat(table, registration=None, name=""):
    kwargs = {"display_name": name} if name else {}
    return ParticipantFactory(table=table, registration=registration, **kwargs)


def ideas(table, author, count: int, **kwargs) -> list:
    return [IdeaFactory(table=table, participant=author, **kwargs) for _ in range(count)]


def dots(idea, voter, count: int) -> None:
    for _ in range(count):
        VoteFactory(idea=idea, participant=voter)


def evening(territory, challenges, starts_at, **kwargs):
    """An evening with one table per challenge, nothing at them yet."""
    event = EventFactory(territory=territory, starts_at=starts_at, **kwargs)
    tables = [TableFactory(event=event, challenge=challenge) for challenge in challenges]
    return event, tables


@pytest.fixture
def night():
    """The June evening: two challenges, a table each; and an evening of the year before.

    Seniors' table: Anne (registered, checked in) and two people seated without a
    registration; 4 ideas, one hidden (with a dot that must not count), one merged into
    another (counted); 3 dots on shown ideas; 1 project.
    School's table: Basile (registered, checked in) and one person without a registration;
    1 idea with 3 dots; 2 projects.
    Registrations: Anne, Basile, Chloé (asked for the seniors' table, never came), Denis
    (waiting list), Emma (cancelled): 3 confirmed, 2 present.
    """
    territory = TerritoryFactory(evening_on=datetime.date(2026, 6, 4))
    seniors = ChallengeFactory(territory=territory, title="Seniors isolés", order=10)
    school = ChallengeFactory(territory=territory, title="Décrochage scolaire", order=20)
    event, (seniors_table, school_table) = evening(
        territory, [seniors, school], at(2026, 6, 4, 19), title="Soirée de juin"
    )
    anne = RegistrationFactory(
        event=event,
        full_name="Anne",
        email="anne@example.org",
        checked_in_at=at(2026, 6, 4, 18, 50),
    )
    basile = RegistrationFactory(
        event=event,
        full_name="Basile",
        email="basile@example.org",
        organisation_name="Lycée Pasteur",
        checked_in_at=at(2026, 6, 4, 19, 5),
    )
    chloe = RegistrationFactory(event=event, full_name="Chloé", email="chloe@example.org")
    chloe.preferred_challenges.set([seniors])
    RegistrationFactory(
        event=event,
        full_name="Denis",
        email="denis@example.org",
        status=RegistrationStatus.WAITLISTED,
    )
    RegistrationFactory(
        event=event,
        full_name="Emma",
        email="emma@example.org",
        status=RegistrationStatus.CANCELLED,
    )
    a = seat(seniors_table, anne, "Anne")
    seat(seniors_table, name="Gaston")
    seat(seniors_table, name="Hélène")
    b = seat(school_table, basile, "Basile")
    seat(school_table, name="Inès")
    first, second, merged = ideas(seniors_table, a, 3)
    merged.merged_into = first
    merged.save()
    (hidden,) = ideas(seniors_table, a, 1, hidden_at=at(2026, 6, 4, 20))
    dots(first, a, 2)
    dots(second, a, 1)
    dots(hidden, a, 1)
    (school_idea,) = ideas(school_table, b, 1)
    dots(school_idea, b, 3)
    FormedProjectFactory(table=seniors_table)
    FormedProjectFactory.create_batch(2, table=school_table)

    # The year before: one table of seniors, one person, one idea, one project.
    old, (old_table,) = evening(territory, [seniors], at(2025, 6, 5, 19), title="Soirée 2025")
    zoe = RegistrationFactory(
        event=old, full_name="Zoé", email="zoe@example.org", checked_in_at=at(2025, 6, 5, 19)
    )
    z = seat(old_table, zoe, "Zoé")
    ideas(old_table, z, 1)
    FormedProjectFactory(table=old_table)

    for text in ("Des visites à domicile.", "Un café numérique."):
        contribution = ContributionFactory(challenge=seniors, text=text)
        type(contribution).objects.filter(pk=contribution.pk).update(created_at=at(2026, 6, 3, 12))
    for challenge in (seniors, school):
        signup = SignUpFactory(territory=territory, challenges=[challenge])
        type(signup).objects.filter(pk=signup.pk).update(created_at=at(2026, 6, 2, 12))
    # Another territory's evening, never counted.
    _other, (other_table,) = evening(TerritoryFactory(), [ChallengeFactory()], at(2026, 6, 4, 19))
    ideas(other_table, seat(other_table), 2)
    return territory, seniors, school


def section(impact: ImpactFilter):
    (found,) = [s for s in impact_sections(impact) if s.key == "mobilisation"]
    return found


def figures(found) -> dict[str, str]:
    return {figure.label: figure.value for figure in found.figures}


def test_the_section_shows_june_s_evening_hand_counted(night):
    territory, _seniors, _school = night

    found = section(ImpactFilter(territory, today=TODAY, **JUNE))

    assert (found.title, found.order) == ("La mobilisation", 50)
    assert "défi par défi" in found.intro
    assert figures(found) == {
        "personnes inscrites à la mobilisation": "2",
        "contributions en ligne sur les défis": "2",
        "inscriptions confirmées à la soirée": "3",
        "personnes présentes à la soirée": "2",
        "participant·es aux tables": "5",
        "idées proposées aux tables": "4",
        "gommettes posées": "6",
        "projets formés à la soirée": "3",
    }
    (chart,) = found.charts
    assert chart.title == "Idées et gommettes par défi"
    assert "gommettes" in chart.sentence
    assert [(bar.label, bar.value, bar.note) for bar in chart.bars] == [
        ("Seniors isolés", 3, "3 gommettes"),
        ("Décrochage scolaire", 1, "3 gommettes"),
    ]
    (table,) = found.tables
    assert table.columns == (
        "Défi",
        "Personnes inscrites",
        "Contributions",
        "Tables",
        "Participant·es",
        "Idées",
        "Gommettes",
        "Projets formés",
    )
    assert table.rows == (
        ("Seniors isolés", 1, 2, 1, 3, 3, 3, 1),
        ("Décrochage scolaire", 1, 0, 1, 2, 1, 3, 2),
    )


def test_without_a_period_both_evenings_add_up(night):
    territory, _seniors, _school = night

    found = section(ImpactFilter(territory, today=TODAY))

    assert figures(found)["participant·es aux tables"] == "6"
    assert figures(found)["idées proposées aux tables"] == "5"
    assert figures(found)["personnes présentes à la soirée"] == "3"
    assert found.tables[0].rows == (
        ("Seniors isolés", 1, 2, 2, 4, 4, 3, 2),
        ("Décrochage scolaire", 1, 0, 1, 2, 1, 3, 2),
    )


def test_a_challenge_narrows_the_tables_and_the_people_linked_to_it(night):
    territory, seniors, _school = night

    found = section(ImpactFilter(territory, challenge_id=seniors.pk, today=TODAY, **JUNE))

    assert "demandé l'une de ses tables ou s'y sont assises" in found.intro

    assert figures(found) == {
        "personne inscrite à la mobilisation ayant choisi ce défi": "1",
        "contributions en ligne sur ce défi": "2",
        "inscriptions confirmées à la soirée": "2",  # Anne sat there, Chloé asked for it
        "personne présente à la soirée": "1",
        "participant·es aux tables": "3",
        "idées proposées aux tables": "3",
        "gommettes posées": "3",
        "projet formé à la soirée": "1",
    }
    assert found.tables[0].rows == (("Seniors isolés", 1, 2, 1, 3, 3, 3, 1),)


def test_the_funnel_starts_with_the_ideas_and_the_projects_formed(night):
    territory, seniors, _school = night

    june = funnel_steps(ImpactFilter(territory, today=TODAY, **JUNE))
    for_seniors = funnel_steps(ImpactFilter(territory, challenge_id=seniors.pk, today=TODAY))

    assert [(s.order, s.label, s.value) for s in june if s.order in (10, 20)] == [
        (10, "Idées aux tables", 4),
        (20, "Projets formés à la soirée", 3),
    ]
    assert [s.value for s in for_seniors if s.order in (10, 20)] == [4, 2]


def test_the_registrations_export_lists_every_registration_of_the_period(night):
    territory, _seniors, _school = night
    kind = export_kind("inscriptions")

    rows = list(kind.rows(ImpactFilter(territory, today=TODAY, **JUNE)))

    assert kind.organisers_only
    assert [column.name for column in kind.columns] == [
        "soiree",
        "nom",
        "email",
        "organisation",
        "statut",
        "sur_place",
        "inscrit_le",
        "arrive_le",
    ]
    assert [row[:6] for row in rows] == [
        ("Soirée de juin", "Anne", "anne@example.org", "", "inscrit·e", False),
        ("Soirée de juin", "Basile", "basile@example.org", "Lycée Pasteur", "inscrit·e", False),
        ("Soirée de juin", "Chloé", "chloe@example.org", "", "inscrit·e", False),
        ("Soirée de juin", "Denis", "denis@example.org", "", "en liste d'attente", False),
        ("Soirée de juin", "Emma", "emma@example.org", "", "annulée", False),
    ]
    assert rows[0][7] == at(2026, 6, 4, 18, 50)
    assert rows[2][7] is None
    assert all(isinstance(row[6], datetime.datetime) for row in rows)


def test_the_attendance_export_lists_the_checked_in_then_those_seated_without_registering(night):
    territory, seniors, _school = night
    kind = export_kind("presences")

    rows = list(kind.rows(ImpactFilter(territory, today=TODAY, **JUNE)))
    for_seniors = list(kind.rows(ImpactFilter(territory, challenge_id=seniors.pk, today=TODAY)))

    welcome, seated = "à l'accueil", "à une table, sans inscription"
    tables = dict(
        Table.objects.values_list("challenge__title", "name").filter(event__title="Soirée de juin")
    )
    seniors_table, school_table = tables["Seniors isolés"], tables["Décrochage scolaire"]
    assert [(r[1], r[2], r[3], r[4], r[5], r[7]) for r in rows] == [
        ("Anne", "anne@example.org", "", seniors_table, "Seniors isolés", welcome),
        (
            "Basile",
            "basile@example.org",
            "Lycée Pasteur",
            school_table,
            "Décrochage scolaire",
            welcome,
        ),
        ("Gaston", "", "", seniors_table, "Seniors isolés", seated),
        ("Hélène", "", "", seniors_table, "Seniors isolés", seated),
        ("Inès", "", "", school_table, "Décrochage scolaire", seated),
    ]
    assert {r[0] for r in rows} == {"Soirée de juin"}
    assert rows[0][6] == at(2026, 6, 4, 18, 50)
    assert [(r[0], r[1]) for r in for_seniors] == [
        ("Soirée 2025", "Zoé"),
        ("Soirée de juin", "Anne"),
        ("Soirée de juin", "Gaston"),
        ("Soirée de juin", "Hélène"),
    ]


def test_personal_exports_are_for_organisers_only(night):
    keys = {kind.key for kind in export_kinds(organiser=False)}

    assert not {"inscriptions", "presences"} & keys
    assert {"inscriptions", "presences"} <= {kind.key for kind in export_kinds(organiser=True)}


def test_before_the_evening_the_section_says_when_it_will_be():
    territory = TerritoryFactory(evening_on=datetime.date(2026, 6, 4))
    challenge = ChallengeFactory(territory=territory)
    SignUpFactory(territory=territory, challenges=[challenge])
    ContributionFactory.create_batch(2, challenge=challenge)

    found = section(ImpactFilter(territory, today=datetime.date(2026, 5, 1)))

    assert found.intro.startswith("La soirée de lancement n'a pas encore eu lieu")
    assert "4 juin 2026" in found.intro
    assert figures(found) == {
        "personne inscrite à la mobilisation": "1",
        "contributions en ligne sur les défis": "2",
    }
    assert found.charts == ()
    (table,) = found.tables
    assert table.columns == ("Défi", "Personnes inscrites", "Contributions")
    assert table.rows == ((challenge.title, 1, 2),)


def test_an_evening_announced_shows_its_registrations_before_it_happens():
    territory = TerritoryFactory(evening_on=None, accompaniment_ends_on=None)
    event, _tables = evening(territory, [ChallengeFactory(territory=territory)], at(2026, 9, 3, 19))
    RegistrationFactory(event=event)

    found = section(ImpactFilter(territory, today=datetime.date(2026, 7, 1)))

    assert "3 septembre 2026" in found.intro
    assert figures(found)["inscription confirmée à la soirée"] == "1"
    assert found.tables[0].rows == ((event.tables.get().challenge.title, 0, 0, 1, 0, 0, 0, 0),)


def test_no_evening_in_the_period_says_so(night):
    territory, _seniors, _school = night
    autumn = {"since": datetime.date(2026, 9, 1), "until": datetime.date(2026, 9, 30)}

    found = section(ImpactFilter(territory, today=TODAY, **autumn))

    assert found.intro == "Aucune soirée de lancement dans cette période."


def _queries(impact: ImpactFilter) -> int:
    with CaptureQueriesContext(connection) as queries:
        mobilisation_section(impact)
        evening_funnel(impact)
        for key in ("inscriptions", "presences"):
            list(export_kind(key).rows(impact))
    return len(queries)


def test_queries_are_bounded_whatever_the_number_of_evenings():
    territory = TerritoryFactory()
    challenges = ChallengeFactory.create_batch(2, territory=territory)

    def one_more_evening(day: int) -> None:
        event, tables = evening(territory, challenges, at(2026, 6, day, 19))
        for table in tables:
            registration = RegistrationFactory(event=event, checked_in_at=at(2026, 6, day, 19))
            someone = seat(table, registration)
            seat(table)
            for idea in ideas(table, someone, 2):
                dots(idea, someone, 2)
            FormedProjectFactory(table=table)

    one_more_evening(1)
    impact = ImpactFilter(territory, challenge_id=challenges[0].pk, today=TODAY, **JUNE)
    with_one = _queries(impact), _queries(ImpactFilter(territory, today=TODAY))
    for day in range(2, 11):
        one_more_evening(day)

    assert (_queries(impact), _queries(ImpactFilter(territory, today=TODAY))) == with_one
    assert with_one[1] <= 14  # 9 for the section, 2 for the funnel, 3 for the exports


def test_the_evening_s_writes_move_the_impact_figures(night, django_capture_on_commit_callbacks):
    from events.domain.checkin import check_in
    from events.domain.facilitation import set_phase
    from events.domain.moderation import unhide_idea
    from events.domain.registration import cancel, register
    from events.enums import Phase
    from events.models import Event, Idea, Registration
    from territoire.impact.cache import impact_version

    territory, _seniors, _school = night
    event = Event.objects.get(title="Soirée de juin")
    table = event.tables.first()
    chloe = Registration.objects.get(full_name="Chloé")
    writes = [
        lambda: check_in(registration=Registration.objects.get(pk=chloe.pk), by=None),
        lambda: register(event=event, full_name="Félix", email="felix@example.org"),
        lambda: cancel(registration=Registration.objects.get(full_name="Félix")),
        lambda: unhide_idea(table=table, idea=Idea.objects.get(hidden_at__isnull=False), by=None),
        lambda: set_phase(table=Table.objects.get(pk=table.pk), phase=Phase.VOTE, by=None),
    ]
    for write in writes:
        before = impact_version(territory.pk)
        with django_capture_on_commit_callbacks(execute=True):
            write()
        assert impact_version(territory.pk) == before + 1, write
