"""The projects' processings: project teams, followers of a project's news, public contacts."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from projects.models import Project, ProjectFollower, ProjectMember
from territoire.models import User
from territoire.privacy.people import iso
from territoire.privacy.registry import PrivacyProvider, Processing, register_privacy

PROCESSINGS = (
    Processing(
        name=_("Équipes projet"),
        purpose=_("Accompagner les projets : joindre l'équipe, lui donner accès à son espace."),
        legal_basis=_("Intérêt légitime de l'organisateur à accompagner le projet"),
        data=_("Nom, adresse e-mail, téléphone, organisation, rôle dans l'équipe, historique"),
        retention=_("Le temps de l'accompagnement, puis le temps du cycle du territoire"),
        recipients=_(
            "Les organisateurs, le coach ; le public pour les noms si l'équipe est affichée"
        ),
    ),
    Processing(
        name=_("Nouvelles d'un projet"),
        purpose=_("Envoyer les nouvelles publiques d'un projet à qui les suit."),
        legal_basis=_("Consentement, confirmé par un lien e-mail"),
        data=_("Adresse e-mail, langue"),
        retention=_("Jusqu'au désabonnement"),
        recipients=_("Aucun : seuls les envois automatiques s'en servent"),
    ),
)


def _members(email: str, user: User | None):
    q = Q(email__iexact=email)
    if user is not None:
        q |= Q(user=user)
    return ProjectMember.objects.filter(q)


def _followers(email: str):
    return ProjectFollower.objects.filter(
        Q(email__iexact=email) | Q(participant__registration__email__iexact=email)
    )


def export(email: str, user: User | None) -> dict:
    members = [
        {
            "projet": m["project__name"],
            "nom": m["full_name"],
            "adresse": m["email"],
            "telephone": m["phone"],
            "organisation": m["organisation_name"],
            "role": m["role"],
            "a_rejoint_le": iso(m["joined_at"]),
            "nom_public": m["name_public"],
            "nom_public_repondu_le": iso(m["name_public_answered_at"]),
        }
        for m in _members(email, user)
        .order_by("pk")
        .values(
            "project__name",
            "full_name",
            "email",
            "phone",
            "organisation_name",
            "role",
            "joined_at",
            "name_public",
            "name_public_answered_at",
        )
    ]
    followers = [
        {"projet": f["project__name"], "adresse": f["email"], "confirme_le": iso(f["confirmed_at"])}
        for f in _followers(email).order_by("pk").values("project__name", "email", "confirmed_at")
    ]
    contacts = list(
        Project.objects.filter(public_email__iexact=email)
        .order_by("pk")
        .values_list("name", flat=True)
    )
    coached = []
    if user is not None:
        coached = list(
            Project.objects.filter(coach=user).order_by("pk").values_list("name", flat=True)
        )
    return {
        "equipes_projet": members,
        "nouvelles_de_projet": followers,
        "contact_public_de": contacts,
        "projets_accompagnes": coached,
    }


def erase(email: str, user: User | None) -> int:
    member_ids = list(_members(email, user).values_list("pk", flat=True))
    changed = _followers(email).delete()[0]
    # The team keeps its size; who the member was goes.
    changed += ProjectMember.objects.filter(pk__in=member_ids).update(
        full_name="", email="", phone="", user=None, invitation_token=None, name_public=False
    )
    # The history of those rows carried the same name and address.
    changed += ProjectMember.history.filter(Q(id__in=member_ids) | Q(email__iexact=email)).update(
        full_name="", email="", phone="", user=None
    )
    changed += Project.objects.filter(public_email__iexact=email).update(public_email="")
    changed += Project.history.filter(public_email__iexact=email).update(public_email="")
    return changed


def territory_ids(email: str, user: User | None) -> set[int]:
    ids = set(_members(email, user).values_list("project__territory_id", flat=True))
    ids |= set(_followers(email).values_list("project__territory_id", flat=True))
    ids |= set(
        Project.objects.filter(public_email__iexact=email).values_list("territory_id", flat=True)
    )
    return ids


def register() -> None:
    register_privacy(
        PrivacyProvider(
            app="projects",
            processings=PROCESSINGS,
            export=export,
            erase=erase,
            territory_ids=territory_ids,
        )
    )
