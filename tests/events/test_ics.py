import datetime

import pytest
from django.urls import reverse

from events.enums import EventStatus
from events.ics import escape_text, event_ics, fold
from tests.events.factories import EventFactory

STARTS_AT = datetime.datetime(2026, 6, 4, 16, 0, tzinfo=datetime.UTC)
NOW = datetime.datetime(2026, 5, 1, 8, 30, 15, tzinfo=datetime.UTC)


def unfold(text: str) -> list[str]:
    return text.replace("\r\n ", "").split("\r\n")


@pytest.fixture
def event(cast):
    return EventFactory(
        territory=cast.territory,
        slug="roubaix-2026",
        title="Soirée de lancement; Roubaix",
        venue="Vélodrome couvert, Roubaix",
        address="1 rue Alexandre Fleming",
        description="Mille personnes\\trente tables\nun seul soir.",
        starts_at=STARTS_AT,
        ends_at=STARTS_AT + datetime.timedelta(hours=6),
    )


def test_ics_is_one_vevent_in_utc_with_escaped_text(event):
    text = event_ics(event, url="https://territoire.example/soirees/roubaix-2026/", now=NOW)

    lines = unfold(text)
    assert lines[:6] == [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Territoire//Soirée de lancement//FR",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
    ]
    assert "UID:roubaix-2026@territoire" in lines
    assert "DTSTAMP:20260501T083015Z" in lines
    assert "DTSTART:20260604T160000Z" in lines
    assert "DTEND:20260604T220000Z" in lines
    assert "SUMMARY:Soirée de lancement\\; Roubaix" in lines
    assert "LOCATION:Vélodrome couvert\\, Roubaix\\, 1 rue Alexandre Fleming" in lines
    assert (
        "DESCRIPTION:Mille personnes\\\\trente tables\\nun seul soir.\\n\\n"
        "https://territoire.example/soirees/roubaix-2026/"
    ) in lines
    assert lines[-3:] == ["END:VEVENT", "END:VCALENDAR", ""]


def test_ics_uses_crlf_and_folds_long_lines_at_75_octets(event):
    event.description = "Une soirée où l'on débat, " * 20

    text = event_ics(event, url="https://territoire.example/", now=NOW)

    assert text.endswith("\r\n")
    assert "\n" not in text.replace("\r\n", "")
    physical = text.split("\r\n")[:-1]
    assert max(len(line.encode()) for line in physical) <= 75
    assert any(line.startswith(" ") for line in physical)
    assert "DESCRIPTION:" + escape_text(event.description.strip()) in "\n".join(unfold(text))


def test_fold_never_splits_a_multibyte_character():
    line = "SUMMARY:" + "é" * 100

    folded = fold(line)

    pieces = folded.split("\r\n")
    assert all(len(piece.encode()) <= 75 for piece in pieces)
    assert all(piece.encode().decode() == piece for piece in pieces)
    assert folded.replace("\r\n ", "") == line


def test_ics_view_serves_a_calendar_file(client, event, settings):
    settings.SITE_URL = "https://territoire.example"

    response = client.get(reverse("event_ics", kwargs={"slug": event.slug}))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="roubaix-2026.ics"'
    body = response.content.decode()
    assert body.startswith("BEGIN:VCALENDAR\r\n")
    assert "DTSTART:20260604T160000Z\r\n" in body
    assert "\\n\\nhttps://territoire.example/soirees/roubaix-2026/\r\n" in "\r\n".join(unfold(body))


def test_ics_of_a_draft_event_is_404(client, cast):
    event = EventFactory(territory=cast.territory, status=EventStatus.DRAFT)

    assert client.get(reverse("event_ics", kwargs={"slug": event.slug})).status_code == 404
