import datetime
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from accompaniment.domain import reminders
from accompaniment.domain.reminders import send_due_reminders
from accompaniment.enums import ReminderKind
from accompaniment.models import ProjectUpdate, ReminderDigest, ReminderItem, ReminderPreference
from accompaniment.tasks import task_send_reminders
from projects.enums import ProjectStatus
from tests.accompaniment.factories import (
    MilestoneFactory,
    PlanFactory,
    ProjectUpdateFactory,
    ReminderPreferenceFactory,
)
from tests.factories import InvitationFactory, UserFactory
from tests.projects.factories import ProjectFactory, ProjectMemberFactory

DAY = datetime.date(2026, 10, 1)
DAYS = datetime.timedelta


def items_of(user) -> list[tuple[str, str, datetime.date]]:
    rows = ReminderItem.objects.filter(user=user).select_related("milestone")
    return sorted(
        (row.kind, row.milestone.title if row.milestone else "-", row.occasion) for row in rows
    )


def sent_to() -> list[str]:
    return sorted(address for message in mail.outbox for address in message.to)


@pytest.fixture
def plan(cast):
    """cast.project's plan, started 1 July 2026: by DAY it has been silent for 92 days."""
    return PlanFactory(project=cast.project)


def test_team_and_coach_get_their_reminders_in_one_digest_each(cast, plan):
    MilestoneFactory(project=cast.project, title="Prototype", due_on=DAY + DAYS(3))
    MilestoneFactory(project=cast.project, title="Statuts", due_on=DAY - DAYS(1))
    MilestoneFactory(project=cast.project, title="Étude", due_on=DAY - DAYS(20))
    MilestoneFactory(project=cast.project, title="Plus tard", due_on=DAY + DAYS(8))
    MilestoneFactory(project=cast.project, title="Fait", due_on=DAY - DAYS(5), done_on=DAY)

    result = send_due_reminders(day=DAY)

    assert (result.sent, result.items, result.failed) == (2, 6, 0)
    assert sent_to() == ["coach@example.org", "equipe@example.org"]
    assert items_of(cast.team_member) == [
        (ReminderKind.MILESTONE_DUE, "Prototype", DAY + DAYS(3)),
        (ReminderKind.MILESTONE_OVERDUE, "Statuts", DAY - DAYS(1)),
        (ReminderKind.MILESTONE_OVERDUE, "Étude", DAY - DAYS(20)),
        (ReminderKind.NO_UPDATE, "-", plan.starts_on),
    ]
    assert items_of(cast.coach) == [
        (ReminderKind.MILESTONE_OVERDUE_COACH, "Étude", DAY - DAYS(20)),
        (ReminderKind.NO_UPDATE, "-", plan.starts_on),
    ]
    assert list(ReminderDigest.objects.values_list("day", flat=True)) == [DAY, DAY]


def test_a_second_sweep_the_same_day_sends_nothing(cast, plan, django_assert_num_queries):
    MilestoneFactory(project=cast.project, due_on=DAY + DAYS(2))
    first = send_due_reminders(day=DAY)

    with django_assert_num_queries(3):  # people, their digests of the day, the end of the walk
        second = send_due_reminders(day=DAY)

    assert (first.sent, second.sent) == (2, 0)
    assert len(mail.outbox) == 2
    assert ReminderDigest.objects.count() == 2


def test_a_reminder_is_never_sent_again_on_later_days(cast, plan):
    MilestoneFactory(project=cast.project, title="Prototype", due_on=DAY + DAYS(6))
    send_due_reminders(day=DAY)
    mail.outbox.clear()

    quiet = [send_due_reminders(day=DAY + DAYS(n)).sent for n in range(1, 6)]
    MilestoneFactory(project=cast.project, title="Local", due_on=DAY + DAYS(12))
    later = send_due_reminders(day=DAY + DAYS(6))

    assert quiet == [0, 0, 0, 0, 0]
    assert later.sent == 1
    assert sent_to() == ["equipe@example.org"]
    assert items_of(cast.team_member) == [
        (ReminderKind.MILESTONE_DUE, "Local", DAY + DAYS(12)),
        (ReminderKind.MILESTONE_DUE, "Prototype", DAY + DAYS(6)),
        (ReminderKind.NO_UPDATE, "-", plan.starts_on),
    ]


def test_an_overdue_milestone_is_announced_once_then_to_the_coach_after_14_days(cast):
    milestone = MilestoneFactory(project=cast.project, title="Statuts", due_on=DAY)

    days_sent = {}
    for n in range(20):
        mail.outbox.clear()
        send_due_reminders(day=DAY + DAYS(n))
        if mail.outbox:
            days_sent[n] = sent_to()

    assert days_sent == {
        0: ["equipe@example.org"],
        1: ["equipe@example.org"],
        14: ["coach@example.org"],
    }
    assert items_of(cast.team_member) == [
        (ReminderKind.MILESTONE_DUE, "Statuts", milestone.due_on),
        (ReminderKind.MILESTONE_OVERDUE, "Statuts", milestone.due_on),
    ]


def test_a_moved_milestone_is_announced_again_for_its_new_date(cast):
    milestone = MilestoneFactory(project=cast.project, title="Statuts", due_on=DAY + DAYS(2))
    send_due_reminders(day=DAY)
    milestone.due_on = DAY + DAYS(5)
    milestone.save(update_fields=["due_on"])

    again = send_due_reminders(day=DAY + DAYS(1))

    assert again.sent == 1
    assert [kind for kind, _title, _on in items_of(cast.team_member)] == [
        ReminderKind.MILESTONE_DUE,
        ReminderKind.MILESTONE_DUE,
    ]


def test_silence_counts_from_the_last_update_and_each_silence_is_announced_once(cast, plan):
    update = ProjectUpdateFactory(project=cast.project, month=datetime.date(2026, 9, 1))
    posted = datetime.datetime(2026, 9, 10, 12, 0, tzinfo=datetime.UTC)
    ProjectUpdate.objects.filter(pk=update.pk).update(created_at=posted)

    before = send_due_reminders(day=datetime.date(2026, 10, 9))
    on_the_day = send_due_reminders(day=datetime.date(2026, 10, 10))
    next_day = send_due_reminders(day=datetime.date(2026, 10, 11))

    assert (before.sent, on_the_day.sent, next_day.sent) == (0, 2, 0)
    assert items_of(cast.team_member) == [
        (ReminderKind.NO_UPDATE, "-", datetime.date(2026, 9, 10)),
    ]


def test_preferences_choose_kinds_or_stop_everything(cast, plan):
    MilestoneFactory(project=cast.project, title="Bientôt", due_on=DAY + DAYS(1))
    MilestoneFactory(project=cast.project, title="Tard", due_on=DAY - DAYS(30))
    ReminderPreferenceFactory(user=cast.team_member, milestones_due=False, silent_projects=False)
    ReminderPreferenceFactory(user=cast.coach, stopped=True)

    result = send_due_reminders(day=DAY)

    assert result.sent == 1
    assert sent_to() == ["equipe@example.org"]
    assert items_of(cast.team_member) == [
        (ReminderKind.MILESTONE_OVERDUE, "Tard", DAY - DAYS(30)),
    ]
    assert items_of(cast.coach) == []


def test_only_active_projects_and_active_accounts_get_reminders(cast):
    paused = ProjectFactory(territory=cast.territory, status=ProjectStatus.PAUSED)
    ProjectMemberFactory(project=paused, user=UserFactory(email="pause@example.org"))
    MilestoneFactory(project=paused, due_on=DAY)
    ProjectMemberFactory(project=cast.project, user=None, email="sans-compte@example.org")
    ProjectMemberFactory(
        project=cast.project, user=UserFactory(email="parti@example.org", is_active=False)
    )
    MilestoneFactory(project=cast.project, due_on=DAY)

    send_due_reminders(day=DAY)

    assert sent_to() == ["equipe@example.org"]


def test_a_failed_send_is_retried_by_the_next_sweep_and_nothing_twice(cast, monkeypatch):
    for name in ("deux", "trois"):
        ProjectMemberFactory(project=cast.project, user=UserFactory(email=f"{name}@example.org"))
    MilestoneFactory(project=cast.project, due_on=DAY + DAYS(1))
    real_send = reminders.send_digest_email

    def flaky_send(*, person, day, connection=None):
        if person.user.email == "deux@example.org":
            raise OSError("le serveur de courrier ne répond pas")
        real_send(person=person, day=day, connection=connection)

    monkeypatch.setattr(reminders, "send_digest_email", flaky_send)
    first = send_due_reminders(day=DAY)
    monkeypatch.setattr(reminders, "send_digest_email", real_send)
    second = send_due_reminders(day=DAY)
    third = send_due_reminders(day=DAY)

    assert (first.sent, first.failed, second.sent, third.sent) == (2, 1, 1, 0)
    assert sent_to() == ["deux@example.org", "equipe@example.org", "trois@example.org"]
    assert ReminderItem.objects.count() == 3
    assert ReminderDigest.objects.count() == 3


class WorkerKilled(BaseException):
    """What a killed worker looks like to the code: nothing after it runs."""


def test_a_sweep_that_crashes_half_way_is_finished_by_the_next_one(cast, monkeypatch):
    people = [
        ProjectMemberFactory(project=cast.project, user=UserFactory(email=f"p{n}@example.org"))
        for n in range(4)
    ]
    MilestoneFactory(project=cast.project, due_on=DAY + DAYS(1))
    real_send = reminders.send_digest_email

    def crashing_send(*, person, day, connection=None):
        if person.user.pk == people[1].user.pk:
            raise WorkerKilled
        real_send(person=person, day=day, connection=connection)

    monkeypatch.setattr(reminders, "send_digest_email", crashing_send)
    with pytest.raises(WorkerKilled):
        send_due_reminders(day=DAY)
    sent_before_the_crash = sent_to()
    monkeypatch.setattr(reminders, "send_digest_email", real_send)
    rerun = send_due_reminders(day=DAY)

    everyone = sorted(["equipe@example.org"] + [f"p{n}@example.org" for n in range(4)])
    assert 0 < len(sent_before_the_crash) < 5
    assert rerun.sent == 5 - len(sent_before_the_crash)
    assert sent_to() == everyone
    assert ReminderDigest.objects.count() == 5
    assert ReminderItem.objects.count() == 5


def test_dry_run_lists_and_records_nothing(cast, plan):
    MilestoneFactory(project=cast.project, title="Prototype", due_on=DAY + DAYS(1))

    result = send_due_reminders(day=DAY, dry_run=True)

    planned = {person.user.email: [i.kind for i in person.items] for person in result.planned}
    assert planned == {
        "equipe@example.org": [ReminderKind.MILESTONE_DUE, ReminderKind.NO_UPDATE],
        "coach@example.org": [ReminderKind.NO_UPDATE],
    }
    assert mail.outbox == []
    assert ReminderDigest.objects.count() == 0
    assert ReminderPreference.objects.count() == 0


@pytest.mark.parametrize("project_count", (1, 3))
def test_the_sweep_reads_a_batch_with_the_same_queries_whatever_its_size(
    cast, project_count, django_assert_num_queries
):
    for _n in range(project_count):
        project = ProjectFactory(territory=cast.territory, coach=cast.coach)
        PlanFactory(project=project)
        for m in range(2):
            ProjectMemberFactory(project=project, user=UserFactory())
            MilestoneFactory(project=project, due_on=DAY - DAYS(20 + m))
            MilestoneFactory(project=project, due_on=DAY + DAYS(m))

    # people, digests of the day, team, coached, projects, sent items, silences sent,
    # milestones, silences, languages; then the walk's empty end.
    with django_assert_num_queries(11):
        result = send_due_reminders(day=DAY, dry_run=True)

    assert len(result.planned) == 2 * project_count + 1


def test_the_digest_groups_by_project_with_links_to_act_and_to_choose(cast, plan, settings):
    settings.SITE_URL = "https://territoire.example"
    other = ProjectFactory(territory=cast.territory, name="Appli orientation", slug="appli")
    ProjectMemberFactory(project=other, user=cast.team_member)
    MilestoneFactory(project=cast.project, title="Prototype <b>", due_on=DAY + DAYS(2))
    MilestoneFactory(project=other, title="Statuts", due_on=DAY - DAYS(3))

    send_due_reminders(day=DAY)

    message = next(m for m in mail.outbox if m.to == ["equipe@example.org"])
    token = ReminderPreference.objects.get(user=cast.team_member).token
    assert message.subject == "Territoire : 3 rappels pour vos projets"
    assert "== Appli orientation ==" in message.body
    assert "== Bus numérique ==" in message.body
    assert message.body.index("Appli orientation") < message.body.index("Bus numérique")
    assert "Jalon «\u00a0Prototype <b>\u00a0»\u00a0: échéance le 3 octobre 2026." in message.body
    assert (
        "Jalon «\u00a0Statuts\u00a0» en retard\u00a0: il était attendu le 28 septembre 2026."
        in message.body
    )
    assert "Pas de nouvelles depuis le 1 juillet 2026" in message.body
    assert "https://territoire.example/espace/projets/metropole-a/bus-numerique/" in message.body
    assert f"https://territoire.example/rappels/{token}/" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert "Prototype &lt;b&gt;" in html
    assert f'href="https://territoire.example/rappels/{token}/"' in html


def _coach_invited_in_english(cast) -> None:
    """The coach joined the territory through an invitation in English: their language."""
    InvitationFactory(
        territory=cast.territory,
        email=cast.coach.email,
        role="coach",
        language="en",
        accepted_at=timezone.now(),
        accepted_by=cast.coach,
    )


def test_the_digest_is_in_the_language_the_person_was_invited_in(cast):
    _coach_invited_in_english(cast)
    MilestoneFactory(project=cast.project, title="Statuts", due_on=DAY - DAYS(15))

    send_due_reminders(day=DAY)

    message = next(m for m in mail.outbox if m.to == ["coach@example.org"])
    french = next(m for m in mail.outbox if m.to == ["equipe@example.org"])
    assert "Bonjour" not in message.body
    assert "Bonjour" in french.body


def test_the_first_digest_gives_the_person_a_preferences_token_kept_afterwards(cast):
    MilestoneFactory(project=cast.project, due_on=DAY)
    send_due_reminders(day=DAY)
    token = ReminderPreference.objects.get(user=cast.team_member).token
    MilestoneFactory(project=cast.project, due_on=DAY + DAYS(3))

    send_due_reminders(day=DAY + DAYS(1))

    assert ReminderPreference.objects.get(user=cast.team_member).token == token
    assert len(token) >= 40
    assert all(
        f"/rappels/{token}/" in m.body for m in mail.outbox if m.to == [cast.team_member.email]
    )


def test_the_task_runs_the_sweep(cast):
    MilestoneFactory(project=cast.project, due_on=DAY)

    result = task_send_reminders.delay(day=DAY.isoformat())

    assert result.get() == {"day": "2026-10-01", "sent": 1, "items": 1}
    assert sent_to() == ["equipe@example.org"]


def test_the_command_dry_run_lists_then_the_command_sends(cast):
    MilestoneFactory(project=cast.project, title="Prototype", due_on=DAY + DAYS(1))
    listed, sent = StringIO(), StringIO()

    call_command("send_reminders", "--dry-run", "--day", "2026-10-01", stdout=listed)
    nothing_yet = len(mail.outbox)
    call_command("send_reminders", "--day", "2026-10-01", stdout=sent)

    assert nothing_yet == 0
    assert "equipe@example.org (1)" in listed.getvalue()
    assert "milestone_due" in listed.getvalue()
    assert "Prototype · 2026-10-02" in listed.getvalue()
    assert "Dry run for 2026-10-01: 1 digests, 1 reminders" in listed.getvalue()
    assert "2026-10-01: 1 digests sent (1 reminders)" in sent.getvalue()
    assert sent_to() == ["equipe@example.org"]


def test_the_command_refuses_a_bad_day(cast):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="AAAA-MM-JJ"):
        call_command("send_reminders", "--day", "demain")


def test_a_person_planned_by_two_sweeps_is_recorded_and_sent_by_the_first_only(cast):
    MilestoneFactory(project=cast.project, due_on=DAY)
    users = next(reminders.people_batches())
    # Both sweeps planned before either recorded anything.
    first_plan = reminders.plan_batch(users, day=DAY)
    second_plan = reminders.plan_batch(users, day=DAY)
    reminders._ensure_tokens(first_plan)
    reminders._ensure_tokens(second_plan)

    reminders.record_and_send(person=first_plan[0], day=DAY)
    with pytest.raises(reminders.AlreadySentToday):
        reminders.record_and_send(person=second_plan[0], day=DAY)

    assert sent_to() == ["equipe@example.org"]
    assert ReminderItem.objects.count() == 1


def test_the_greeting_uses_the_name_escaped_in_html_or_none(cast):
    cast.team_member.full_name = "Awa <Équipe>"
    cast.team_member.save(update_fields=["full_name"])
    cast.coach.full_name = ""
    cast.coach.save(update_fields=["full_name"])
    MilestoneFactory(project=cast.project, due_on=DAY - DAYS(15))

    send_due_reminders(day=DAY)

    team = next(m for m in mail.outbox if m.to == ["equipe@example.org"])
    coach = next(m for m in mail.outbox if m.to == ["coach@example.org"])
    assert team.body.startswith("Bonjour Awa <Équipe>,\n")
    assert "<p>Bonjour Awa &lt;Équipe&gt;,</p>" in team.alternatives[0][0]
    assert coach.body.startswith("Bonjour,\n")
    assert "Voici le rappel du jour pour les projets que vous suivez." in coach.body


def test_a_project_with_many_reminders_shows_ten_and_counts_the_others_in_each_language(cast):
    cast.project.name = "Bus <numérique>"
    cast.project.save(update_fields=["name"])
    _coach_invited_in_english(cast)
    for n in range(12):
        MilestoneFactory(project=cast.project, title=f"Étape {n}", due_on=DAY - DAYS(20 + n))

    send_due_reminders(day=DAY)

    team = next(m for m in mail.outbox if m.to == ["equipe@example.org"])
    coach = next(m for m in mail.outbox if m.to == ["coach@example.org"])
    team_html = team.alternatives[0][0]
    assert team.subject == "Territoire : 12 rappels pour vos projets"
    assert team.body.count("\n- Jalon «\u00a0Étape") == 10
    assert "== Bus <numérique> ==\n" in team.body
    assert "\n… et 2 autres rappels.\nAgir sur le projet\u00a0: http" in team.body
    assert team_html.count("<li>Jalon «\u00a0Étape") == 10
    assert "<h2>Bus &lt;numérique&gt;</h2>" in team_html
    assert "<p>… et 2 autres rappels.</p>" in team_html
    assert coach.subject == "Territoire: 12 reminders for your projects"
    assert coach.body.count("is more than 14 days overdue") == 10
    assert "\n… and 2 other reminders.\nGo to the project: http" in coach.body
