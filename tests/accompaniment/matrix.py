"""The accompaniment's rows of tests/test_permission_matrix.py: who reaches which URL, the
objects the URLs need, and their parameters. Kept here so the shared matrix only includes them."""

from django.urls import get_resolver, reverse

from tests.accompaniment.factories import (
    IndicatorFactory,
    IndicatorValueFactory,
    JobRecordFactory,
    MilestoneFactory,
    MilestoneTemplateFactory,
    NeedFactory,
    NeedMatchFactory,
    ReminderPreferenceFactory,
    ResourceOfferFactory,
)

READ_ONLY_MODELS = ("needmatch", "milestone", "jobrecord", "indicator", "indicatorvalue")
EDITABLE_MODELS = ("milestonetemplate", "resourceoffer")


def expected(answers, login: str) -> dict[str, dict[str, object]]:
    """The declared answers of every accompaniment URL, given the matrix's ``answers`` helper."""
    admin_page = answers(403, anonymous=login, organiser=200, other_organiser=200, superuser=200)
    object_of_a = answers(403, anonymous=login, organiser=200, other_organiser=302, superuser=200)
    redirect = answers(403, anonymous=login, organiser=302, other_organiser=302, superuser=302)
    nobody = answers(403, anonymous=login)
    rows: dict[str, dict[str, object]] = {}
    for model in EDITABLE_MODELS + READ_ONLY_MODELS:
        read_only = model in READ_ONLY_MODELS
        rows |= {
            f"admin:accompaniment_{model}_changelist": admin_page,
            f"admin:accompaniment_{model}_add": nobody if read_only else admin_page,
            f"admin:accompaniment_{model}_history": object_of_a,
            f"admin:accompaniment_{model}_delete": nobody if read_only else object_of_a,
            f"admin:accompaniment_{model}_change": object_of_a,
            f"admin:accompaniment_{model}_<object>": redirect,
        }
    # A project's space: its readers (team, coach, the territory's organisers, coaches and
    # officials); everyone else gets a 404, as if the project did not exist.
    read = answers(
        404, anonymous=login, organiser=200, coach=200, official=200, superuser=200, team_member=200
    )
    change = read | {"official": 403}  # officials read, never write
    post_only = answers(405, anonymous=login)
    no_file = answers(404, anonymous=login)  # the matrix's objects carry no evidence file
    rows |= {
        "project_space": read,
        "project_history": read,
        "update_list": read,
        "job_list": read,
        "need_list": read,
        "meeting_notes": change,  # not the officials': see accompaniment/rules.py
        "plan_start": change,
        "milestone_add": change,
        "milestone_edit": change,
        "milestone_done": change,
        "job_correct": change,
        "milestone_reopen": post_only,
        "milestone_delete": post_only,
        "job_verify": post_only,
        "job_return": post_only,
        "need_close": post_only,
        "need_match": post_only,
        "milestone_evidence": no_file,
        "job_evidence": no_file,
        # Indicators beyond jobs: as jobs (officials read, never write).
        "indicator_list": read,
        "indicator_edit": change,
        "indicator_delete": post_only,
        "indicator_value_correct": change,
        "indicator_value_verify": post_only,
        "indicator_value_return": post_only,
        "indicator_value_evidence": no_file,
        # A territory's follow-up.
        "portfolio": answers(
            403, anonymous=login, organiser=200, coach=200, official=200, superuser=200
        ),
        "needs_across": answers(403, anonymous=login, organiser=200, coach=200, superuser=200),
        "resource_list": answers(403, anonymous=login, organiser=200, coach=200, superuser=200),
        "resource_offer_accept": post_only,
        # A local actor, without an account, proposes a resource.
        "resource_offer_public": answers(200),
    }
    for model in ("milestone", "jobrecord", "indicator", "indicatorvalue"):
        # django-simple-history's pages answer 403 (not the admin's redirect) to another
        # territory's organiser.
        history = object_of_a | {"other_organiser": 403}
        rows[f"admin:accompaniment_{model}_history"] = history
        rows[f"admin:accompaniment_{model}_simple_history"] = history
    # Reminders: the digest's link works for whoever holds it (the token is the secret); the
    # same page from one's space needs a sign-in.
    rows["reminder_preferences"] = answers(200)
    rows["my_reminder_preferences"] = answers(200, anonymous=login)
    return rows


def post_expected(answers, login: str, may: str) -> dict[str, dict[str, object]]:
    """Who may send the accompaniment's POST-only URLs (``may``: accepted)."""
    # The project's writers: its team, its coach, the territory's organisers; officials read.
    change = answers(
        404, anonymous=login, organiser=may, coach=may, superuser=may, team_member=may, official=403
    )
    # Verifying what the team declared: the coach and the organisers, never the team itself.
    verify = change | {"team_member": 403}
    territory = answers(403, anonymous=login, organiser=may, superuser=may)
    return {
        "milestone_reopen": change,
        "milestone_delete": change,
        "need_close": change,
        "indicator_delete": change,
        "job_verify": verify,
        "job_return": verify,
        "indicator_value_verify": verify,
        "indicator_value_return": verify,
        "need_match": territory,
        "resource_offer_accept": territory,
    }


def objects(cast) -> dict[str, object]:
    """One object of territory A per accompaniment model, on ``cast.project``."""
    need = NeedFactory(project=cast.project)
    milestone = MilestoneFactory(project=cast.project, title="Prototype")
    job = JobRecordFactory(project=cast.project)
    indicator = IndicatorFactory(project=cast.project)
    return {
        "milestonetemplate": MilestoneTemplateFactory(territory=cast.territory),
        "resourceoffer": ResourceOfferFactory(territory=cast.territory),
        "need": need,
        "needmatch": NeedMatchFactory(need=need),
        "milestone": milestone,
        "jobrecord": job,
        "indicator": indicator,
        "indicatorvalue": IndicatorValueFactory(indicator=indicator),
        "reminderpreference": ReminderPreferenceFactory(user=cast.team_member),
    }


def _route_params(key: str) -> list[str]:
    for pattern in get_resolver().url_patterns:
        for entry in getattr(pattern, "url_patterns", [pattern]):
            if getattr(entry, "name", None) == key:
                return list(entry.pattern.regex.groupindex)
    raise KeyError(key)


def url(key: str, cast, objects: dict[str, object]) -> str:
    if key.endswith("_simple_history"):
        model = key.removeprefix("admin:accompaniment_").removesuffix("_simple_history")
        target = objects[model]
        return reverse(key, args=[target.pk, target.history.earliest().history_id])
    if key == "reminder_preferences":
        return reverse(key, kwargs={"token": objects["reminderpreference"].token})
    if not key.startswith("admin:"):
        params = _route_params(key)
        values = {"territory": cast.territory.slug, "slug": cast.project.slug}
        if "pk" in params:
            target = {
                "milestone": "milestone",
                "job": "jobrecord",
                "need": "need",
                "resource": "resourceoffer",
                "indicator": "indicator",
            }
            model = (
                "indicatorvalue"
                if key.startswith("indicator_value_")
                else target[key.split("_")[0]]
            )
            values["pk"] = objects[model].pk
        return reverse(key, kwargs={name: values[name] for name in params})
    if key.startswith("admin:") and key.rsplit("_", 1)[-1] in {"change", "delete", "history"}:
        model = key.split("_")[-2]
        return reverse(key, kwargs={"object_id": objects[model].pk})
    return reverse(key)
