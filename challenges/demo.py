"""The mobilisation part of the demo: the Lille challenges (the Roubaix themes among them) with
dozens of sign-ups and contributions, and Pays de Figeac in the middle of its own mobilisation.

Facts restated from the seed documents; people are fictional. Idempotent: objects are looked up
by natural key, dates are fixed, nothing is touched once it exists.
"""

import datetime
from zoneinfo import ZoneInfo

from django.db import transaction

from challenges.enums import ActorKind, ChallengeStatus, ContributionKind
from challenges.models import Challenge, Contribution, SignUp, TrainingAttendance, TrainingSession
from territoire.demo import Demo
from territoire.models import Domain, Territory

PARIS = ZoneInfo("Europe/Paris")

# (slug, domain slug, title, question, status)
LILLE_CHALLENGES = [
    (
        "seniors-numerique",
        "bien-etre-ville",
        "Seniors : retrouver sa place dans la ville",
        "Comment les seniors éloignés du numérique peuvent-ils retrouver leur place "
        "dans la ville ?",
        ChallengeStatus.OPEN,
    ),
    (
        "jeunes-orientation",
        "jeunesse",
        "Trouver sa voie avant de décrocher",
        "Comment aider chaque jeune à choisir son orientation avant de décrocher de l'école ?",
        ChallengeStatus.OPEN,
    ),
    (
        "textile-seconde-vie",
        "economie-circulaire",
        "Une seconde vie pour le textile",
        "Comment faire de l'histoire textile du territoire un moteur de l'économie circulaire ?",
        ChallengeStatus.OPEN,
    ),
    (
        "logements-vacants",
        "habitat",
        "Des logements vides pour rebondir",
        "Comment ouvrir les logements vacants aux personnes en train de perdre pied ?",
        ChallengeStatus.OPEN,
    ),
    (
        "manger-local",
        "agriculture-alimentation",
        "Manger local en ville",
        "Comment rapprocher les producteurs de la métropole des cantines et des familles ?",
        ChallengeStatus.OPEN,
    ),
    (
        "mobilite-sans-voiture",
        "mobilite",
        "Bouger sans voiture",
        "Comment se rendre au travail sans voiture quand on habite loin des transports ?",
        ChallengeStatus.OPEN,
    ),
    (
        "prevention-sante",
        "sante",
        "La santé au pied des immeubles",
        "Comment amener la prévention santé là où les habitants vivent ?",
        ChallengeStatus.OPEN,
    ),
    (
        "entreprendre-de-loin",
        "entreprendre",
        "Entreprendre quand on part de loin",
        "Comment aider celles et ceux qui n'ont ni réseau ni capital à créer leur activité ?",
        ChallengeStatus.OPEN,
    ),
    (
        "culture-quartiers",
        "culture",
        "La culture dans tous les quartiers",
        "Comment faire des quartiers des lieux où la culture se crée, pas seulement se consomme ?",
        ChallengeStatus.CLOSED,
    ),
    (
        "quartiers-verts",
        "environnement",
        "Des quartiers plus verts",
        "Comment rendre chaque rue plus fraîche et plus verte avec ses habitants ?",
        ChallengeStatus.OPEN,
    ),
    (
        "vivre-ensemble-voisins",
        "vivre-ensemble",
        "Voisins solidaires",
        "Comment recréer de l'entraide entre voisins qui ne se connaissent pas ?",
        ChallengeStatus.OPEN,
    ),
    (
        "tiers-lieux",
        "innovation",
        "Des tiers-lieux d'innovation sociale",
        "Comment transformer les friches en lieux où l'on invente ensemble ?",
        ChallengeStatus.DRAFT,
    ),
]
LILLE_CONTEXT = {
    "seniors-numerique": (
        "<p>Après la retraite, un deuil ou le départ des enfants, beaucoup de seniors se "
        "retrouvent seuls, et la fracture numérique aggrave cet isolement : démarches, rendez-vous "
        "et liens familiaux passent désormais par un écran.</p><p>Des entreprises historiques du "
        "territoire et une mutuelle veulent agir avec les associations de quartier.</p>"
    ),
    "jeunes-orientation": (
        "<p>Le décrochage commence souvent par une orientation subie. Écoles, parents et "
        "entreprises ont chacun une part de la réponse.</p>"
    ),
    "logements-vacants": (
        "<p>Des logements restent vides pendant que des personnes perdent leurs droits faute "
        "d'adresse. Les propriétaires peuvent y trouver leur compte.</p>"
    ),
    "textile-seconde-vie": (
        "<p>Le territoire a bâti sa richesse sur le textile. Ses savoir-faire peuvent servir la "
        "réparation, le réemploi et le recyclage.</p>"
    ),
}
LILLE_BRIEF = (
    "<p>Laissez d'abord chacun dire pourquoi il est venu. Les personnes âgées présentes à la "
    "table sont les mieux placées pour parler de leurs besoins : donnez-leur la parole en "
    "premier.</p><ul><li>Invités attendus : une mutuelle, une entreprise textile, des "
    "associations de quartier.</li><li>Point d'attention : ne pas réduire le sujet à la "
    "formation aux outils.</li></ul>"
)
FIGEAC_CHALLENGES = [
    (
        "circuits-courts",
        "agriculture-alimentation",
        "Des fermes aux assiettes",
        "Comment vendre les produits des fermes du territoire sans passer par la "
        "grande distribution ?",
        ChallengeStatus.OPEN,
    ),
    (
        "transport-rural",
        "mobilite",
        "Se déplacer à la campagne",
        "Comment se rendre chez le médecin ou au travail quand on n'a pas de voiture ?",
        ChallengeStatus.OPEN,
    ),
    (
        "medecins-ruraux",
        "sante",
        "Attirer des soignants",
        "Comment donner envie à des soignants de s'installer dans nos villages ?",
        ChallengeStatus.DRAFT,
    ),
]

FIRST_NAMES = [
    "Amandine",
    "Bastien",
    "Chloé",
    "Damien",
    "Élodie",
    "Farid",
    "Gaëlle",
    "Hugo",
    "Inès",
    "Jules",
    "Kenza",
    "Léo",
    "Manon",
    "Nicolas",
    "Océane",
    "Pierre",
    "Quentin",
    "Rania",
    "Samuel",
    "Tiphaine",
    "Ugo",
    "Valentine",
    "Wassim",
    "Yasmine",
    "Zoé",
]
LAST_NAMES = [
    "Delcourt",
    "Vanderbeken",
    "Lemaire",
    "Benamar",
    "Carpentier",
    "Deschamps",
    "Hennion",
    "Lefort",
    "Mahieu",
    "Ouali",
    "Pruvost",
    "Roussel",
    "Staelens",
    "Tison",
    "Wallet",
]
KINDS = [
    ActorKind.CITIZEN,
    ActorKind.CITIZEN,
    ActorKind.ASSOCIATION,
    ActorKind.COMPANY,
    ActorKind.STUDENT,
    ActorKind.PUBLIC_BODY,
    ActorKind.STARTUP,
    ActorKind.CITIZEN,
    ActorKind.RESEARCH,
]
ORGANISATIONS = [
    "",
    "Centre social de l'Alma",
    "Damartex",
    "",
    "Université de Lille",
    "Mairie de Roubaix",
    "Orientoi",
    "",
    "IAE Lille",
]
CONTRIBUTIONS = [
    (
        "seniors-numerique",
        ContributionKind.IDEA,
        "Un bus aménagé qui change de quartier chaque jour pour repérer les seniors isolés "
        "et faire le point avec eux sur leur équipement et leurs besoins.",
    ),
    (
        "seniors-numerique",
        ContributionKind.NEED,
        "Ma mère ne peut plus prendre rendez-vous chez le médecin : tout se fait en ligne.",
    ),
    (
        "seniors-numerique",
        ContributionKind.RESOURCE,
        "Notre association peut prêter une salle équipée de six ordinateurs le mardi après-midi.",
    ),
    (
        "jeunes-orientation",
        ContributionKind.IDEA,
        "Une application où l'élève découvre sa personnalité et les métiers qui lui ressemblent, "
        "partagée avec ses professeurs.",
    ),
    (
        "jeunes-orientation",
        ContributionKind.RESOURCE,
        "Je suis cheffe d'atelier : je peux accueillir des collégiens en stage d'observation.",
    ),
    (
        "logements-vacants",
        ContributionKind.IDEA,
        "Une plateforme qui met en relation propriétaires de logements vides et personnes en "
        "réinsertion, pour six mois gratuits.",
    ),
    (
        "logements-vacants",
        ContributionKind.NEED,
        "Sans adresse, impossible de retrouver ses droits : c'est le premier verrou.",
    ),
    (
        "textile-seconde-vie",
        ContributionKind.IDEA,
        "Un atelier de réparation de vêtements tenu par des retraités du textile et des jeunes en "
        "insertion.",
    ),
    (
        "textile-seconde-vie",
        ContributionKind.RESOURCE,
        "Nous avons des machines à coudre industrielles inutilisées à donner.",
    ),
    (
        "manger-local",
        ContributionKind.IDEA,
        "Une légumerie partagée pour que les cantines puissent cuisiner des légumes locaux.",
    ),
    (
        "mobilite-sans-voiture",
        ContributionKind.NEED,
        "Les premiers bus partent après l'embauche en usine : les horaires ne collent pas.",
    ),
    (
        "prevention-sante",
        ContributionKind.IDEA,
        "Des permanences de dépistage dans les halls d'immeubles, avec les gardiens.",
    ),
    (
        "entreprendre-de-loin",
        ContributionKind.RESOURCE,
        "Je suis expert-comptable à la retraite : je peux parrainer deux créateurs.",
    ),
    (
        "quartiers-verts",
        ContributionKind.IDEA,
        "Désimperméabiliser les cours d'école et les ouvrir aux habitants le week-end.",
    ),
    (
        "vivre-ensemble-voisins",
        ContributionKind.IDEA,
        "Une boîte à outils partagée par immeuble, gérée par les voisins.",
    ),
]


def _challenges(territory: Territory, rows: list, *, with_context: dict) -> dict[str, Challenge]:
    domains = {d.slug: d for d in Domain.objects.filter(slug__in={row[1] for row in rows})}
    made = {}
    for order, (slug, domain_slug, title, question, status) in enumerate(rows, start=1):
        made[slug], _created = Challenge.objects.get_or_create(
            territory=territory,
            slug=slug,
            defaults={
                "domain": domains[domain_slug],
                "title": title,
                "question": question,
                "status": status,
                "order": order * 10,
                "context": with_context.get(slug, ""),
                "facilitator_brief": LILLE_BRIEF if slug == "seniors-numerique" else "",
            },
        )
    return made


def _signups(
    territory: Territory, challenges: list[Challenge], *, count: int, start: datetime.datetime
) -> list[SignUp]:
    made = []
    open_challenges = [c for c in challenges if c.status == ChallengeStatus.OPEN]
    for index in range(count):
        first = FIRST_NAMES[index % len(FIRST_NAMES)]
        last = LAST_NAMES[(index * 7) % len(LAST_NAMES)]
        email = f"{first}.{last}.{index}@exemple.demo".lower()
        email = email.translate(str.maketrans("éèëçï", "eeeci"))
        created_at = start + datetime.timedelta(days=(index * 53) % 90, hours=index % 9)
        signup, created = SignUp.objects.get_or_create(
            territory=territory,
            email=email,
            defaults={
                "full_name": f"{first} {last}",
                "organisation_name": ORGANISATIONS[index % len(ORGANISATIONS)],
                "actor_kind": KINDS[index % len(KINDS)],
                "wants_to_facilitate": index % 7 == 3,
                "wants_to_mentor": index % 9 == 4,
                "consented_at": created_at,
                # One in six never clicked the link: they do not count.
                "confirmed_at": None
                if index % 6 == 5
                else created_at + datetime.timedelta(hours=2),
            },
        )
        if created:
            SignUp.objects.filter(pk=signup.pk).update(created_at=created_at)
            picks = {open_challenges[(index * k) % len(open_challenges)] for k in (1, 3, 5)}
            signup.challenges.set(list(picks)[: 1 + index % 3])
        made.append(signup)
    return made


def _training(territory: Territory, title: str, starts_at: datetime.datetime, place: str):
    session, _created = TrainingSession.objects.get_or_create(
        territory=territory,
        title=title,
        starts_at=starts_at,
        defaults={
            "ends_at": starts_at + datetime.timedelta(hours=3),
            "place": place,
            "description": "Découvrir la méthode des tables, s'entraîner à animer un vote "
            "par gommettes, préparer la synthèse de sa table.",
            "capacity": 40,
        },
    )
    return session


@transaction.atomic
def load(demo: Demo) -> None:
    lille_challenges = _challenges(demo.territory, LILLE_CHALLENGES, with_context=LILLE_CONTEXT)
    figeac_challenges = _challenges(demo.other_territory, FIGEAC_CHALLENGES, with_context={})
    lille_signups = _signups(
        demo.territory,
        list(lille_challenges.values()),
        count=72,
        start=datetime.datetime(2026, 3, 2, 9, tzinfo=PARIS),
    )
    _signups(
        demo.other_territory,
        list(figeac_challenges.values()),
        count=18,
        start=datetime.datetime(2026, 9, 7, 9, tzinfo=PARIS),
    )
    confirmed = [s for s in lille_signups if s.confirmed_at]
    for index, (slug, kind, text) in enumerate(CONTRIBUTIONS):
        author = confirmed[(index * 5) % len(confirmed)]
        Contribution.objects.get_or_create(
            challenge=lille_challenges[slug],
            author_email=author.email,
            text=text,
            defaults={
                "kind": kind,
                "author_name": author.full_name,
                "author_organisation": author.organisation_name,
                "signup": author,
            },
        )
    facilitator = demo.accounts["facilitator"]
    past = _training(
        demo.territory,
        "Animer une table de défi",
        datetime.datetime(2026, 5, 19, 18, tzinfo=PARIS),
        "Maison de l'économie sociale, Roubaix",
    )
    TrainingAttendance.objects.get_or_create(
        session=past,
        facilitator=facilitator,
        defaults={
            "will_attend": True,
            "responded_at": datetime.datetime(2026, 5, 10, 12, tzinfo=PARIS),
            "attended": True,
            "attendance_marked_by": demo.accounts["organiser"],
        },
    )
    _training(
        demo.other_territory,
        "Animer une table de défi",
        datetime.datetime(2027, 1, 14, 18, tzinfo=PARIS),
        "Espace Mitterrand, Figeac",
    )
