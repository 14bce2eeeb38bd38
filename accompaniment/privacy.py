"""The accompaniment's processings: resource offers' contacts, coaches' reminders, who declared
and verified a job or an indicator's value."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accompaniment.models import (
    JobRecord,
    MeetingNote,
    NeedMatch,
    ProjectUpdate,
    ReminderDigest,
    ReminderItem,
    ReminderPreference,
    ResourceOffer,
)
from accompaniment.models_indicators import IndicatorValue
from territoire.models import User
from territoire.privacy.people import erased_address_expression, iso
from territoire.privacy.registry import PrivacyProvider, Processing, register_privacy

PROCESSINGS = (
    Processing(
        name=_("Offres de ressources"),
        purpose=_("Mettre en relation les projets avec les structures qui offrent un appui."),
        legal_basis=_("Consentement du contact, donné en proposant l'offre"),
        data=_("Nom et adresse e-mail du contact, organisation, offre"),
        retention=_("Tant que l'offre est disponible, puis le temps du cycle du territoire"),
        recipients=_("Les organisateurs et les coachs du territoire"),
    ),
    Processing(
        name=_("Rappels des coachs"),
        purpose=_("Rappeler aux coachs les jalons à venir ou en retard."),
        legal_basis=_("Intérêt légitime de l'organisateur"),
        data=_("Préférences de rappel, rappels envoyés"),
        retention=_("Tant que le compte existe"),
        recipients=_("Aucun : seuls les envois automatiques s'en servent"),
    ),
    Processing(
        name=_("Suivi de l'accompagnement"),
        purpose=_(
            "Mesurer l'impact : emplois et indicateurs déclarés et vérifiés, notes de rendez-vous."
        ),
        legal_basis=_("Intérêt légitime de l'organisateur et des financeurs"),
        data=_("Qui a déclaré, vérifié ou écrit (compte), dates"),
        retention=_(
            "Le temps du cycle du territoire ; les chiffres restent, la personne est effacée "
            "sur demande"
        ),
        recipients=_("Les organisateurs, les coachs, les élus (chiffres agrégés)"),
    ),
)


def _offers(email: str):
    return ResourceOffer.objects.filter(contact_email__iexact=email)


def export(email: str, user: User | None) -> dict:
    offers = [
        {
            "offre": o["title"],
            "organisation": o["organisation_name"],
            "contact": o["contact_name"],
            "adresse": o["contact_email"],
            "proposee_le": iso(o["created_at"]),
        }
        for o in _offers(email)
        .order_by("pk")
        .values("title", "organisation_name", "contact_name", "contact_email", "created_at")
    ]
    data: dict = {"offres": offers, "rappels": None, "emplois": [], "indicateurs": []}
    if user is None:
        return data
    preference = ReminderPreference.objects.filter(user=user).values(
        "milestones_due", "milestones_overdue", "silent_projects", "stopped"
    )
    data["rappels"] = next(iter(preference), None)
    data["emplois"] = [
        {
            "projet": j["project__name"],
            "le": iso(j["occurred_on"]),
            "nombre": j["number"],
            "declare_par_vous": j["declared_by_id"] == user.pk,
            "verifie_par_vous": j["verified_by_id"] == user.pk,
        }
        for j in JobRecord.objects.filter(Q(declared_by=user) | Q(verified_by=user))
        .order_by("pk")
        .values("project__name", "occurred_on", "number", "declared_by_id", "verified_by_id")
    ]
    data["indicateurs"] = [
        {
            "indicateur": v["indicator__name"],
            "periode": [iso(v["period_start"]), iso(v["period_end"])],
            "valeur": str(v["value"]),
            "declare_par_vous": v["declared_by_id"] == user.pk,
            "verifie_par_vous": v["verified_by_id"] == user.pk,
        }
        for v in IndicatorValue.objects.filter(Q(declared_by=user) | Q(verified_by=user))
        .order_by("pk")
        .values(
            "indicator__name",
            "period_start",
            "period_end",
            "value",
            "declared_by_id",
            "verified_by_id",
        )
    ]
    data["notes_de_rendez_vous"] = MeetingNote.objects.filter(author=user).count()
    data["nouvelles_de_projet"] = ProjectUpdate.objects.filter(author=user).count()
    return data


def erase(email: str, user: User | None) -> int:
    changed = _offers(email).update(
        contact_name="", contact_email=erased_address_expression("offre")
    )
    if user is None:
        return changed
    # The figures stay (a job is still a job), the person who declared or verified it goes.
    for model in (JobRecord, IndicatorValue):
        for manager in (model.objects, model.history):
            changed += manager.filter(declared_by=user).update(declared_by=None)
            changed += manager.filter(verified_by=user).update(verified_by=None)
    changed += MeetingNote.objects.filter(author=user).update(author=None)
    changed += ProjectUpdate.objects.filter(author=user).update(author=None)
    changed += NeedMatch.objects.filter(matched_by=user).update(matched_by=None)
    changed += ReminderItem.objects.filter(user=user).delete()[0]
    changed += ReminderDigest.objects.filter(user=user).delete()[0]
    changed += ReminderPreference.objects.filter(user=user).delete()[0]
    return changed


def territory_ids(email: str, user: User | None) -> set[int]:
    ids = set(_offers(email).values_list("territory_id", flat=True))
    if user is not None:
        ids |= set(
            JobRecord.objects.filter(Q(declared_by=user) | Q(verified_by=user)).values_list(
                "project__territory_id", flat=True
            )
        )
    return ids


def register() -> None:
    register_privacy(
        PrivacyProvider(
            app="accompaniment",
            processings=PROCESSINGS,
            export=export,
            erase=erase,
            territory_ids=territory_ids,
        )
    )
