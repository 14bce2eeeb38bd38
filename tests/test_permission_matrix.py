"""Every URL the resolver knows, requested as every role, answers what is declared here.

A URL pattern without a declared row fails the test: each new page joins the matrix as it is
written. Answers: 200, "login" (redirect to the sign-in page), 403, 404, 405, 410, or 302 (any
other redirect).
"""

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.db import transaction
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from challenges.domain.signups import confirmation_token
from events.models import Idea, Table, Vote
from territoire.audit import record
from territoire.enums import ReportStatus, Role
from territoire.models import Membership
from territoire.reports.models import Report
from tests.accompaniment import matrix as accompaniment_matrix
from tests.challenges.factories import (
    ChallengeFactory,
    ContributionFactory,
    SignUpFactory,
    TrainingSessionFactory,
)
from tests.conftest import Cast, build_cast
from tests.events.factories import (
    EventFactory,
    FormedProjectFactory,
    IdeaFactory,
    RegistrationFactory,
    TableFactory,
    VoteFactory,
)
from tests.factories import InvitationFactory, OrganisationFactory
from tests.projects import matrix as projects_matrix

ROLES = (
    "anonymous",
    "stranger",
    "organiser",
    "facilitator",
    "coach",
    "official",
    "other_organiser",
    "superuser",
    "team_member",  # an accepted member of cast.project's team, no role in any territory
)
LOGIN = "login"


def answers(default, **by_role) -> dict[str, object]:
    unknown = set(by_role) - set(ROLES)
    assert not unknown, unknown
    return {role: by_role.get(role, default) for role in ROLES}


PUBLIC = answers(200)
SIGNED_IN = answers(200, anonymous=LOGIN)
# The admin: organisers by their role, superusers; everyone else signed in gets 403.
ADMIN_PAGE = answers(403, anonymous=LOGIN, organiser=200, other_organiser=200, superuser=200)
SUPERUSER_ONLY = answers(403, anonymous=LOGIN, superuser=200)
# An object of territory A in the admin: territory B's organiser gets the admin's
# "doesn't exist" redirect to the index, never the object.
ADMIN_OBJECT_OF_A = answers(403, anonymous=LOGIN, organiser=200, other_organiser=302, superuser=200)
NOBODY_IN_ADMIN = answers(403, anonymous=LOGIN)

EXPECTED: dict[str, dict[str, object]] = {
    "home": PUBLIC,
    "territory_detail": PUBLIC,
    "healthz": PUBLIC,
    "space": SIGNED_IN,
    # Every territory side by side: network members (no role here: tests/territoire/
    # test_network.py) and superusers.
    "network": SUPERUSER_ONLY,
    # The invitation is for someone without an account yet: only they (anonymous) may use it.
    "invitation_accept": answers(403, anonymous=200),
    "set_language": answers(302),
    # allauth
    "account_login": answers(302, anonymous=200),
    "account_logout": answers(200, anonymous=302),
    "account_inactive": PUBLIC,
    "account_signup": answers(302, anonymous=200),
    "account_reauthenticate": SIGNED_IN,
    "account_email": SIGNED_IN,
    "account_email_verification_sent": PUBLIC,
    "account_change_password": answers(200, anonymous=LOGIN),
    "account_set_password": answers(302, anonymous=LOGIN),
    "account_reset_password": PUBLIC,
    "account_reset_password_done": PUBLIC,
    "account_reset_password_from_key": PUBLIC,
    "account_reset_password_from_key_done": PUBLIC,
    "account_confirm_email": PUBLIC,  # an unknown key shows "invalid link"
    "account_request_login_code": answers(302, anonymous=200),
    "account_confirm_login_code": answers(302, anonymous=LOGIN),  # no code pending
    # allauth 65.21+: re-authentication by an e-mailed code; with no code pending it sends the
    # person back to re-authenticate.
    "account_request_reauthentication_code": SIGNED_IN,
    "account_confirm_reauthentication_code": answers(302, anonymous=LOGIN),
    # admin
    "admin:index": ADMIN_PAGE,
    "admin:login": answers(403, anonymous=LOGIN, organiser=302, other_organiser=302, superuser=302),
    "admin:logout": answers(
        405,
        anonymous=LOGIN,
        stranger=403,
        facilitator=403,
        coach=403,
        official=403,
        team_member=403,
    ),
    "admin:password_change": ADMIN_PAGE,
    "admin:password_change_done": ADMIN_PAGE,
    "admin:autocomplete": answers(403, anonymous=LOGIN),
    "admin:jsi18n": ADMIN_PAGE,
    # Territory A's page: B's organiser gets a 404, never A's address (territoire/admin_site.py).
    "admin:view_on_site": answers(
        403, anonymous=LOGIN, organiser=302, other_organiser=404, superuser=302
    ),
    "admin:app_list": ADMIN_PAGE,
    "admin:<catch-all>": answers(
        403, anonymous=LOGIN, organiser=404, other_organiser=404, superuser=404
    ),
    # allauth's e-mail addresses: Django model permissions, which only superusers have.
    "admin:account_emailaddress_changelist": SUPERUSER_ONLY,
    "admin:account_emailaddress_add": SUPERUSER_ONLY,
    "admin:account_emailaddress_history": SUPERUSER_ONLY,
    "admin:account_emailaddress_delete": SUPERUSER_ONLY,
    "admin:account_emailaddress_change": SUPERUSER_ONLY,
    "admin:account_emailaddress_<object>": answers(
        403, anonymous=LOGIN, organiser=302, other_organiser=302, superuser=302
    ),
    # people: organisers see those of their territories; accounts come from invitations only.
    "admin:territoire_user_changelist": ADMIN_PAGE,
    "admin:territoire_user_add": NOBODY_IN_ADMIN,
    "admin:territoire_user_history": ADMIN_OBJECT_OF_A,
    "admin:territoire_user_delete": SUPERUSER_ONLY,
    "admin:territoire_user_change": ADMIN_OBJECT_OF_A,
    "admin:territoire_user_<object>": answers(
        403, anonymous=LOGIN, organiser=302, other_organiser=302, superuser=302
    ),
    "admin:auth_user_password_change": SUPERUSER_ONLY,
    # the shared domain catalogue: organisers read it, superusers edit it.
    "admin:territoire_domain_changelist": ADMIN_PAGE,
    "admin:territoire_domain_add": SUPERUSER_ONLY,
    "admin:territoire_domain_history": ADMIN_PAGE,
    "admin:territoire_domain_delete": SUPERUSER_ONLY,
    "admin:territoire_domain_change": ADMIN_PAGE,
    "admin:territoire_domain_<object>": answers(
        403, anonymous=LOGIN, organiser=302, other_organiser=302, superuser=302
    ),
    # territories: created and deleted by superusers, configured by their organisers.
    "admin:territoire_territory_changelist": ADMIN_PAGE,
    "admin:territoire_territory_add": SUPERUSER_ONLY,
    "admin:territoire_territory_history": ADMIN_OBJECT_OF_A,
    "admin:territoire_territory_delete": SUPERUSER_ONLY,
    "admin:territoire_territory_change": ADMIN_OBJECT_OF_A,
    "admin:territoire_territory_<object>": answers(
        403, anonymous=LOGIN, organiser=302, other_organiser=302, superuser=302
    ),
}
# The mobilisation (challenges/)
ORGANISERS_ONLY = answers(403, anonymous=LOGIN, organiser=200, superuser=200)
FACILITATORS_AND_ORGANISERS = ORGANISERS_ONLY | {"facilitator": 200}
POST_ONLY = answers(405, anonymous=LOGIN)
CHALLENGE_URLS = {
    "challenge_list": PUBLIC,
    "challenge_detail": PUBLIC,  # an open challenge; drafts are tested in tests/challenges
    "contribution_create": answers(302),  # GET goes back to the challenge's form
    "signup": PUBLIC,
    "signup_thanks": PUBLIC,
    "mobilisation_board": ORGANISERS_ONLY,
    "signups_csv": ORGANISERS_ONLY,
    "volunteers_invite": POST_ONLY,
    "contribution_hide": POST_ONLY,
    "training_list": FACILITATORS_AND_ORGANISERS,
    "training_respond": POST_ONLY,
    "training_attendance": ORGANISERS_ONLY,
    "kit_index": FACILITATORS_AND_ORGANISERS,
    "kit_detail": FACILITATORS_AND_ORGANISERS,
}
EXPECTED |= CHALLENGE_URLS | {
    "privacy": PUBLIC,
    # Uploads, served by Django only in development (DEBUG, as the tests import the URLs).
    "media": answers(404),
    # GET shows a button; only the POST spends the single-use link.
    "signup_confirm": PUBLIC,
    "signup_change_confirm": PUBLIC,  # GET shows the proposed details; the POST applies them
    "admin:challenges_challenge_copy": ADMIN_PAGE,
    "admin:challenges_contribution_add": NOBODY_IN_ADMIN,
}
# Personal data (territoire/privacy): the notice and the "my data" pages are everyone's; the
# register of processing is the territory's organisers'. An e-mailed link (here for an address
# nobody holds) shows its button; only the POST acts.
EXPECTED |= {
    "privacy_notice": PUBLIC,
    "privacy_register_csv": ORGANISERS_ONLY,
    "privacy_request": PUBLIC,
    "privacy_link": PUBLIC,
    "privacy_erased": PUBLIC,
    "my_data": SIGNED_IN,
    "my_data_export": SIGNED_IN,
    "my_data_erase": SIGNED_IN,
}
# The evening (events/)
DOOR = ORGANISERS_ONLY | {"facilitator": 200}  # organisers and the territory's facilitators
TABLE_CONSOLE = ORGANISERS_ONLY | {"facilitator": 200}  # cast.facilitator runs the table
EVENT_URLS = {
    "event_detail": PUBLIC,
    "event_ics": PUBLIC,
    # The synthesis an organiser published (the matrix's report is): anyone downloads it.
    "event_synthesis": PUBLIC,
    "event_register": PUBLIC,
    "event_register_done": PUBLIC,
    "ticket": PUBLIC,
    "ticket_qr": PUBLIC,
    "ticket_cancel": PUBLIC,  # GET asks to confirm; the POST cancels
    "registration_change_confirm": PUBLIC,  # GET shows the proposed details; the POST applies
    "checkin_desk": DOOR,
    "checkin_walk_in": DOOR,
    "checkin_count": DOOR,
    "table_code_entry": PUBLIC,
    "table_qr": PUBLIC,
    "table_join": PUBLIC,
    "table_board": answers(302),  # no participant cookie: back to the join page
    "idea_post": answers(405),
    "vote_cast": answers(405),
    "vote_withdraw": answers(405),
    "team_join": answers(405),
    # The participant's own answer to "may we name you in the synthesis?": POST only.
    "naming_answer": answers(405),
    "team_name_public": answers(405),
    # Attendees' thread: anyone with the table's code asks (double opt-in); GET on the e-mails'
    # links shows a button, only the POST confirms or stops.
    "table_follow": PUBLIC,
    "table_follow_confirm": PUBLIC,
    "table_follow_stop": PUBLIC,
    "console": TABLE_CONSOLE,
    "console_live": TABLE_CONSOLE,
    "console_synthesis": TABLE_CONSOLE,
    # The shared picker of one idea (regroup, theme, hide): the console's own rule.
    "console_idea": TABLE_CONSOLE,
    "console_merge": POST_ONLY,
    "console_theme": POST_ONLY,
    "console_phase": POST_ONLY,
    "console_project": POST_ONLY,
    "console_hide": POST_ONLY,
    "console_unhide": POST_ONLY,
    "console_extend": POST_ONLY,
    "plenary": ORGANISERS_ONLY,
    "plenary_live": ORGANISERS_ONLY,
    # The projector's secret link: whoever holds the token, signed in or not (404 without it:
    # tests/events/test_plenary.py).
    "plenary_screen": PUBLIC,
    "plenary_screen_live": PUBLIC,
    "join_qr": PUBLIC,
    "control_spotlight": POST_ONLY,
    "control_screen_link": POST_ONLY,
    "control_room": ORGANISERS_ONLY,
    "control_live": ORGANISERS_ONLY,
    "control_phase": POST_ONLY,
    "control_extend": POST_ONLY,
    "control_redirect": POST_ONLY,
    "table_signs": ORGANISERS_ONLY,
}
EXPECTED |= EVENT_URLS
for _model in ("event", "table", "registration", "formedproject", "idea"):
    EXPECTED |= {
        f"admin:events_{_model}_changelist": ADMIN_PAGE,
        f"admin:events_{_model}_add": (
            NOBODY_IN_ADMIN if _model in {"formedproject", "idea"} else ADMIN_PAGE
        ),
        f"admin:events_{_model}_history": ADMIN_OBJECT_OF_A,
        f"admin:events_{_model}_delete": ADMIN_OBJECT_OF_A,
        f"admin:events_{_model}_change": ADMIN_OBJECT_OF_A,
        f"admin:events_{_model}_<object>": answers(
            403, anonymous=LOGIN, organiser=302, other_organiser=302, superuser=302
        ),
    }

for _model in ("challenge", "signup", "contribution", "trainingsession"):
    EXPECTED |= {
        f"admin:challenges_{_model}_changelist": ADMIN_PAGE,
        f"admin:challenges_{_model}_history": ADMIN_OBJECT_OF_A,
        f"admin:challenges_{_model}_delete": ADMIN_OBJECT_OF_A,
        f"admin:challenges_{_model}_change": ADMIN_OBJECT_OF_A,
        f"admin:challenges_{_model}_<object>": answers(
            403, anonymous=LOGIN, organiser=302, other_organiser=302, superuser=302
        ),
    }
    if _model != "contribution":
        EXPECTED[f"admin:challenges_{_model}_add"] = ADMIN_PAGE

for _model in ("organisation", "membership", "invitation"):
    EXPECTED |= {
        f"admin:territoire_{_model}_changelist": ADMIN_PAGE,
        f"admin:territoire_{_model}_add": ADMIN_PAGE,
        f"admin:territoire_{_model}_history": ADMIN_OBJECT_OF_A,
        f"admin:territoire_{_model}_delete": ADMIN_OBJECT_OF_A,
        f"admin:territoire_{_model}_change": ADMIN_OBJECT_OF_A,
        f"admin:territoire_{_model}_<object>": answers(
            403, anonymous=LOGIN, organiser=302, other_organiser=302, superuser=302
        ),
    }

# Reports: the territory's organisers, coaches and officials read and download them; in the
# admin they are read-only records of territory A (asked for, never added there).
READS_REPORTS = answers(404, anonymous=LOGIN, organiser=200, coach=200, official=200, superuser=200)
EXPECTED |= {
    "territory_reports": READS_REPORTS,
    "impact": READS_REPORTS,  # the same readers: the territory's organisers, coaches, officials
    "report_download": READS_REPORTS,
    # POST only (publish on the evening's page, or take off): a GET is refused.
    "report_publication": answers(405, anonymous=LOGIN),
    # POST only (the impact page's button asking for the impact report); who may is tested in
    # tests/territoire/test_impact_report.py.
    "impact_report_request": answers(405, anonymous=LOGIN),
    "admin:territoire_report_changelist": ADMIN_PAGE,
    "admin:territoire_report_add": NOBODY_IN_ADMIN,
    "admin:territoire_report_history": ADMIN_OBJECT_OF_A,
    "admin:territoire_report_delete": ADMIN_OBJECT_OF_A,
    "admin:territoire_report_change": ADMIN_OBJECT_OF_A,
    "admin:territoire_report_<object>": answers(
        403, anonymous=LOGIN, organiser=302, other_organiser=302, superuser=302
    ),
    # The audit log: read-only for everybody, superusers included; an organiser reads only
    # their territories' entries (tests/territoire/test_audit_log.py).
    "admin:territoire_auditentry_changelist": ADMIN_PAGE,
    "admin:territoire_auditentry_add": NOBODY_IN_ADMIN,
    "admin:territoire_auditentry_history": ADMIN_OBJECT_OF_A,
    "admin:territoire_auditentry_delete": NOBODY_IN_ADMIN,
    "admin:territoire_auditentry_change": ADMIN_OBJECT_OF_A,
    "admin:territoire_auditentry_<object>": answers(
        403, anonymous=LOGIN, organiser=302, other_organiser=302, superuser=302
    ),
}

# The impact page's downloads: those who read the territory's impact (organisers-only kinds
# are tested in tests/territoire/test_exports.py); its open data is public.
EXPORTS_IMPACT = READS_REPORTS
IMPACT_DOWNLOAD_URLS = {
    "impact_export_csv": EXPORTS_IMPACT,
    "impact_export_xlsx": EXPORTS_IMPACT,
    "open_data": PUBLIC,
    "open_data_package": PUBLIC,
    "open_data_readme": PUBLIC,
    "open_data_csv": PUBLIC,
    "open_data_json": PUBLIC,
}
EXPECTED |= IMPACT_DOWNLOAD_URLS

# The accompaniment (accompaniment/): its rows live in tests/accompaniment/matrix.py.
ACCOMPANIMENT_URLS = accompaniment_matrix.expected(answers, LOGIN)
EXPECTED |= ACCOMPANIMENT_URLS
# The projects (projects/): its rows live in tests/projects/matrix.py.
PROJECT_URLS = projects_matrix.expected(answers, LOGIN)
EXPECTED |= PROJECT_URLS


# POSTs. Each URL is also sent an empty POST as every role (an empty body is invalid for every
# form), each role's POST rolled back before the next one's. A role refused the GET (login, 403,
# 404) is refused the POST: the same answer, or 405 where the view takes no POST. A role allowed
# the GET may get anything but a server error (the form with its errors, 400, a redirect back, a
# 403 where reading is allowed and writing is not, 405), and the POST changes nothing. URLs that
# answer 405 to a GET take only POSTs: who may send them is declared in POST_EXPECTED, one row
# each, MAY meaning "accepted" (neither refused nor a server error).
MAY = "may"
POST_ONLY_ORGANISERS = answers(403, anonymous=LOGIN, organiser=MAY, superuser=MAY)
POST_ONLY_CONSOLE = POST_ONLY_ORGANISERS | {"facilitator": MAY}
# The evening's phone writes: only a participant of the table (a cookie no role holds here);
# tests/events/test_participant.py proves the participant's own POSTs.
PARTICIPANTS_ONLY = answers(403)
POST_EXPECTED: dict[str, dict[str, object]] = {
    "admin:logout": answers(
        403, anonymous=LOGIN, organiser=MAY, other_organiser=MAY, superuser=MAY
    ),
    "volunteers_invite": POST_ONLY_ORGANISERS,
    "contribution_hide": POST_ONLY_ORGANISERS,
    # Facilitators answer whether they come to a training; organisers are not asked.
    "training_respond": answers(403, anonymous=LOGIN, facilitator=MAY, superuser=MAY),
    "idea_post": PARTICIPANTS_ONLY,
    "vote_cast": PARTICIPANTS_ONLY,
    "vote_withdraw": PARTICIPANTS_ONLY,
    "team_join": PARTICIPANTS_ONLY,
    "naming_answer": PARTICIPANTS_ONLY,
    "team_name_public": PARTICIPANTS_ONLY,
    **dict.fromkeys(
        (
            "console_merge",
            "console_theme",
            "console_phase",
            "console_project",
            "console_hide",
            "console_unhide",
            "console_extend",
        ),
        POST_ONLY_CONSOLE,
    ),
    **dict.fromkeys(
        (
            "control_spotlight",
            "control_screen_link",
            "control_phase",
            "control_extend",
            "control_redirect",
        ),
        POST_ONLY_ORGANISERS,
    ),
    # Publishing a report: its territory's organisers (coaches and officials read it only).
    "report_publication": answers(
        404, anonymous=LOGIN, organiser=MAY, coach=403, official=403, superuser=MAY
    ),
    # The impact report: whoever reads the impact page.
    "impact_report_request": answers(
        404, anonymous=LOGIN, organiser=MAY, coach=MAY, official=MAY, superuser=MAY
    ),
    **accompaniment_matrix.post_expected(answers, LOGIN, MAY),
    **projects_matrix.post_expected(answers, LOGIN, MAY),
}
# The URL alone is the order (a confirmation link, "cancel my ticket", "delete this
# milestone"…), or the form holds only checkboxes (an empty body switches them all off): an
# empty POST from a role that may acts, and is rolled back.
POST_ACTS: set[str] = {
    "console_hide",
    "ticket_cancel",
    "registration_change_confirm",
    "signup_confirm",
    "signup_change_confirm",
    "project_follow_confirm",
    "project_follow_stop",
    "reminder_preferences",
    "my_reminder_preferences",
    "impact_report_request",
    "report_publication",
    "indicator_delete",
    "indicator_value_verify",
    "job_verify",
    "milestone_delete",
    "project_member_remove",
}
REFUSALS = {LOGIN, 403, 404}


def post_expected(key: str) -> dict[str, object]:
    """The declared answers of ``key`` to an empty POST (see MAY above)."""
    return POST_EXPECTED.get(key, EXPECTED[key])


def _post_matches(actual: object, expected: object, get_answer: object) -> bool:
    server_error = isinstance(actual, int) and actual >= 500
    if expected == MAY:  # a declared POST row: accepted
        return actual not in REFUSALS | {405} and not server_error
    if expected in REFUSALS:  # refused, before or after the view checks the method
        return actual in {expected, 405}
    if get_answer == expected and expected not in REFUSALS:  # derived from an allowed GET
        return not server_error
    return actual == expected


def _walk(patterns, namespace: str = "", prefix: str = "") -> Iterator[tuple[str, URLPattern, str]]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, inner, prefix + str(entry.pattern))
        else:
            yield _key(entry, namespace, prefix + str(entry.pattern)), entry, namespace


def _key(entry: URLPattern, namespace: str, route: str) -> str:
    if entry.name:
        return f"{namespace}{entry.name}"
    if route.endswith("<path:object_id>/"):
        # The admin's unnamed "object → change page" redirect, one per model.
        model_prefix = route.removeprefix("admin/").split("/")
        return f"{namespace}{model_prefix[0]}_{model_prefix[1]}_<object>"
    if "(?P<url>.*)" in route:
        return f"{namespace}<catch-all>"
    return f"{namespace}<unnamed:{route}>"


ALL_URLS = sorted({key for key, _entry, _ns in _walk(get_resolver().url_patterns)})


def _route_params(key: str) -> list[str]:
    """The parameter names of the URL pattern named ``key``."""
    for found, entry, _namespace in _walk(get_resolver().url_patterns):
        if found == key:
            return list(entry.pattern.regex.groupindex)
    raise KeyError(key)


def test_every_url_has_a_declared_rule():
    undeclared = sorted(set(ALL_URLS) - set(EXPECTED))
    stale = sorted(set(EXPECTED) - set(ALL_URLS))

    assert undeclared == [], "declare who may reach these URLs in tests/test_permission_matrix.py"
    assert stale == []


def test_every_post_only_url_declares_who_may_post():
    post_only = sorted(key for key, row in EXPECTED.items() if 405 in row.values())
    undeclared = [key for key in post_only if key not in POST_EXPECTED]

    assert undeclared == [], "declare who may POST to these URLs in POST_EXPECTED"
    assert set(POST_EXPECTED) <= set(ALL_URLS)
    assert set(ALL_URLS) >= POST_ACTS


def _objects(cast) -> dict[str, object]:
    """One object of territory A per admin model, and the values of every URL parameter."""
    organisation = OrganisationFactory(territory=cast.territory, name="Mairie de A")
    invitation = InvitationFactory(territory=cast.territory, email="nouvelle@example.org")
    domain = cast.territory.domains.create(name="Santé", slug="sante")
    challenge = ChallengeFactory(territory=cast.territory, domain=domain, slug="defi-a")
    signup = SignUpFactory(territory=cast.territory, challenges=[challenge], confirmed_at=None)
    signup.confirmation_nonce = "jeton"
    signup.save(update_fields=["confirmation_nonce"])
    event = EventFactory(territory=cast.territory, slug="soiree-a")
    table = TableFactory(
        event=event, challenge=challenge, code="TABLA", facilitators=[cast.facilitator]
    )
    idea = IdeaFactory(table=table)
    registration = RegistrationFactory(event=event)
    report = Report(
        territory=cast.territory,
        kind="synthesis",
        title="Synthèse",
        parameters={"event": event.pk},
        published_at=timezone.now(),
    )
    report.file.save("essai.pdf", ContentFile(b"%PDF-1.7\n%%EOF\n"), save=False)
    report.status = ReportStatus.READY
    report.page_count = 1
    report.finished_at = timezone.now()
    report.save()
    return {
        "report": report,
        "auditentry": record(cast.organiser, "report.publish", report),
        "event": event,
        "table": table,
        "idea": idea,
        "vote": VoteFactory(idea=idea),
        "registration": registration,
        "formedproject": FormedProjectFactory(table=table),
        "challenge": challenge,
        "signup": signup,
        "contribution": ContributionFactory(challenge=challenge),
        "trainingsession": TrainingSessionFactory(territory=cast.territory),
        "territory": cast.territory,
        "organisation": organisation,
        "membership": Membership.objects.get(user=cast.facilitator, role=Role.FACILITATOR),
        "invitation": invitation,
        "domain": domain,
        "user": cast.facilitator,
        "emailaddress": cast.facilitator.emailaddress_set.get(),
        **accompaniment_matrix.objects(cast),
        **projects_matrix.objects(cast),
    }


def _count_as_the_domain_does(objects: dict[str, object]) -> None:
    """The factories store an idea and a vote without the counters posting them moves."""
    idea = objects["idea"]
    Idea.objects.filter(pk=idea.pk).update(vote_count=idea.votes.count())
    Table.objects.filter(pk=idea.table_id).update(
        idea_count=Idea.objects.filter(table=idea.table_id).count(),
        vote_count=Vote.objects.filter(idea__table=idea.table_id).count(),
    )


def _url(key: str, cast, objects: dict[str, object]) -> str:
    if key in {"admin:password_change", "admin:password_change_done"}:
        return reverse(key)
    if key == "admin:<catch-all>":
        return "/admin/nulle-part/"
    if key.endswith("_<object>"):
        prefix = key.removesuffix("_<object>")
        model = prefix.split("_")[-1]
        return f"{reverse(prefix + '_changelist')}{objects[model].pk}/"
    kwargs: dict[str, object] = {}
    if key in {"territory_detail", "territory_reports"}:
        kwargs = {"slug": cast.territory.slug}
    elif key in {"impact", "privacy_notice", "privacy_register_csv"}:
        kwargs = {"territory": cast.territory.slug}
    elif key == "privacy_link":
        from territoire.privacy.links import ACCESS, new_request

        kwargs = {"token": new_request(email="personne@example.org", action=ACCESS)}
    elif key == "invitation_accept":
        kwargs = {"token": objects["invitation"].token}
    elif key == "account_confirm_email":
        kwargs = {"key": "cle-inconnue"}
    elif key == "account_reset_password_from_key":
        kwargs = {"uidb36": "1", "key": "cle-inconnue"}
    elif key == "admin:view_on_site":
        from django.contrib.contenttypes.models import ContentType

        territory = cast.territory
        kwargs = {
            "content_type_id": ContentType.objects.get_for_model(territory).pk,
            "object_id": territory.pk,
        }
    elif key in CHALLENGE_URLS:
        kwargs = {"territory_slug": cast.territory.slug}
        if key in {"challenge_detail", "contribution_create", "kit_detail"}:
            kwargs["slug"] = objects["challenge"].slug
        elif key == "contribution_hide":
            kwargs["pk"] = objects["contribution"].pk
        elif key in {"training_respond", "training_attendance"}:
            kwargs["pk"] = objects["trainingsession"].pk
    elif key in EVENT_URLS:
        params = _route_params(key)
        values = {
            "slug": objects["event"].slug,
            "code": objects["table"].code,
            "idea_id": objects["idea"].pk,
            "vote_id": objects["vote"].pk,
            "project_id": objects["formedproject"].pk,
            "kind": "citation",
            "item_id": objects["idea"].pk,
        }
        if key == "registration_change_confirm":
            from events.domain.registration_changes import change_token

            values["token"] = change_token(
                objects["registration"],
                {
                    "full_name": "Nouveau nom",
                    "organisation_name": "",
                    "consent_to_be_named": False,
                    "table_news": False,
                    "language": "fr",
                    "preferred_challenges": [],
                },
            )
        elif key in {"plenary_screen", "plenary_screen_live"}:
            from events.domain.plenary import renew_screen_link

            values["token"] = renew_screen_link(event=objects["event"], by=None)
        elif "token" in params:
            from events.domain.registration import ticket_token

            values["token"] = ticket_token(objects["registration"])
        kwargs = {name: values[name] for name in params}
    elif key in IMPACT_DOWNLOAD_URLS:
        values = {"territory": cast.territory.slug, "kind": "projets", "dataset": "projets"}
        kwargs = {name: values[name] for name in _route_params(key)}
    elif key == "impact_report_request":
        kwargs = {"territory": cast.territory.slug}
    elif key in {"report_download", "report_publication"}:
        kwargs = {"pk": objects["report"].pk}
    elif key == "media":
        kwargs = {"path": "challenges/absente.png"}
    elif key == "signup_confirm":
        kwargs = {"token": confirmation_token(objects["signup"])}
    elif key == "signup_change_confirm":
        from challenges.domain.signup_changes import change_token

        signup = objects["signup"]
        proposed = {
            "full_name": "Nouveau nom",
            "organisation_name": "",
            "actor_kind": signup.actor_kind,
            "wants_to_facilitate": False,
            "wants_to_mentor": False,
            "language": "fr",
            "challenges": [],
        }
        kwargs = {"token": change_token(signup, proposed)}
    elif key == "admin:app_list":
        kwargs = {"app_label": "territoire"}
    elif key == "admin:auth_user_password_change":
        kwargs = {"id": cast.facilitator.pk}
    elif key in ACCOMPANIMENT_URLS:
        return accompaniment_matrix.url(key, cast, objects)
    elif key in PROJECT_URLS:
        return projects_matrix.url(key, cast, objects)
    elif key.startswith("admin:") and key.rsplit("_", 1)[-1] in {"change", "delete", "history"}:
        model = key.split("_")[-2]
        kwargs = {"object_id": objects[model].pk}
    return reverse(key, kwargs=kwargs)


def _answer(response) -> object:
    if response.status_code == 302:
        location = response.url
        return LOGIN if location.startswith(reverse("account_login")) else 302
    return response.status_code


@dataclass
class World:
    """The cast and one object per model, written once for every URL of this module."""

    cast: Cast
    objects: dict[str, object]
    media_root: Path


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[World]:
    """Built once in a transaction rolled back after the module; each test runs in a savepoint
    inside it (pytest-django's ``db``), so what one URL's POST writes never reaches the next.
    Its files and cache are the module's own, as the autouse fixtures of tests/conftest.py give
    every other test."""
    media_root = tmp_path_factory.mktemp("matrix") / "media"
    isolated = override_settings(
        MEDIA_ROOT=media_root,
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}},
    )
    with django_db_blocker.unblock(), isolated, transaction.atomic():
        cast = build_cast()
        objects = _objects(cast)
        _count_as_the_domain_does(objects)  # hiding the idea moves them
        yield World(cast=cast, objects=objects, media_root=media_root)
        transaction.set_rollback(True)


@pytest.fixture
def _media_in_tmp(settings, world):
    """The module's files (the report and the project image built once) stay readable."""
    settings.MEDIA_ROOT = world.media_root


def _rows() -> dict[str, list[tuple]]:
    """Every row the application keeps, to prove a refused or invalid POST changed nothing.
    Signing in writes a session and the user's ``last_login``: both are left out."""
    rows = {}
    for model in apps.get_models():
        if model._meta.label in {"sessions.Session", "admin.LogEntry"}:
            continue  # the admin logs a save even when it changed no field
        fields = [field.attname for field in model._meta.concrete_fields]
        fields = [name for name in fields if name != "last_login"]
        rows[model._meta.label] = list(model._base_manager.order_by("pk").values_list(*fields))
    return rows


def _changed(before: dict[str, list[tuple]]) -> list[str]:
    after = _rows()
    return [label for label, rows in before.items() if after[label] != rows]


def _read(response) -> None:
    if response.streaming:
        # Read to the end: the test client then closes the download's file itself (calling
        # response.close() here would fire request_finished and close the database
        # connection inside the test's transaction).
        b"".join(response.streaming_content)


@pytest.mark.parametrize("key", ALL_URLS)
def test_url_answers_each_role_as_declared(client, db, world, key):
    url = _url(key, world.cast, world.objects)
    actual = {}
    for role, user in world.cast.role_users().items():
        client.logout()
        if user is not None:
            client.force_login(user)
        response = client.get(url)
        actual[role] = _answer(response)
        _read(response)

    assert actual == EXPECTED.get(key), url


@pytest.mark.parametrize("key", ALL_URLS)
def test_url_answers_each_roles_post_as_declared(client, db, world, key):
    """An empty POST as every role, each rolled back: refused as declared, or accepted without
    changing anything except where the URL itself is the whole order (POST_ACTS)."""
    url = _url(key, world.cast, world.objects)
    before = _rows()
    actual, changed = {}, {}
    for role, user in world.cast.role_users().items():
        client.logout()
        if user is not None:
            client.force_login(user)
        with transaction.atomic():
            response = client.post(url)
            actual[role] = _answer(response)
            _read(response)
            if actual[role] not in REFUSALS | {405} and key not in POST_ACTS:
                changed[role] = _changed(before)
            transaction.set_rollback(True)

    expected, get = post_expected(key), EXPECTED[key]
    mismatches = {
        role: actual[role]
        for role in ROLES
        if not _post_matches(actual[role], expected[role], get[role])
    }
    assert mismatches == {}, (url, actual)
    assert {role: rows for role, rows in changed.items() if rows} == {}, url
