"""A project's accompaniment plan and its milestones: started from the territory's defaults,
adapted by the team and its coach, marked done with evidence.

Edits of a milestone are guarded by its ``revision``: a conditional UPDATE succeeds only on the
revision the form was made from, so two people cannot silently overwrite each other.
"""

import datetime

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from accompaniment.domain.errors import Refused, StaleEdit
from accompaniment.models import Milestone, MilestoneTemplate, Plan
from projects.models import Project
from territoire.impact.cache import impact_changed
from territoire.models import User

PLAN_LENGTHS = (18, 24)


def add_months(day: datetime.date, months: int) -> datetime.date:
    """``day`` moved ``months`` months later, clamped to the end of a shorter month."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return datetime.date(year, month, candidate)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def plan_month(plan: Plan, today: datetime.date) -> int:
    """The month of the plan ``today`` falls in: 1 on its first day, capped at its length."""
    if today < plan.starts_on:
        return 0
    months = (today.year - plan.starts_on.year) * 12 + today.month - plan.starts_on.month
    if today.day < plan.starts_on.day:
        months -= 1
    return min(months + 1, plan.months)


def start_plan(*, project: Project, months: int, starts_on: datetime.date, by: User | None) -> Plan:
    """Start the project's plan of 18 or 24 months, with one milestone per default milestone of
    its territory (due at the start plus the template's month; those beyond the plan are left out).

    Raises Refused if the project already has a plan or the length is not 18 or 24 months.
    Side effects: one Plan row, one Milestone row (and its history) per template.
    """
    if months not in PLAN_LENGTHS:
        raise Refused(_("Un plan dure 18 ou 24 mois."), field="months")
    with transaction.atomic():
        if Plan.objects.filter(project=project).exists():
            raise Refused(_("Ce projet a déjà un plan d'accompagnement."))
        plan = Plan.objects.create(
            project=project,
            months=months,
            starts_on=starts_on,
            ends_on=add_months(starts_on, months),
        )
        templates = MilestoneTemplate.objects.filter(
            territory_id=project.territory_id, month__lte=months
        )
        for template in templates:
            milestone = Milestone(
                project=project,
                title=template.title,
                description=template.description,
                due_on=add_months(starts_on, template.month),
                order=template.order,
            )
            milestone._history_user = by
            milestone.save()
    project.plan = plan
    impact_changed(project.territory_id)
    return plan


def check_in_plan(project: Project, due_on: datetime.date) -> None:
    """Refused unless ``due_on`` falls within the project's plan."""
    plan = getattr(project, "plan", None)
    if plan is None:
        raise Refused(_("Démarrez d'abord le plan d'accompagnement du projet."))
    if not plan.starts_on <= due_on <= plan.ends_on:
        raise Refused(
            _("L'échéance doit tomber pendant le plan, entre le %(start)s et le %(end)s.")
            % {
                "start": plan.starts_on.strftime("%d/%m/%Y"),
                "end": plan.ends_on.strftime("%d/%m/%Y"),
            },
            field="due_on",
        )


def add_milestone(
    *, project: Project, title: str, due_on: datetime.date, description: str = "", by: User | None
) -> Milestone:
    """Add a milestone to the project's plan.

    Raises Refused when the due date falls outside the plan. Side effects: one Milestone row and
    its history.
    """
    check_in_plan(project, due_on)
    milestone = Milestone(project=project, title=title, description=description, due_on=due_on)
    milestone._history_user = by
    milestone.save()
    impact_changed(project.territory_id)
    return milestone


def _guarded_save(milestone: Milestone, revision: int, by: User | None, changes: dict) -> Milestone:
    """Apply ``changes`` if the milestone is still at ``revision``; else StaleEdit with the
    current milestone. The conditional UPDATE takes the row; the save that follows writes the
    fields and the history under that lock."""
    with transaction.atomic():
        claimed = Milestone.objects.filter(pk=milestone.pk, revision=revision).update(
            revision=F("revision") + 1
        )
        if not claimed:
            current = Milestone.objects.filter(pk=milestone.pk).first()
            raise StaleEdit(
                _(
                    "Quelqu'un a modifié ce jalon pendant que vous le modifiiez : votre "
                    "enregistrement a été refusé. Voici sa version actuelle ; vos valeurs sont "
                    "conservées dans le formulaire."
                )
                if current is not None
                else _("Ce jalon a été supprimé entre-temps."),
                current=current,
                revision=current.revision if current is not None else None,
            )
        for name, value in changes.items():
            setattr(milestone, name, value)
        milestone.revision = revision + 1
        milestone._history_user = by
        milestone.save(update_fields=[*changes, "revision", "updated_at"])
        impact_changed(milestone.project.territory_id)
    return milestone


def edit_milestone(
    *,
    milestone: Milestone,
    revision: int,
    title: str,
    due_on: datetime.date,
    description: str = "",
    by: User | None,
) -> Milestone:
    """Change a milestone's title, description and due date (inside the plan).

    Raises Refused for a date outside the plan, StaleEdit when someone saved it since
    ``revision``. Side effects: the milestone's row, its revision and history.
    """
    check_in_plan(milestone.project, due_on)
    return _guarded_save(
        milestone, revision, by, {"title": title, "due_on": due_on, "description": description}
    )


def mark_milestone_done(
    *,
    milestone: Milestone,
    revision: int,
    done_on: datetime.date,
    note: str = "",
    link: str = "",
    file=None,
    by: User | None,
    today: datetime.date | None = None,
) -> Milestone:
    """Mark a milestone done on ``done_on`` with its evidence: a note, an http(s) link and/or a
    file already checked by ``evidence.clean_evidence_file``. At least one is required.

    Raises Refused (no evidence, a link that is not http(s), a date in the future) or StaleEdit.
    Side effects: the milestone's row, its revision and history; the file is stored.
    """
    today = today or datetime.date.today()
    if done_on > today:
        raise Refused(_("Un jalon ne peut pas être atteint dans le futur."), field="done_on")
    if link and not link.lower().startswith(("http://", "https://")):
        raise Refused(_("Le lien doit commencer par http:// ou https://."), field="evidence_link")
    if not (note.strip() or link or file):
        raise Refused(
            _("Ajoutez une preuve : une note, un lien ou un fichier."), field="evidence_note"
        )
    changes = {"done_on": done_on, "evidence_note": note.strip(), "evidence_link": link}
    if file is not None:
        changes["evidence_file"] = file
    return _guarded_save(milestone, revision, by, changes)


def reopen_milestone(*, milestone: Milestone, revision: int, by: User | None) -> Milestone:
    """Un-mark a milestone (its evidence is kept, in case it is marked done again).

    Raises StaleEdit. Side effects: the milestone's row, its revision and history.
    """
    return _guarded_save(milestone, revision, by, {"done_on": None})


def delete_milestone(*, milestone: Milestone, by: User | None) -> None:
    """Delete a milestone not done yet (a done one is part of the project's record).

    Raises Refused for a done milestone. Side effects: the row is deleted; its history keeps
    a deletion entry by ``by``.
    """
    if milestone.done_on is not None:
        raise Refused(_("Un jalon atteint ne se supprime pas : rouvrez-le d'abord."))
    milestone._history_user = by
    territory_id = milestone.project.territory_id
    milestone.delete()
    impact_changed(territory_id)
