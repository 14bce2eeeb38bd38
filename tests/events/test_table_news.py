"""Attendees keep a thread after the night: an address left at the table (double opt-in,
consent dated), the news of the table's projects sent once each, the closed table's page."""

import datetime
import html
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from events.domain import table_news
from events.domain.table_news import (
    FORMED,
    TableFollowRefused,
    confirm_table_following,
    confirmation_token,
    follow_table,
    send_due_table_news,
    stop_table_following,
)
from events.enums import EventStatus, Phase
from events.models import TableFollower, TableNewsSent
from projects.announcements import announce_publication
from projects.domain.publishing import publish_formed_project, set_project_status
from projects.enums import ProjectStatus
from projects.models import Project
from tests.events.factories import FormedProjectFactory, TableFactory, TeamMemberFactory
from tests.events.test_participant import join, join_url, text


def follower(table, email="awa@example.org", **fields):
    defaults = {"token": "jeton-" + re.sub(r"\W", "-", email), "confirmed_at": timezone.now()}
    return TableFollower.objects.create(table=table, email=email, **(defaults | fields))


def urls_in(body: str) -> list[str]:
    return re.findall(r"https?://\S+", body)


@pytest.fixture
def closed_table(cast):
    table = TableFactory(event__territory=cast.territory, name="Seniors 1", phase=Phase.CLOSED)
    FormedProjectFactory(table=table, name="Numéribus", pitch="Un bus numérique.")
    FormedProjectFactory(table=table, name="Café des aidants", pitch="Un café.")
    table.project_count = 2
    table.save(update_fields=["project_count"])
    return table


# Following, confirming, stopping ----------------------------------------------------------------


def test_following_sends_only_a_confirmation_with_a_signed_link(
    db, mailoutbox, django_capture_on_commit_callbacks
):
    table = TableFactory(name="Seniors 1")

    with django_capture_on_commit_callbacks(execute=True):
        asked = follow_table(table=table, email=" Awa@Example.org ", language="fr")

    assert (asked.email, asked.confirmed_at) == ("awa@example.org", None)
    assert [m.to for m in mailoutbox] == [["awa@example.org"]]
    body = mailoutbox[0].body
    assert "Seniors 1" in mailoutbox[0].subject
    confirm, stop = urls_in(body)
    assert "/tables/suivre/" in confirm
    token = confirm.rstrip("/").rsplit("/", 1)[-1]
    assert confirm_table_following(token=token).pk == asked.pk
    assert stop.endswith(reverse("table_follow_stop", kwargs={"token": asked.token}))


def test_asking_again_while_confirmed_sends_nothing(
    db, mailoutbox, django_capture_on_commit_callbacks
):
    confirmed = follower(TableFactory())

    with django_capture_on_commit_callbacks(execute=True):
        again = follow_table(table=confirmed.table, email="AWA@example.org")

    assert again.pk == confirmed.pk
    assert again.confirmed_at is not None
    assert mailoutbox == []


def test_confirming_records_the_date_of_consent_once(db):
    asked = follower(TableFactory(), confirmed_at=None)
    token = confirmation_token(asked)

    first = confirm_table_following(token=token)
    again = confirm_table_following(token=token)

    assert first.confirmed_at is not None
    assert again.confirmed_at == first.confirmed_at


@pytest.mark.parametrize("token", ("pas-un-jeton", "expired"))
def test_a_bad_or_expired_link_is_refused(db, token, monkeypatch):
    asked = follower(TableFactory(), confirmed_at=None)
    if token == "expired":
        token = confirmation_token(asked)
        monkeypatch.setattr(table_news, "CONFIRMATION_MAX_AGE", datetime.timedelta(seconds=-1))

    with pytest.raises(TableFollowRefused):
        confirm_table_following(token=token)


def test_an_invalid_address_is_refused(db):
    with pytest.raises(TableFollowRefused, match="adresse e-mail valide"):
        follow_table(table=TableFactory(), email="pas-une-adresse")


def test_the_confirmation_page_confirms_on_post_only(client, db):
    asked = follower(TableFactory(), confirmed_at=None)
    url = reverse("table_follow_confirm", kwargs={"token": confirmation_token(asked)})

    shown = client.get(url)
    asked.refresh_from_db()
    assert (shown.status_code, asked.confirmed_at) == (200, None)

    done = client.post(url)
    asked.refresh_from_db()
    assert done.status_code == 200
    assert "Merci, c'est confirmé" in text(done)
    assert asked.confirmed_at is not None


def test_the_stop_link_stops_and_an_unknown_one_says_so(client, db):
    confirmed = follower(TableFactory())

    stopped = client.post(reverse("table_follow_stop", kwargs={"token": confirmed.token}))
    unknown = client.post(reverse("table_follow_stop", kwargs={"token": "inconnu"}))

    confirmed.refresh_from_db()
    assert confirmed.stopped_at is not None
    assert "Vous ne recevrez plus rien" in text(stopped)
    assert (unknown.status_code, "Ce lien n'est pas valide." in text(unknown)) == (400, True)
    assert stop_table_following(token=confirmed.token).stopped_at == confirmed.stopped_at


# From the phone ---------------------------------------------------------------------------------


def test_a_seated_participant_leaves_an_address_from_the_table_page(
    client, db, mailoutbox, django_capture_on_commit_callbacks
):
    table = TableFactory(phase=Phase.IDEATION)
    participant = join(client, table)
    page = client.get(join_url(table))
    assert "Savoir ce que deviennent les idées de la table" in text(page)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("table_follow", kwargs={"code": table.code}),
            {"email": "awa@example.org", "consent": "on"},
        )

    assert response.status_code == 302
    assert response.url == join_url(table) + "#suivre"
    asked = TableFollower.objects.get()
    assert (asked.participant, asked.email) == (participant, "awa@example.org")
    assert len(mailoutbox) == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"email": "awa@example.org"}, "Cochez la case pour donner votre accord."),
        ({"email": "pas-une-adresse", "consent": "on"}, "Cette adresse e-mail n'est pas valide."),
        ({"email": "", "consent": "on"}, "Indiquez l'adresse où recevoir les nouvelles"),
    ],
)
def test_bad_input_keeps_what_was_typed(client, db, data, message):
    table = TableFactory()

    response = client.post(reverse("table_follow", kwargs={"code": table.code}), data)

    assert response.status_code == 400
    assert message in text(response)
    if data["email"]:
        assert f'value="{data["email"]}"' in response.content.decode()
    assert TableFollower.objects.count() == 0


def test_an_unknown_code_is_404(client, db):
    response = client.post(reverse("table_follow", kwargs={"code": "NOPE9"}), {"email": "a@b.c"})

    assert response.status_code == 404


# The closed table's page ------------------------------------------------------------------------


def _publish(cast, formed, **fields):
    return publish_formed_project(
        formed_project=formed,
        by=cast.organiser,
        name=formed.name,
        pitch=formed.pitch,
        challenge=None,
        domain=None,
        lead_organisation=None,
        **fields,
    )


# Seated at a closed table: the participant and table; what she was asked to be named for (one
# UNION of quotes and contributions); the projects born there, their public pages, the
# participant's teams (the ``table_outcome`` tag).
CLOSED_PAGE_QUERIES = 5


def test_the_closed_table_links_its_published_projects(
    client, cast, closed_table, django_assert_num_queries
):
    formed = closed_table.projects.get(name="Numéribus")
    TeamMemberFactory(project=formed, email="a@b.org")
    project = _publish(cast, formed)
    TableFactory(phase=Phase.CLOSED)  # another table's projects must not show
    client.cookies.clear()

    # Seated (the cookie of the evening) ...
    participant = join_table_directly(client, closed_table)
    with django_assert_num_queries(CLOSED_PAGE_QUERIES):
        seated = client.get(join_url(closed_table))
    # ... and after the night, when the cookie is gone.
    client.cookies.clear()
    later = client.get(join_url(closed_table))

    for response in (seated, later):
        page = response.content.decode()
        assert f'<a href="{project.get_absolute_url()}">Numéribus</a>' in page
        assert "<strong>Café des aidants</strong>" in page
        assert "Savoir ce que deviennent les idées de la table" in page
    assert participant.table == closed_table


def join_table_directly(client, table):
    """Seat the client while the table is open, then close it again."""
    table.phase = Phase.IDEATION
    table.save(update_fields=["phase"])
    participant = join(client, table)
    table.phase = Phase.CLOSED
    table.save(update_fields=["phase"])
    from events.domain.board import bump

    bump(table.pk)
    return participant


# The news, each e-mail once ---------------------------------------------------------------------


def test_the_sweep_tells_confirmed_followers_once(cast, closed_table, mailoutbox):
    awa = follower(closed_table)
    follower(closed_table, email="pending@example.org", confirmed_at=None)
    follower(closed_table, email="stopped@example.org", stopped_at=timezone.now())
    follower(TableFactory(phase=Phase.IDEATION), email="open@example.org")  # not closed yet

    first = send_due_table_news()
    again = send_due_table_news()

    assert (first, again) == (1, 0)
    assert [m.to for m in mailoutbox] == [["awa@example.org"]]
    body = mailoutbox[0].body
    assert "Numéribus" in body and "Café des aidants" in body
    assert urls_in(body)[-1].endswith(reverse("table_follow_stop", kwargs={"token": awa.token}))
    assert list(TableNewsSent.objects.values_list("follower", "occasion")) == [(awa.pk, FORMED)]


def test_a_finished_event_counts_as_closed_and_expired_requests_are_forgotten(cast, mailoutbox):
    table = TableFactory(event__status=EventStatus.FINISHED, phase=Phase.FORMATION)
    FormedProjectFactory(table=table)
    table.project_count = 1
    table.save(update_fields=["project_count"])
    follower(table)
    follower(table, email="ancien@example.org", confirmed_at=None)
    later = timezone.now() + datetime.timedelta(days=8)

    assert send_due_table_news(now=later) == 1
    assert list(TableFollower.objects.values_list("email", flat=True)) == ["awa@example.org"]


def _new_link(mailoutbox) -> str:
    confirm = next(u for u in urls_in(mailoutbox[-1].body) if "/tables/suivre/" in u)
    return confirm.rstrip("/").rsplit("/", 1)[-1]


def test_asking_again_after_stopping_gives_a_link_the_sweep_does_not_erase(
    cast, mailoutbox, django_capture_on_commit_callbacks
):
    old = follower(TableFactory(), stopped_at=timezone.now())
    long_ago = timezone.now() - datetime.timedelta(days=30)
    TableFollower.objects.filter(pk=old.pk).update(created_at=long_ago, requested_at=long_ago)

    with django_capture_on_commit_callbacks(execute=True):
        follow_table(table=old.table, email="awa@example.org")
    send_due_table_news()  # the 15-minute sweep, minutes later

    assert confirm_table_following(token=_new_link(mailoutbox)).pk == old.pk
    assert TableFollower.objects.get(pk=old.pk).requested_at > long_ago


def test_stopping_and_asking_again_never_sends_the_same_news_twice(
    cast, closed_table, mailoutbox, django_capture_on_commit_callbacks
):
    awa = follower(closed_table)
    assert send_due_table_news() == 1
    stop_table_following(token=awa.token)
    later = timezone.now() + datetime.timedelta(days=8)
    with django_capture_on_commit_callbacks(execute=True):
        follow_table(table=closed_table, email="awa@example.org")
        follow_table(table=closed_table, email="jamais@example.org")  # never confirms
    send_due_table_news(now=later)  # both links expired unconfirmed

    # The address that was told is kept (its news sent stay sent); the other one is erased.
    assert list(TableFollower.objects.values_list("email", flat=True)) == ["awa@example.org"]
    with django_capture_on_commit_callbacks(execute=True):
        follow_table(table=closed_table, email="awa@example.org")
    confirm_table_following(token=_new_link(mailoutbox))
    told = len(mailoutbox)

    assert send_due_table_news() == 0
    assert len(mailoutbox) == told
    assert TableNewsSent.objects.filter(follower=awa, occasion=FORMED).count() == 1


def test_a_failed_send_records_nothing_and_the_next_run_sends(
    cast, closed_table, mailoutbox, settings
):
    follower(closed_table)
    settings.EMAIL_BACKEND = "tests.events.test_table_news.FailingBackend"

    assert send_due_table_news() == 0
    assert TableNewsSent.objects.count() == 0

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert send_due_table_news() == 1


class FailingBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise OSError("the mail server is down")


def test_publishing_tells_the_tables_followers_once_with_the_link(
    cast, closed_table, mailoutbox, django_capture_on_commit_callbacks
):
    follower(closed_table)
    formed = closed_table.projects.get(name="Numéribus")

    with django_capture_on_commit_callbacks(execute=True):
        project = _publish(cast, formed)
    announce_publication(project_id=project.pk)  # the task running twice

    news = [m for m in mailoutbox if "est publié" in m.subject]
    assert [m.to for m in news] == [["awa@example.org"]]
    assert f"{project.get_absolute_url()}#suivre" in news[0].body
    assert "tables/arreter/" in news[0].body


def test_a_project_kept_private_is_told_once_it_becomes_public(
    cast, closed_table, mailoutbox, django_capture_on_commit_callbacks
):
    follower(closed_table)
    formed = closed_table.projects.get(name="Numéribus")
    with django_capture_on_commit_callbacks(execute=True):
        project = _publish(cast, formed, status=ProjectStatus.DRAFT)
    assert [m for m in mailoutbox if "est publié" in m.subject] == []

    with django_capture_on_commit_callbacks(execute=True):
        set_project_status(project=project, by=cast.organiser, status=ProjectStatus.ACTIVE)

    assert len([m for m in mailoutbox if "est publié" in m.subject]) == 1
    assert Project.objects.get(pk=project.pk).is_public
    assert html.unescape("Numéribus") in mail.outbox[-1].subject


# Asked when registering -------------------------------------------------------------------------


def test_the_registration_form_records_the_request(client, db):
    from events.enums import EventStatus as Status
    from tests.events.factories import EventFactory

    event = EventFactory(status=Status.REGISTRATION_OPEN)

    response = client.post(
        reverse("event_register", kwargs={"slug": event.slug}),
        {"full_name": "Awa", "email": "awa@example.org", "table_news": "on", "consent": "on"},
    )

    assert response.status_code == 302
    assert event.registrations.get().table_news_asked_at is not None


def test_registrants_who_asked_get_the_confirmation_once_their_table_closed(
    cast, closed_table, mailoutbox, django_capture_on_commit_callbacks
):
    from tests.events.factories import ParticipantFactory, RegistrationFactory

    asked = RegistrationFactory(
        event=closed_table.event, email="awa@example.org", table_news_asked_at=timezone.now()
    )
    ParticipantFactory(table=closed_table, registration=asked)
    ParticipantFactory(table=closed_table, registration=RegistrationFactory(event=asked.event))

    with django_capture_on_commit_callbacks(execute=True):
        first = send_due_table_news()
    with django_capture_on_commit_callbacks(execute=True):
        send_due_table_news(now=timezone.now() + datetime.timedelta(days=8))

    assert first == 0  # nothing but the confirmation before they confirm
    assert [m.to for m in mailoutbox] == [["awa@example.org"]]
    assert "/tables/suivre/" in mailoutbox[0].body
    assert TableFollower.objects.count() == 0  # unconfirmed, expired, forgotten; not re-asked
