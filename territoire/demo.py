"""The Lille-metropolis demo, restated from the seed documents (fictional people only), and the
network around it: Pays de Figeac in its mobilisation, Lons-le-Saunier in its accompaniment and
Romans at the end of its cycle (their dates are set from the day the demo is loaded).

``python manage.py load_demo`` calls ``load()`` here, then the ``demo.load(demo)`` of every later
app (challenges, events, projects, accompaniment) that has one, so the demo always shows the whole
cycle. Every step is idempotent: it looks objects up by their natural key and only creates what is
missing.
"""

import datetime
from dataclasses import dataclass, field

from allauth.account.models import EmailAddress
from django.db import transaction
from django.utils import timezone

from territoire.enums import OrganisationKind, Role
from territoire.models import Domain, Membership, Organisation, Territory, User

DEMO_PASSWORD = "territoire-demo"

CATALOGUE = [
    ("agriculture-alimentation", "Agriculture et alimentation"),
    ("vivre-ensemble", "Vivre ensemble"),
    ("habitat", "Habitat"),
    ("environnement", "Environnement"),
    ("sante", "Santé"),
    ("entreprendre", "Entreprendre"),
    ("mobilite", "Mobilité"),
    ("education-formation", "Éducation et formation"),
    ("culture", "Culture"),
    ("innovation", "Innovation"),
    ("economie-circulaire", "Économie circulaire"),
    ("jeunesse", "Jeunesse"),
    ("bien-etre-ville", "Bien-être dans la ville"),
]
LILLE_DOMAINS = [slug for slug, _name in CATALOGUE[:10]]
ROUBAIX_THEMES = ["economie-circulaire", "jeunesse", "bien-etre-ville"]

LILLE_DESCRIPTION = (
    "Plus de 230 habitants et acteurs de tous horizons ont retenu dix domaines pour la métropole. "
    "La soirée de lancement, au vélodrome de Roubaix de 18 h à minuit, réunit plus de mille "
    "personnes pour faire émerger 20 à 30 projets à fort impact social. Les projets sont ensuite "
    "soutenus 18 à 24 mois par tous les moyens du territoire. À Roubaix, la ville et ses "
    "partenaires travaillent trois thèmes : économie circulaire, jeunesse et bien-être "
    "dans la ville."
)
LONS_DESCRIPTION = (
    "Lons-le-Saunier et le Jura lédonien accompagnent depuis leur soirée de lancement les projets "
    "nés de leurs défis : circuits courts, santé de proximité, savoirs partagés."
)
ROMANS_DESCRIPTION = (
    "Romans-sur-Isère a mené son cycle jusqu'au bout : vingt-quatre mois d'accompagnement, des "
    "projets devenus autonomes, d'autres arrêtés en chemin."
)
FIGEAC_DESCRIPTION = (
    "Un territoire rural qui lance son propre cycle : agriculture, mobilité et santé au cœur des "
    "défis choisis avec ses habitants."
)

LILLE_ORGANISATIONS = [
    ("Mairie de Roubaix", OrganisationKind.PUBLIC_BODY, "https://www.ville-roubaix.fr/"),
    ("Humanis", OrganisationKind.MUTUAL, ""),
    ("Damartex", OrganisationKind.COMPANY, ""),
    ("Orientoi", OrganisationKind.STARTUP, ""),
    ("Stirrup", OrganisationKind.STARTUP, ""),
    ("World Forum for a Responsible Economy", OrganisationKind.NETWORK, ""),
    ("SoBizHub", OrganisationKind.ASSOCIATION, "https://www.sobizhub.org/"),
]
LONS_ORGANISATIONS = [
    ("Espace Communautaire Lons Agglomération", OrganisationKind.PUBLIC_BODY, ""),
    ("Fruitière des Coteaux", OrganisationKind.COMPANY, ""),
]
ROMANS_ORGANISATIONS = [
    ("Ville de Romans-sur-Isère", OrganisationKind.PUBLIC_BODY, ""),
    ("Atelier du Cuir romanais", OrganisationKind.COMPANY, ""),
]
FIGEAC_ORGANISATIONS = [
    ("Communauté de communes du Grand-Figeac", OrganisationKind.PUBLIC_BODY, ""),
    ("Coopérative des producteurs du Ségala", OrganisationKind.COMPANY, ""),
]


@dataclass
class DemoAccount:
    email: str
    full_name: str
    label: str
    roles: list[tuple[str, str, str | None]] = field(default_factory=list)
    superuser: bool = False
    network: bool = False  # a member of the Start-up de Territoire network


ACCOUNTS = [
    DemoAccount("admin@territoire.demo", "Alex Admin", "superuser", superuser=True),
    DemoAccount(
        "organisatrice@territoire.demo",
        "Camille Dupré",
        "organiser",
        [("metropole-lilloise", Role.ORGANISER, "SoBizHub")],
    ),
    DemoAccount(
        "animateur@territoire.demo",
        "Karim Benali",
        "facilitator",
        [
            ("metropole-lilloise", Role.FACILITATOR, None),
            ("pays-de-figeac", Role.FACILITATOR, None),
            ("pays-de-figeac", Role.COACH, None),
        ],
    ),
    DemoAccount(
        "coach@territoire.demo",
        "Hélène Marchal",
        "coach",
        [("metropole-lilloise", Role.COACH, "Humanis")],
    ),
    # Project team membership comes with projects: the projects app's demo attaches this person.
    DemoAccount("equipe@territoire.demo", "Lucas Verhaeghe", "project team member"),
    DemoAccount(
        "elue@territoire.demo",
        "Nadia Lefèvre",
        "official",
        [("metropole-lilloise", Role.OFFICIAL, "Mairie de Roubaix")],
    ),
    DemoAccount(
        "organisateur.figeac@territoire.demo",
        "Julien Costes",
        "organiser (other territory)",
        [("pays-de-figeac", Role.ORGANISER, None)],
    ),
    DemoAccount(
        "reseau@territoire.demo",
        "Inès Garnier",
        "network member",
        network=True,
    ),
    DemoAccount(
        "organisatrice.lons@territoire.demo",
        "Margaux Vuillermoz",
        "organiser, coach (Lons)",
        [
            ("lons-le-saunier", Role.ORGANISER, "Espace Communautaire Lons Agglomération"),
            ("lons-le-saunier", Role.COACH, None),
        ],
    ),
    DemoAccount(
        "organisateur.romans@territoire.demo",
        "Bastien Faure",
        "organiser, coach (Romans)",
        [
            ("romans", Role.ORGANISER, "Ville de Romans-sur-Isère"),
            ("romans", Role.COACH, None),
        ],
    ),
]


@dataclass
class Demo:
    """What the core's demo made, handed to the later apps' demo steps."""

    territory: Territory
    other_territory: Territory
    accounts: dict[str, User]
    organisations: dict[str, Organisation]
    # The network's territories further along their cycle, by slug: "lons-le-saunier", "romans".
    network_territories: dict[str, Territory] = field(default_factory=dict)


def months_from(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` later (earlier when negative), the 28th at most."""
    month = day.month - 1 + months
    return datetime.date(day.year + month // 12, month % 12 + 1, min(day.day, 28))


def _cycle(evening_months_ago: int, today: datetime.date) -> dict:
    """A cycle whose evening was ``evening_months_ago`` months before ``today``: launched three
    months before its evening, 24 months of accompaniment, the target three years after launch."""
    evening = months_from(today, -evening_months_ago)
    launched = months_from(evening, -3)
    return {
        "launched_on": launched,
        "evening_on": evening,
        "accompaniment_ends_on": months_from(evening, 24),
        "job_target_deadline": months_from(launched, 36),
    }


def _territory(slug: str, defaults: dict, domain_slugs: list[str]) -> Territory:
    territory, _created = Territory.objects.get_or_create(slug=slug, defaults=defaults)
    wanted = set(Domain.objects.filter(slug__in=domain_slugs).values_list("pk", flat=True))
    missing = wanted - set(territory.domains.values_list("pk", flat=True))
    if missing:
        territory.domains.add(*missing)
    return territory


def _organisations(territory: Territory, rows: list) -> dict[str, Organisation]:
    made = {}
    for name, kind, website in rows:
        made[name], _created = Organisation.objects.get_or_create(
            territory=territory, name=name, defaults={"kind": kind, "website": website}
        )
    return made


def _account(account: DemoAccount) -> User:
    user = User.objects.filter(email=account.email).first()
    if user is None:
        create = User.objects.create_superuser if account.superuser else User.objects.create_user
        user = create(
            email=account.email,
            password=DEMO_PASSWORD,
            full_name=account.full_name,
            is_network_member=account.network,
        )
    EmailAddress.objects.get_or_create(
        user=user, email=account.email, defaults={"verified": True, "primary": True}
    )
    return user


@transaction.atomic
def load() -> Demo:
    for slug, name in CATALOGUE:
        Domain.objects.get_or_create(slug=slug, defaults={"name": name})
    lille = _territory(
        "metropole-lilloise",
        {
            "name": "Métropole lilloise",
            "description": LILLE_DESCRIPTION,
            "job_target": 250,
            "launched_on": datetime.date(2026, 3, 2),
            "evening_on": datetime.date(2026, 6, 4),
            "accompaniment_ends_on": datetime.date(2028, 6, 4),
            "job_target_deadline": datetime.date(2029, 6, 4),
        },
        LILLE_DOMAINS + ROUBAIX_THEMES,
    )
    figeac = _territory(
        "pays-de-figeac",
        {
            "name": "Pays de Figeac",
            "description": FIGEAC_DESCRIPTION,
            "job_target": 120,
            "launched_on": datetime.date(2026, 9, 7),
            "evening_on": datetime.date(2027, 1, 28),
            "accompaniment_ends_on": datetime.date(2028, 7, 28),
            "job_target_deadline": datetime.date(2030, 1, 28),
        },
        ["agriculture-alimentation", "mobilite", "sante", "entreprendre"],
    )
    today = timezone.localdate()
    lons = _territory(
        "lons-le-saunier",
        {
            "name": "Lons-le-Saunier",
            "description": LONS_DESCRIPTION,
            "job_target": 60,
            **_cycle(14, today),
        },
        ["agriculture-alimentation", "sante", "education-formation", "economie-circulaire"],
    )
    romans = _territory(
        "romans",
        {
            "name": "Romans",
            "description": ROMANS_DESCRIPTION,
            "job_target": 80,
            **_cycle(26, today),
        },
        ["entreprendre", "economie-circulaire", "mobilite", "agriculture-alimentation"],
    )
    territories = {t.slug: t for t in (lille, figeac, lons, romans)}
    organisations = {
        **_organisations(lille, LILLE_ORGANISATIONS),
        **_organisations(figeac, FIGEAC_ORGANISATIONS),
        **_organisations(lons, LONS_ORGANISATIONS),
        **_organisations(romans, ROMANS_ORGANISATIONS),
    }
    accounts = {}
    for account in ACCOUNTS:
        user = accounts[account.label] = _account(account)
        for territory_slug, role, organisation_name in account.roles:
            Membership.objects.get_or_create(
                user=user,
                territory=territories[territory_slug],
                role=role,
                defaults={"organisation": organisations.get(organisation_name or "")},
            )
    return Demo(
        territory=lille,
        other_territory=figeac,
        accounts=accounts,
        organisations=organisations,
        network_territories={"lons-le-saunier": lons, "romans": romans},
    )
