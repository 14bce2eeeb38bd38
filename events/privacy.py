"""The evening's processings: registrations, participants and their phones at the tables,
quotes and synthesis contributions, followers of a table's news, teams formed on the night."""

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from events.domain.registration import cancel
from events.enums import EventStatus, RegistrationStatus
from events.models import (
    FacilitatorReminderSent,
    Idea,
    Participant,
    Quote,
    Registration,
    RegistrationChange,
    SynthesisContribution,
    TableFollower,
    TeamMember,
)
from territoire.models import User
from territoire.privacy.people import erased_address_expression, iso
from territoire.privacy.registry import PrivacyProvider, Processing, register_privacy

PROCESSINGS = (
    Processing(
        name=_("Inscriptions à la soirée"),
        purpose=_("Accueillir les participant·es, envoyer le billet et les rappels."),
        legal_basis=_("Consentement de la personne, donné en s'inscrivant"),
        data=_(
            "Nom, adresse e-mail, organisation, billet, arrivée, langue, accord pour être "
            "nommé·e dans la synthèse"
        ),
        retention=_(
            "Anonymisées quelques mois après la soirée pour qui n'a pas rejoint de projet "
            "(durée réglée par l'organisateur), sauf effacement demandé plus tôt"
        ),
        recipients=_("Les organisateurs et les animateurs de la soirée"),
    ),
    Processing(
        name=_("Téléphones aux tables"),
        purpose=_("Permettre de proposer des idées et de voter depuis son téléphone."),
        legal_basis=_("Intérêt légitime de l'organisateur à animer la soirée"),
        data=_("Nom affiché, organisation, clé aléatoire du navigateur, idées, votes"),
        retention=_("Le temps du cycle ; idées et votes restent comptés, sans le nom"),
        recipients=_("La table (idées, sans les votes individuels) ; les organisateurs"),
    ),
    Processing(
        name=_("Citations et synthèse"),
        purpose=_("Rédiger la synthèse des débats."),
        legal_basis=_("Consentement de la personne pour être nommée ; sinon l'organisation seule"),
        data=_("Propos, nom (si accord), organisation"),
        retention=_("Le temps de la publication de la synthèse"),
        recipients=_("Le public (synthèse publiée)"),
    ),
    Processing(
        name=_("Nouvelles d'une table"),
        purpose=_("Envoyer les nouvelles des projets nés à une table."),
        legal_basis=_("Consentement, confirmé par un lien e-mail"),
        data=_("Adresse e-mail, langue"),
        retention=_("Jusqu'au désabonnement"),
        recipients=_("Aucun : seuls les envois automatiques s'en servent"),
    ),
    Processing(
        name=_("Équipes formées le soir"),
        purpose=_("Constituer l'équipe d'un projet et la recontacter."),
        legal_basis=_("Intérêt légitime de l'organisateur à accompagner le projet"),
        data=_("Nom, adresse e-mail, téléphone, organisation"),
        retention=_("Le temps de l'accompagnement du projet"),
        recipients=_("Les organisateurs, le coach du projet"),
    ),
)


def _registrations(email: str):
    return Registration.objects.filter(email__iexact=email)


def _participants(email: str):
    return Participant.objects.filter(registration__email__iexact=email)


def _team_members(email: str):
    return TeamMember.objects.filter(
        Q(email__iexact=email) | Q(participant__registration__email__iexact=email)
    )


def _followers(email: str):
    return TableFollower.objects.filter(
        Q(email__iexact=email) | Q(participant__registration__email__iexact=email)
    )


def _said_by(model, name_field: str, email: str, user: User | None, participant_ids: list[int]):
    """Quotes or synthesis contributions of the person: linked to one of their participants, or
    typed by a facilitator with their name at an evening they registered for."""
    names = {
        name.strip()
        for name in _registrations(email).values_list("full_name", flat=True)
        if len(name.strip()) > 3
    }
    if user is not None and len(user.full_name.strip()) > 3:
        names.add(user.full_name.strip())
    query = Q(participant__in=participant_ids)
    event_ids = _registrations(email).values("event_id")
    for name in names:
        query |= Q(table__event__in=event_ids, **{f"{name_field}__iexact": name})
    return model.objects.filter(query)


def export(email: str, user: User | None) -> dict:
    registrations = [
        {
            "soiree": r["event__title"],
            "nom": r["full_name"],
            "adresse": r["email"],
            "organisation": r["organisation_name"],
            "statut": r["status"],
            "billet": r["ticket_code"],
            "accepte_d_etre_nomme": r["consent_to_be_named"],
            "consentement_le": iso(r["consented_at"]),
            "arrivee_le": iso(r["checked_in_at"]),
            "annulee_le": iso(r["cancelled_at"]),
            "inscrit_le": iso(r["created_at"]),
        }
        for r in _registrations(email)
        .order_by("pk")
        .values(
            "event__title",
            "full_name",
            "email",
            "organisation_name",
            "status",
            "ticket_code",
            "consent_to_be_named",
            "consented_at",
            "checked_in_at",
            "cancelled_at",
            "created_at",
        )
    ]
    participants = list(
        _participants(email)
        .annotate(vote_total=Count("votes", distinct=True))
        .order_by("pk")
        .values("pk", "table__name", "display_name", "organisation_name", "joined_at", "vote_total")
    )
    ideas: dict[int, list[str]] = {}
    for participant_id, text in (
        Idea.objects.filter(participant__in=[p["pk"] for p in participants])
        .order_by("pk")
        .values_list("participant_id", "text")
    ):
        ideas.setdefault(participant_id, []).append(text)
    tables = [
        {
            "table": p["table__name"],
            "nom_affiche": p["display_name"],
            "organisation": p["organisation_name"],
            "arrivee_le": iso(p["joined_at"]),
            "idees": ideas.get(p["pk"], []),
            "votes": p["vote_total"],
        }
        for p in participants
    ]
    participant_ids = [p["pk"] for p in participants]
    quotes = [
        {"table": q["table__name"], "texte": q["text"], "nom": q["speaker_name"]}
        for q in _said_by(Quote, "speaker_name", email, user, participant_ids)
        .order_by("pk")
        .values("table__name", "text", "speaker_name")
    ]
    synthesis = [
        {"table": s["table__name"], "texte": s["text"], "nom": s["person_name"]}
        for s in _said_by(SynthesisContribution, "person_name", email, user, participant_ids)
        .order_by("pk")
        .values("table__name", "text", "person_name")
    ]
    followers = [
        {"table": f["table__name"], "adresse": f["email"], "confirme_le": iso(f["confirmed_at"])}
        for f in _followers(email).order_by("pk").values("table__name", "email", "confirmed_at")
    ]
    teams = [
        {
            "projet": t["project__name"],
            "nom": t["full_name"],
            "adresse": t["email"],
            "telephone": t["phone"],
            "organisation": t["organisation_name"],
            "porte_le_projet": t["is_lead"],
        }
        for t in _team_members(email)
        .order_by("pk")
        .values("project__name", "full_name", "email", "phone", "organisation_name", "is_lead")
    ]
    # Details someone proposed for the address and its owner has not applied (yet): held about
    # the person for up to seven days, so they are listed.
    pending = [
        {
            "soiree": c["registration__event__title"],
            "details_proposes": c["values"],
            "proposee_le": iso(c["created_at"]),
        }
        for c in RegistrationChange.objects.filter(
            registration__email__iexact=email, used_at__isnull=True
        )
        .order_by("pk")
        .values("registration__event__title", "values", "created_at")
    ]
    return {
        "inscriptions": registrations,
        "modifications_en_attente": pending,
        "tables": tables,
        "citations": quotes,
        "synthese": synthesis,
        "nouvelles_de_table": followers,
        "equipes": teams,
    }


def erase(email: str, user: User | None) -> int:
    # An evening still to come: the place is given up (the waiting list moves up, no reminder
    # goes to the anonymised address). A past evening keeps its figures as they were.
    upcoming = (
        _registrations(email)
        .exclude(event__status=EventStatus.FINISHED)
        .exclude(status=RegistrationStatus.CANCELLED)
    )
    for registration in upcoming:
        cancel(registration=registration)
    participant_ids = list(_participants(email).values_list("pk", flat=True))
    changed = _followers(email).delete()[0]
    # Pending changes carry the details proposed: they go before the address is anonymised.
    changed += RegistrationChange.objects.filter(registration__email__iexact=email).delete()[0]
    changed += _team_members(email).update(
        full_name="", phone="", email=erased_address_expression("equipe")
    )
    # What they said stays in the synthesis, without their name.
    changed += _said_by(Quote, "speaker_name", email, user, participant_ids).update(
        speaker_name="", consent_to_be_named=False
    )
    changed += _said_by(SynthesisContribution, "person_name", email, user, participant_ids).update(
        person_name="", consent_to_be_named=False
    )
    # Ideas and votes stay (the tables' counts), their author becomes nameless.
    changed += Participant.objects.filter(pk__in=participant_ids).update(
        display_name="", organisation_name="", consent_to_be_named=False
    )
    changed += _registrations(email).update(
        full_name="",
        organisation_name="",
        consent_to_be_named=False,
        email=erased_address_expression("inscription"),
    )
    if user is not None:
        changed += FacilitatorReminderSent.objects.filter(facilitator=user).delete()[0]
    return changed


def territory_ids(email: str, user: User | None) -> set[int]:
    ids = set(_registrations(email).values_list("event__territory_id", flat=True))
    ids |= set(_team_members(email).values_list("project__table__event__territory_id", flat=True))
    ids |= set(_followers(email).values_list("table__event__territory_id", flat=True))
    return ids


def register() -> None:
    register_privacy(
        PrivacyProvider(
            app="events",
            processings=PROCESSINGS,
            export=export,
            erase=erase,
            territory_ids=territory_ids,
        )
    )
