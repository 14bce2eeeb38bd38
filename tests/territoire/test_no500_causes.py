"""The causes of server errors found by hostile form posts (issue 14), one regression test each;
tests/test_no_server_error.py generates such input for every endpoint."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.converters import IntConverter

from accompaniment.enums import JobStatus
from events.models import Idea
from territoire.converters import DatabaseIdConverter
from territoire.models import Membership, Organisation
from territoire.tasks import task_send_email
from tests.hostile import HUGE_ID
from tests.test_permission_matrix import _objects, _url

REFUSED = "caractère invisible"


def _patterns(patterns, prefix=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _patterns(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry


def test_no_url_takes_an_unbounded_integer():
    unbounded = [
        route
        for route, entry in _patterns(get_resolver().url_patterns)
        if any(isinstance(c, IntConverter) for c in entry.pattern.converters.values())
    ]

    assert unbounded == [], "use <id:…> (territoire/converters.py) for database ids"
    assert DatabaseIdConverter.regex == "[0-9]{1,18}"


@pytest.mark.parametrize("key", ("vote_cast", "milestone_edit", "job_return", "report_download"))
def test_a_huge_id_in_an_address_is_not_found(client, cast, key):
    objects = _objects(cast)
    url = _url(key, cast, objects)
    pk = {
        "vote_cast": objects["idea"].pk,
        "milestone_edit": objects["milestone"].pk,
        "job_return": objects["jobrecord"].pk,
        "report_download": objects["report"].pk,
    }[key]
    client.force_login(cast.organiser)

    for method in (client.get, client.post):
        assert method(url.replace(f"/{pk}/", f"/{HUGE_ID}/")).status_code == 404
        assert method(url.replace(f"/{pk}/", "/²/")).status_code == 404


def test_a_nul_character_in_a_theme_is_refused_with_a_message(client, cast):
    objects = _objects(cast)
    idea = objects["idea"]
    client.force_login(cast.facilitator)

    response = client.post(
        _url("console_theme", cast, objects), {"idea": idea.pk, "theme_name": "Mobi\x00lité"}
    )

    assert response.status_code == 400
    assert REFUSED in response.content.decode()
    assert Idea.objects.get(pk=idea.pk).theme == idea.theme


def test_a_nul_character_in_a_check_in_search_is_refused(client, cast):
    objects = _objects(cast)
    client.force_login(cast.organiser)

    response = client.get(_url("checkin_desk", cast, objects), {"q": "Du\x00pont"})

    assert response.status_code == 400
    assert REFUSED in response.content.decode()


@pytest.mark.parametrize("reason", ("Date\x00fausse", "Date\x1bfausse", "\x7f"))
def test_a_return_reason_with_control_characters_changes_nothing(client, cast, reason):
    objects = _objects(cast)
    job = objects["jobrecord"]
    client.force_login(cast.coach)

    response = client.post(_url("job_return", cast, objects), {"return_reason": reason})

    assert response.status_code == 400
    job.refresh_from_db()
    assert job.status != JobStatus.RETURNED


def test_tabs_and_line_breaks_stay_allowed_in_text(client, cast):
    objects = _objects(cast)
    job = objects["jobrecord"]
    client.force_login(cast.coach)

    client.post(_url("job_return", cast, objects), {"return_reason": "Date :\r\n\tà vérifier"})

    job.refresh_from_db()
    assert (job.status, job.return_reason) == (JobStatus.RETURNED, "Date :\r\n\tà vérifier")


@pytest.mark.parametrize("key", ("console_merge", "volunteers_invite", "milestone_edit"))
def test_a_superscript_digit_as_an_id_is_not_a_server_error(client, cast, key):
    objects = _objects(cast)
    client.force_login(cast.organiser)
    before = list(Idea.objects.values_list("pk", "merged_into", "theme"))

    response = client.post(
        _url(key, cast, objects),
        {"idea": "²", "into": "²", "signups": "²", "revision": "²", "title": "Prototype"},
    )

    assert response.status_code < 500
    assert list(Idea.objects.values_list("pk", "merged_into", "theme")) == before


def test_an_offer_title_with_a_line_break_still_reaches_the_organisers(
    client, cast, mailoutbox, django_capture_on_commit_callbacks
):
    url = reverse("resource_offer_public", kwargs={"territory": cast.territory.slug})
    typed = {
        "organisation_name": "Menuiserie Dupont",
        "kind": "premises",
        "title": "Atelier\r\nBcc: victime@example.org",
        "description": "Établi.",
        "contact_name": "Paul Dupont",
        "contact_email": "paul@menuiserie.example",
        "consent": "on",
        "website": "",
    }

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, typed)

    assert response.status_code == 303
    assert [mail.subject for mail in mailoutbox] == [
        "Une ressource proposée à examiner : Atelier Bcc: victime@example.org"
    ]
    assert mailoutbox[0].to == ["orga@example.org"]


@pytest.mark.django_db  # the task records the e-mail it sends (SentEmail)
def test_an_e_mail_subject_is_sent_on_one_line(mailoutbox):
    task_send_email(subject="Des nouvelles\r\nde  Bus\nnumérique", body="…", to=["a@example.org"])

    assert mailoutbox[0].subject == "Des nouvelles de Bus numérique"


@pytest.mark.parametrize("typed", ("abc", "²", HUGE_ID, "1.5"))
def test_the_admin_re_shows_an_invalid_autocomplete_id_as_a_form_error(client, cast, typed):
    client.force_login(cast.superuser)
    memberships = Membership.objects.count()

    response = client.post(
        reverse("admin:territoire_membership_add"),
        {"user": typed, "territory": typed, "role": "organiser", "organisation": typed},
    )

    assert response.status_code == 200
    assert 'class="errorlist' in response.content.decode()
    assert Membership.objects.count() == memberships


@pytest.mark.parametrize("initial", ("abc", "²", HUGE_ID, "5", "-1"))
def test_a_tampered_inline_form_count_in_the_admin_is_not_a_server_error(client, cast, initial):
    client.force_login(cast.superuser)
    territory = cast.territory
    url = reverse("admin:territoire_territory_change", args=[territory.pk])
    prefix = "memberships" if "memberships-TOTAL_FORMS" in client.get(url).content.decode() else ""
    assert prefix, "the territory's change page has its memberships inline"
    posted = {
        "name": "Renommé",
        "slug": territory.slug,
        f"{prefix}-TOTAL_FORMS": "1",
        f"{prefix}-INITIAL_FORMS": initial,
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
        f"{prefix}-0-user": HUGE_ID,
        f"{prefix}-0-role": "organiser",
    }

    response = client.post(url, posted)

    assert response.status_code in {200, 400}
    territory.refresh_from_db()
    assert territory.name != "Renommé"


@pytest.mark.parametrize("ticked", ("on", "²", HUGE_ID, "abc"))
def test_an_admin_action_on_a_tampered_row_id_changes_nothing(client, cast, ticked):
    client.force_login(cast.superuser)
    organisations = list(Organisation.objects.values_list("pk", "name"))

    response = client.post(
        reverse("admin:territoire_organisation_changelist"),
        {"action": "delete_selected", "_selected_action": [ticked], "index": "0"},
        follow=True,
    )

    assert response.status_code == 200
    assert list(Organisation.objects.values_list("pk", "name")) == organisations
