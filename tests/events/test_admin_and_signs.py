"""Organisers set the evening up in the admin and print the table signs."""

from django.urls import reverse

from events.models import Table
from tests.challenges.factories import ChallengeFactory
from tests.events.factories import EventFactory, TableFactory

EMPTY_INLINES = {
    f"{prefix}-{field}": 0
    for prefix in ("contributions", "quotes")
    for field in ("TOTAL_FORMS", "INITIAL_FORMS")
}


def test_organiser_adds_a_table_and_gets_a_short_code(client, cast):
    event = EventFactory(territory=cast.territory)
    challenge = ChallengeFactory(territory=cast.territory)
    client.force_login(cast.organiser)

    response = client.post(
        reverse("admin:events_table_add"),
        {
            "event": event.pk,
            "challenge": challenge.pk,
            "name": "Table des seniors",
            "code": "",
            "capacity": 12,
            "dots_per_participant": 3,
            "phase": "ideation",
            "facilitators": [cast.facilitator.pk],
            **EMPTY_INLINES,
        },
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    table = Table.objects.get()
    assert len(table.code) == 5
    assert set("0O1IL") & set(table.code) == set()
    assert list(table.facilitators.all()) == [cast.facilitator]


def test_a_challenge_of_another_territory_is_refused(client, cast):
    event = EventFactory(territory=cast.territory)
    foreign = ChallengeFactory(territory=cast.other_territory)
    client.force_login(cast.superuser)

    response = client.post(
        reverse("admin:events_table_add"),
        {
            "event": event.pk,
            "challenge": foreign.pk,
            "name": "Table",
            "capacity": 12,
            "dots_per_participant": 3,
            "phase": "ideation",
            **EMPTY_INLINES,
        },
    )

    assert response.status_code == 200
    assert "challenge" in response.context["adminform"].form.errors
    assert not Table.objects.exists()


def test_organiser_sees_only_their_territorys_tables(client, cast, django_assert_max_num_queries):
    TableFactory(event=EventFactory(territory=cast.territory), name="Table de A")
    TableFactory(event=EventFactory(territory=cast.other_territory), name="Table de B")
    client.force_login(cast.organiser)

    with django_assert_max_num_queries(20):
        response = client.get(reverse("admin:events_table_changelist"))

    assert [t.name for t in response.context["cl"].result_list] == ["Table de A"]


def test_table_qr_encodes_the_join_page(client, db):
    table = TableFactory(code="RBX01")

    response = client.get(reverse("table_qr", kwargs={"code": "rbx01"}))

    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert response.content.lstrip().startswith((b"<?xml", b"<svg"))
    assert table.code == "RBX01"


def test_unknown_table_qr_is_404(client, db):
    assert client.get(reverse("table_qr", kwargs={"code": "NOPE1"})).status_code == 404


def test_signs_list_every_table_with_its_code(client, cast, django_assert_max_num_queries):
    event = EventFactory(territory=cast.territory)
    TableFactory(event=event, name="Table 1", code="AAA11")
    TableFactory(event=event, name="Table 2", code="BBB22")
    client.force_login(cast.organiser)

    with django_assert_max_num_queries(8):
        response = client.get(reverse("table_signs", kwargs={"slug": event.slug}))

    html = response.content.decode()
    assert response.status_code == 200
    assert "AAA11" in html and "BBB22" in html
    assert reverse("table_qr", kwargs={"code": "AAA11"}) in html


def test_a_signs_question_keeps_its_question_mark_on_its_line(client, cast):
    challenge = ChallengeFactory(
        territory=cast.territory, question="Comment trouver un premier emploi ?"
    )
    event = EventFactory(territory=cast.territory)
    TableFactory(event=event, challenge=challenge)
    client.force_login(cast.organiser)

    html = client.get(reverse("table_signs", kwargs={"slug": event.slug})).content.decode()

    assert "Comment trouver un premier emploi\u202f?" in html


def test_signs_are_for_organisers_only(client, cast):
    event = EventFactory(territory=cast.territory)
    client.force_login(cast.facilitator)

    assert client.get(reverse("table_signs", kwargs={"slug": event.slug})).status_code == 403


def test_finishing_an_event_closes_its_tables(client, cast):
    event = EventFactory(territory=cast.territory)
    table = TableFactory(event=event)
    client.force_login(cast.organiser)

    client.post(
        reverse("admin:events_event_changelist"),
        {"action": "mark_finished", "_selected_action": [event.pk]},
    )

    table.refresh_from_db()
    event.refresh_from_db()
    assert (event.status, table.phase) == ("finished", "closed")
    assert table.version >= 1


def test_table_form_offers_only_the_organisers_events_challenges_and_people(client, cast):
    own_event = EventFactory(territory=cast.territory)
    EventFactory(territory=cast.other_territory)
    own_challenge = ChallengeFactory(territory=cast.territory)
    ChallengeFactory(territory=cast.other_territory)
    client.force_login(cast.organiser)

    form = client.get(reverse("admin:events_table_add")).context["adminform"].form

    assert list(form.fields["event"].queryset) == [own_event]
    assert list(form.fields["challenge"].queryset) == [own_challenge]
    assert cast.other_organiser not in form.fields["facilitators"].queryset
    assert cast.facilitator in form.fields["facilitators"].queryset
