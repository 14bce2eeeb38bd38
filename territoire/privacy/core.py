"""The core's processings: accounts, roles and invitations."""

from django.contrib.admin.models import LogEntry
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from territoire.models import AuditEntry, Invitation, Membership, User
from territoire.privacy.models import PrivacyRequest
from territoire.privacy.registry import PrivacyProvider, Processing, register_privacy

PROCESSINGS = (
    Processing(
        name=_("Comptes et rôles"),
        purpose=_(
            "Permettre aux organisateurs, animateurs, coachs et élus de se connecter et d'agir "
            "dans leur territoire."
        ),
        legal_basis=_("Intérêt légitime de l'organisateur à faire fonctionner le dispositif"),
        data=_("Nom, adresse e-mail, mot de passe chiffré, rôles, organisation, connexions"),
        retention=_("Tant que le compte existe ; supprimé à la demande de la personne"),
        recipients=_("Les organisateurs du territoire ; l'hébergeur de la plateforme"),
    ),
    Processing(
        name=_("Invitations"),
        purpose=_("Inviter une personne à prendre un rôle dans le territoire."),
        legal_basis=_("Intérêt légitime de l'organisateur"),
        data=_("Nom, adresse e-mail, rôle proposé, langue"),
        retention=_("Jusqu'à l'acceptation ou l'expiration de l'invitation, puis un an"),
        recipients=_("Les organisateurs du territoire"),
    ),
    Processing(
        name=_("Journal d'audit"),
        purpose=_(
            "Savoir qui a fait quoi parmi les organisateurs, animateurs et coachs (publications, "
            "vérifications, modération, rôles)."
        ),
        legal_basis=_("Intérêt légitime de l'organisateur à pouvoir rendre compte"),
        data=_("Nom de la personne qui agit, son rôle, l'action, l'objet, la date"),
        retention=_("24 mois, puis supprimé"),
        recipients=_("Les organisateurs du territoire"),
    ),
    Processing(
        name=_("Demandes d'accès et d'effacement sans compte"),
        purpose=_("Envoyer le lien qui donne ses données à la personne ou les efface."),
        legal_basis=_("Obligation légale (droits d'accès et d'effacement)"),
        data=_("Adresse e-mail, demande, date"),
        retention=_("24 heures (la durée du lien), puis supprimées"),
        recipients=_("Personne d'autre que la personne elle-même"),
    ),
)


def _invitations(email: str):
    return Invitation.objects.filter(email__iexact=email)


def export(email: str, user: User | None) -> dict:
    account = None
    memberships: list[dict] = []
    if user is not None:
        account = {
            "adresse": user.email,
            "nom": user.full_name,
            "inscrit_le": user.date_joined.isoformat(),
            "derniere_connexion": user.last_login.isoformat() if user.last_login else None,
        }
        memberships = [
            {
                "territoire": m["territory__name"],
                "role": m["role"],
                "organisation": m["organisation__name"],
                "depuis": m["created_at"].isoformat(),
            }
            for m in Membership.objects.filter(user=user)
            .order_by("pk")
            .values("territory__name", "role", "organisation__name", "created_at")
        ]
    invitations = [
        {
            "territoire": i["territory__name"],
            "nom": i["full_name"],
            "adresse": i["email"],
            "role": i["role"],
            "envoyee_le": i["created_at"].isoformat(),
            "acceptee_le": i["accepted_at"].isoformat() if i["accepted_at"] else None,
        }
        for i in _invitations(email)
        .order_by("pk")
        .values("territory__name", "full_name", "email", "role", "created_at", "accepted_at")
    ]
    actions = (
        [
            {"le": e["at"].isoformat(), "action": e["action"], "objet": e["description"]}
            for e in AuditEntry.objects.filter(actor=user)
            .order_by("at", "pk")
            .values("at", "action", "description")
        ]
        if user is not None
        else []
    )
    return {
        "compte": account,
        "roles": memberships,
        "invitations": invitations,
        "journal_d_audit": actions,
    }


def erase(email: str, user: User | None) -> int:
    # Pending requests for the address go; one being used has already forgotten it
    # (territoire/privacy/links.py: use_erasure_link). They are not exported: they are the
    # request itself, gone within a day.
    changed = PrivacyRequest.objects.filter(email__iexact=email).delete()[0]
    changed += _invitations(email).delete()[0]
    if user is not None:
        changed += Membership.objects.filter(user=user).delete()[0]
    # The admin's history names objects by their label (a registration, a team member): the
    # person's name or address goes from it too.
    needles = Q(object_repr__icontains=email)
    if user is not None and len(user.full_name.strip()) > 3:
        needles |= Q(object_repr__icontains=user.full_name.strip())
    changed += LogEntry.objects.filter(needles).update(object_repr="—", change_message="")
    # The audit log keeps what was done, no longer by whom by name.
    if user is not None:
        changed += AuditEntry.objects.filter(actor=user).update(actor_label="")
    changed += AuditEntry.objects.filter(description__icontains=email).update(description="—")
    return changed


def territory_ids(email: str, user: User | None) -> set[int]:
    ids = set(_invitations(email).values_list("territory_id", flat=True))
    if user is not None:
        ids |= set(Membership.objects.filter(user=user).values_list("territory_id", flat=True))
    return ids


def register() -> None:
    register_privacy(
        PrivacyProvider(
            app="territoire",
            processings=PROCESSINGS,
            export=export,
            erase=erase,
            territory_ids=territory_ids,
        )
    )
