import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from challenges.models import TrainingAttendance
from territoire.enums import Role
from tests.challenges.factories import TrainingAttendanceFactory, TrainingSessionFactory
from tests.conftest import member


def list_url(territory) -> str:
    return reverse("training_list", kwargs={"territory_slug": territory.slug})


def respond_url(session) -> str:
    return reverse(
        "training_respond", kwargs={"territory_slug": session.territory.slug, "pk": session.pk}
    )


def attendance_url(session) -> str:
    return reverse(
        "training_attendance", kwargs={"territory_slug": session.territory.slug, "pk": session.pk}
    )


def days_from_now(days: int) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(days=days)


def test_facilitator_sees_upcoming_and_past_sessions_with_their_answer(client, cast):
    upcoming = TrainingSessionFactory(
        territory=cast.territory,
        title="Animer une table",
        starts_at=datetime.datetime(2030, 5, 12, 16, 30, tzinfo=datetime.UTC),
        place="Maison des associations, Roubaix",
        capacity=20,
    )
    past = TrainingSessionFactory(
        territory=cast.territory, title="Première formation", starts_at=days_from_now(-3)
    )
    TrainingSessionFactory(territory=cast.other_territory, title="Ailleurs")
    TrainingAttendanceFactory(session=upcoming, facilitator=cast.facilitator, will_attend=True)
    TrainingAttendanceFactory(
        session=upcoming, facilitator=member(cast.territory, Role.FACILITATOR), will_attend=True
    )
    client.force_login(cast.facilitator)

    response = client.get(list_url(cast.territory))

    assert response.status_code == 200
    assert [row.session.title for row in response.context["upcoming"]] == ["Animer une table"]
    assert [row.session.title for row in response.context["past"]] == ["Première formation"]
    assert response.context["upcoming"][0].my_answer is True
    assert response.context["past"][0].my_answer is None
    html = response.content.decode()
    assert "dimanche 12 mai 2030, 18h30" in html
    assert "Maison des associations, Roubaix" in html
    assert "2 sur 20 places" in html
    assert "vous viendrez" in html
    assert html.count('name="will_attend"') == 2  # the upcoming session's buttons only
    assert "Ailleurs" not in html
    assert attendance_url(upcoming) not in html
    assert past.place in html


def test_organiser_sees_answer_counts_and_attendance_links(client, cast):
    session = TrainingSessionFactory(territory=cast.territory)
    second = member(cast.territory, Role.FACILITATOR)
    member(cast.territory, Role.FACILITATOR)  # has not answered
    TrainingAttendanceFactory(session=session, facilitator=cast.facilitator, will_attend=True)
    TrainingAttendanceFactory(session=session, facilitator=second, will_attend=False)
    # Someone who is no longer a facilitator of the territory is not counted.
    TrainingAttendanceFactory(session=session, facilitator=cast.coach, will_attend=True)
    client.force_login(cast.organiser)

    response = client.get(list_url(cast.territory))

    listed = response.context["upcoming"][0]
    assert (listed.session.coming, listed.session.not_coming, listed.no_answer) == (1, 1, 1)
    html = response.content.decode()
    assert "1 vient" in html
    assert "1 ne vient pas" in html
    assert "1 sans réponse" in html
    assert attendance_url(session) in html
    assert 'name="will_attend"' not in html


def test_superuser_sees_the_counts_but_does_not_answer(client, cast):
    TrainingSessionFactory(territory=cast.territory)
    client.force_login(cast.superuser)

    response = client.get(list_url(cast.territory))

    html = response.content.decode()
    assert response.context["can_mark"] is True
    assert "sans réponse" in html
    assert 'name="will_attend"' not in html


@pytest.mark.parametrize("item_count", (1, 3))
def test_training_list_in_bounded_queries(client, cast, django_assert_num_queries, item_count):
    for index in range(item_count):
        session = TrainingSessionFactory(
            territory=cast.territory, starts_at=days_from_now(index - 1)
        )
        TrainingAttendanceFactory(
            session=session,
            facilitator=member(cast.territory, Role.FACILITATOR),
            will_attend=True,
        )
        TrainingAttendanceFactory(session=session, facilitator=cast.facilitator, will_attend=False)
    client.force_login(cast.facilitator)

    # session, user, territory, roles, the facilitator's answers, sessions with their counts
    with django_assert_num_queries(6):
        response = client.get(list_url(cast.territory))

    assert len(response.context["upcoming"]) + len(response.context["past"]) == item_count


def test_facilitator_responds_then_changes_their_answer(client, cast):
    session = TrainingSessionFactory(territory=cast.territory, title="Animer une table")
    client.force_login(cast.facilitator)

    first = client.post(respond_url(session), {"will_attend": "1"}, follow=True)
    second = client.post(respond_url(session), {"will_attend": "0"}, follow=True)

    assert first.redirect_chain == [(list_url(cast.territory) + f"#session-{session.pk}", 302)]
    assert "vous viendrez à « Animer une table »" in first.content.decode()
    assert "vous ne pourrez pas venir à « Animer une table »" in second.content.decode()
    attendance = TrainingAttendance.objects.get()
    assert (attendance.session, attendance.facilitator, attendance.will_attend) == (
        session,
        cast.facilitator,
        False,
    )


def test_answering_a_past_session_is_refused(client, cast):
    session = TrainingSessionFactory(territory=cast.territory, starts_at=days_from_now(-1))
    client.force_login(cast.facilitator)

    response = client.post(respond_url(session), {"will_attend": "1"}, follow=True)

    assert "Cette formation a déjà eu lieu" in response.content.decode()
    assert TrainingAttendance.objects.count() == 0


def test_answering_without_a_choice_changes_nothing(client, cast):
    session = TrainingSessionFactory(territory=cast.territory)
    client.force_login(cast.facilitator)

    response = client.post(respond_url(session), {"will_attend": "peut-être"}, follow=True)

    assert "Dites si vous viendrez ou non." in response.content.decode()
    assert TrainingAttendance.objects.count() == 0


def test_answering_another_territorys_session_is_not_found(client, cast):
    session = TrainingSessionFactory(territory=cast.other_territory)
    client.force_login(cast.facilitator)

    response = client.post(
        reverse(
            "training_respond", kwargs={"territory_slug": cast.territory.slug, "pk": session.pk}
        ),
        {"will_attend": "1"},
    )

    assert response.status_code == 404
    assert TrainingAttendance.objects.count() == 0


def test_organiser_marks_attendance(client, cast):
    session = TrainingSessionFactory(territory=cast.territory, starts_at=days_from_now(-2))
    absent = member(cast.territory, Role.FACILITATOR, full_name="Zoé Absente")
    unmarked = member(cast.territory, Role.FACILITATOR)
    TrainingAttendanceFactory(session=session, facilitator=absent, will_attend=True)
    client.force_login(cast.organiser)

    response = client.post(
        attendance_url(session),
        {
            f"attended-{cast.facilitator.pk}": "1",
            f"attended-{absent.pk}": "0",
            f"attended-{cast.coach.pk}": "1",  # not a facilitator: ignored
            f"attended-{unmarked.pk}": "",
        },
        follow=True,
    )

    assert response.redirect_chain == [(attendance_url(session), 302)]
    assert "Présences enregistrées pour 2 personnes." in response.content.decode()
    assert set(
        TrainingAttendance.objects.values_list(
            "facilitator_id", "will_attend", "attended", "attendance_marked_by_id"
        )
    ) == {
        (cast.facilitator.pk, None, True, cast.organiser.pk),
        (absent.pk, True, False, cast.organiser.pk),
    }


def test_attendance_page_lists_the_facilitators_and_their_answers(client, cast):
    session = TrainingSessionFactory(territory=cast.territory, starts_at=days_from_now(-2))
    TrainingAttendanceFactory(
        session=session, facilitator=cast.facilitator, will_attend=True, attended=True
    )
    member(cast.other_territory, Role.FACILITATOR, full_name="Autre Territoire")
    client.force_login(cast.organiser)

    response = client.get(attendance_url(session))

    html = response.content.decode()
    assert [row["membership"].user for row in response.context["rows"]] == [cast.facilitator]
    assert cast.facilitator.full_name in html
    assert "viendra" in html
    assert f'value="1" id="attended-{cast.facilitator.pk}-yes" checked' in html
    assert "Autre Territoire" not in html


@pytest.mark.parametrize("item_count", (1, 3))
def test_attendance_page_in_bounded_queries(client, cast, django_assert_num_queries, item_count):
    session = TrainingSessionFactory(territory=cast.territory)
    for _index in range(item_count):
        TrainingAttendanceFactory(
            session=session, facilitator=member(cast.territory, Role.FACILITATOR), will_attend=True
        )
    client.force_login(cast.organiser)

    # session, user, territory, roles, training session, facilitators, their answers
    with django_assert_num_queries(7):
        response = client.get(attendance_url(session))

    assert len(response.context["rows"]) == item_count + 1


def test_attendance_of_another_territorys_session_is_not_found(client, cast):
    session = TrainingSessionFactory(territory=cast.other_territory)
    client.force_login(cast.organiser)

    response = client.get(
        reverse(
            "training_attendance",
            kwargs={"territory_slug": cast.territory.slug, "pk": session.pk},
        )
    )

    assert response.status_code == 404


# Who may use these pages


@pytest.mark.parametrize("role", ["stranger", "coach", "official", "other_organiser"])
def test_training_list_is_forbidden_to_others(client, cast, role):
    client.force_login(getattr(cast, role))

    response = client.get(list_url(cast.territory))

    assert response.status_code == 403


@pytest.mark.parametrize("role", ["stranger", "organiser", "coach", "official", "other_organiser"])
def test_only_facilitators_respond(client, cast, role):
    session = TrainingSessionFactory(territory=cast.territory)
    client.force_login(getattr(cast, role))

    response = client.post(respond_url(session), {"will_attend": "1"})

    assert response.status_code == 403
    assert TrainingAttendance.objects.count() == 0


@pytest.mark.parametrize(
    "role", ["stranger", "facilitator", "coach", "official", "other_organiser"]
)
def test_attendance_is_forbidden_to_others(client, cast, role):
    session = TrainingSessionFactory(territory=cast.territory)
    client.force_login(getattr(cast, role))

    get = client.get(attendance_url(session))
    post = client.post(attendance_url(session), {f"attended-{cast.facilitator.pk}": "1"})

    assert (get.status_code, post.status_code) == (403, 403)
    assert TrainingAttendance.objects.count() == 0


@pytest.mark.parametrize("url_name", ["training_list", "training_respond", "training_attendance"])
def test_training_pages_ask_anonymous_people_to_sign_in(client, cast, url_name):
    kwargs = {"territory_slug": cast.territory.slug}
    if url_name != "training_list":
        kwargs["pk"] = TrainingSessionFactory(territory=cast.territory).pk

    response = client.get(reverse(url_name, kwargs=kwargs))

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_respond_refuses_get(client, cast):
    session = TrainingSessionFactory(territory=cast.territory)
    client.force_login(cast.facilitator)

    response = client.get(respond_url(session))

    assert response.status_code == 405


def test_full_session_refuses_a_new_participant_but_not_one_already_coming(client, cast):
    from challenges.domain.training import TrainingRefused, respond
    from tests.challenges.factories import TrainingAttendanceFactory, TrainingSessionFactory
    from tests.conftest import member

    session = TrainingSessionFactory(territory=cast.territory, capacity=1)
    TrainingAttendanceFactory(session=session, facilitator=cast.facilitator, will_attend=True)
    latecomer = member(cast.territory, "facilitator", email="tard@example.org")

    with pytest.raises(TrainingRefused, match="complète"):
        respond(session=session, facilitator=latecomer, will_attend=True)
    respond(session=session, facilitator=cast.facilitator, will_attend=True)

    assert session.attendances.filter(will_attend=True).count() == 1


def test_full_session_answer_is_refused_with_a_message(client, cast):
    from tests.challenges.factories import TrainingAttendanceFactory, TrainingSessionFactory
    from tests.conftest import member

    session = TrainingSessionFactory(territory=cast.territory, capacity=1)
    TrainingAttendanceFactory(
        session=session, facilitator=member(cast.territory, "facilitator"), will_attend=True
    )
    client.force_login(cast.facilitator)

    response = client.post(
        reverse(
            "training_respond", kwargs={"territory_slug": cast.territory.slug, "pk": session.pk}
        ),
        {"will_attend": "1"},
        follow=True,
    )

    assert "Cette formation est complète" in response.content.decode()
    assert not session.attendances.filter(facilitator=cast.facilitator).exists()
