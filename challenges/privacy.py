"""The mobilisation's processings: sign-ups, contributions, facilitators' training."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from challenges.models import Contribution, SignUp, SignUpChange, TrainingAttendance
from territoire.models import User
from territoire.privacy.people import erased_address_expression, iso
from territoire.privacy.registry import PrivacyProvider, Processing, register_privacy

PROCESSINGS = (
    Processing(
        name=_("Inscriptions à la mobilisation"),
        purpose=_(
            "Préparer la soirée de lancement, tenir informé·e, constituer les tables et "
            "recruter des animateurs et des parrains."
        ),
        legal_basis=_("Consentement de la personne, donné en s'inscrivant"),
        data=_(
            "Nom, adresse e-mail, organisation, type d'acteur, défis choisis, souhait "
            "d'animer ou de parrainer, langue, date du consentement"
        ),
        retention=_(
            "Non confirmée : 30 jours. Confirmée : le temps du cycle du territoire, sauf "
            "effacement demandé"
        ),
        recipients=_("Les organisateurs du territoire"),
    ),
    Processing(
        name=_("Contributions aux défis"),
        purpose=_("Recueillir les idées et les ressources proposées pour les défis."),
        legal_basis=_("Consentement de la personne, donné en contribuant"),
        data=_(
            "Texte de la contribution, nom et organisation (publiés), adresse e-mail "
            "(jamais publiée)"
        ),
        retention=_("Le temps du cycle du territoire ; le nom est effacé sur demande"),
        recipients=_("Le public (texte, nom, organisation) ; les organisateurs"),
    ),
    Processing(
        name=_("Formation des animateurs"),
        purpose=_("Organiser les sessions de formation des animateurs de table."),
        legal_basis=_("Intérêt légitime de l'organisateur"),
        data=_("Réponse à l'invitation, présence"),
        retention=_("Le temps du cycle du territoire"),
        recipients=_("Les organisateurs du territoire"),
    ),
)


def _signups(email: str):
    return SignUp.objects.filter(email__iexact=email)


def _contributions(email: str):
    return Contribution.objects.filter(
        Q(author_email__iexact=email) | Q(signup__email__iexact=email)
    )


def export(email: str, user: User | None) -> dict:
    signups = [
        {
            "territoire": s.territory.name,
            "nom": s.full_name,
            "adresse": s.email,
            "organisation": s.organisation_name,
            "type_d_acteur": s.actor_kind,
            "defis": [c.title for c in s.challenges.all()],
            "volontaire_pour_animer": s.wants_to_facilitate,
            "volontaire_pour_parrainer": s.wants_to_mentor,
            "langue": s.language,
            "consentement_le": iso(s.consented_at),
            "confirmee_le": iso(s.confirmed_at),
            "inscrit_le": iso(s.created_at),
        }
        for s in _signups(email)
        .select_related("territory")
        .prefetch_related("challenges")
        .order_by("pk")
    ]
    contributions = [
        {
            "defi": c["challenge__title"],
            "type": c["kind"],
            "texte": c["text"],
            "nom": c["author_name"],
            "organisation": c["author_organisation"],
            "adresse": c["author_email"],
            "deposee_le": iso(c["created_at"]),
        }
        for c in _contributions(email)
        .order_by("pk")
        .values(
            "challenge__title",
            "kind",
            "text",
            "author_name",
            "author_organisation",
            "author_email",
            "created_at",
        )
    ]
    training = []
    if user is not None:
        training = [
            {
                "session": t["session__title"],
                "le": iso(t["session__starts_at"]),
                "viendra": t["will_attend"],
                "present": t["attended"],
            }
            for t in TrainingAttendance.objects.filter(facilitator=user)
            .order_by("pk")
            .values("session__title", "session__starts_at", "will_attend", "attended")
        ]
    # Details someone proposed for the address and its owner has not applied (yet): they are
    # held about the person for up to seven days, so they are listed.
    pending = [
        {
            "territoire": c["signup__territory__name"],
            "details_proposes": c["values"],
            "proposee_le": iso(c["created_at"]),
        }
        for c in SignUpChange.objects.filter(signup__email__iexact=email, used_at__isnull=True)
        .order_by("pk")
        .values("signup__territory__name", "values", "created_at")
    ]
    return {
        "inscriptions": signups,
        "modifications_en_attente": pending,
        "contributions": contributions,
        "formation": training,
    }


def erase(email: str, user: User | None) -> int:
    # Contributions first: they are found through the sign-up's address too.
    changed = _contributions(email).update(
        author_name="",
        author_email=erased_address_expression("contribution"),
        signup=None,
    )
    # Pending changes carry the details proposed: they go before the address is anonymised.
    changed += SignUpChange.objects.filter(signup__email__iexact=email).delete()[0]
    changed += _signups(email).update(
        full_name="",
        organisation_name="",
        email=erased_address_expression("inscription"),
        confirmation_nonce="",
    )
    if user is not None:
        changed += TrainingAttendance.objects.filter(facilitator=user).delete()[0]
    return changed


def territory_ids(email: str, user: User | None) -> set[int]:
    ids = set(_signups(email).values_list("territory_id", flat=True))
    ids |= set(_contributions(email).values_list("challenge__territory_id", flat=True))
    if user is not None:
        ids |= set(
            TrainingAttendance.objects.filter(facilitator=user).values_list(
                "session__territory_id", flat=True
            )
        )
    return ids


def register() -> None:
    register_privacy(
        PrivacyProvider(
            app="challenges",
            processings=PROCESSINGS,
            export=export,
            erase=erase,
            territory_ids=territory_ids,
        )
    )
