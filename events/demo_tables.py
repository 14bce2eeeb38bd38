"""What was said and born at each table of the demo's Roubaix evening: the ideas, the projects
formed from them, and the synthesis the facilitator wrote (contributions, quotes).

Every person is fictional. A table is keyed by its challenge's slug, with ``:B`` for the second
table of a challenge. Ideas are listed in the order they were posted; a project names the indexes
of the ideas it grew from; the first ideas get most of the dots.
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Contribution:
    person: str  # "" when the facilitator did not write a name
    organisation: str
    consent: bool  # accepts to be named in the synthesis
    text: str


@dataclass(frozen=True)
class Said:
    text: str
    speaker: str
    organisation: str
    consent: bool


@dataclass(frozen=True)
class Born:
    name: str
    pitch: str
    ideas: tuple[int, ...]


@dataclass(frozen=True)
class TableWork:
    ideas: list[str]
    projects: list[Born]
    contributions: list[Contribution] = field(default_factory=list)
    quotes: list[Said] = field(default_factory=list)


TABLES: dict[str, TableWork] = {
    "seniors-numerique": TableWork(
        ideas=[
            "Un bus numérique qui change de quartier chaque jour, comme un camion-restaurant",
            "Faire le diagnostic des équipements et des besoins de chaque senior rencontré",
            "Des lycéens qui aident les seniors une heure par semaine",
            "Un numéro de téléphone unique pour les démarches en ligne",
            "Former les aides à domicile au numérique",
        ],
        projects=[
            Born(
                "Numéribus",
                "Un bus qui va au-devant des seniors isolés, quartier par quartier, pour "
                "faire le point sur leur équipement et les reconnecter à la ville.",
                (0, 1),
            ),
            Born(
                "Tandems numériques",
                "Des binômes lycéen-senior, une heure par semaine, au centre social.",
                (2,),
            ),
        ],
        contributions=[
            Contribution(
                "Claire Dumont",
                "Humanis",
                True,
                "La mutuelle veut être un acteur engagé du territoire. Pour elle, l'innovation "
                "sociale consiste à répondre à un besoin mal satisfait : ici l'isolement "
                "numérique des personnes âgées, qu'elle veut accompagner jusqu'au bout avec le "
                "réseau de confiance de la ville.",
            ),
            Contribution(
                "Sophie Carlier",
                "Damartex",
                True,
                "Implantée à Roubaix depuis longtemps, l'entreprise tient à s'investir sur son "
                "territoire. La table a retenu l'idée d'un bus qui circule de quartier en "
                "quartier pour repérer les seniors isolés, faire un diagnostic avec eux et les "
                "reconnecter.",
            ),
            Contribution(
                "",
                "Centre social de l'Alma",
                False,
                "Beaucoup de seniors ne franchissent pas la porte des lieux d'aide : il faut "
                "aller vers eux, là où ils vivent.",
            ),
        ],
        quotes=[
            Said("Si on y croit, on y va !", "Un élu de la ville", "Mairie de Roubaix", False),
            Said(
                "Nous ne réussirons pas seuls : nous dépendons les uns des autres.",
                "Un élu de la ville",
                "Mairie de Roubaix",
                False,
            ),
        ],
    ),
    "seniors-numerique:B": TableWork(
        ideas=[
            "Un café-dépannage où l'on vient avec son téléphone qui ne marche plus",
            "Un carnet papier pour noter ses mots de passe, remis avec un mode d'emploi",
            "Des ateliers tablette dans les salles d'attente des mairies de quartier",
            "Les facteurs signalent les seniors qui ne sortent plus de chez eux",
        ],
        projects=[
            Born(
                "Le Café des bidouilleurs",
                "Deux après-midi par semaine, des bénévoles dépannent téléphones et tablettes "
                "des seniors autour d'un café, sans rendez-vous et sans jugement.",
                (0, 1),
            ),
        ],
        contributions=[
            Contribution(
                "Josiane Lefebvre",
                "",
                True,
                "Retraitée, elle a renoncé l'hiver dernier à prendre rendez-vous chez son "
                "médecin parce que tout se fait désormais en ligne. La table en a tiré une "
                "conviction : une formation ne suffit pas, il faut un lieu où l'on revient sans "
                "honte, autant de fois qu'il le faut.",
            ),
            Contribution(
                "",
                "Maison de quartier du Pile",
                False,
                "Chaque semaine, des seniors arrivent avec un téléphone offert par leurs enfants "
                "et jamais configuré. Un rendez-vous régulier et convivial leur paraît une "
                "meilleure porte d'entrée qu'un cours.",
            ),
        ],
        quotes=[
            Said(
                "On n'a pas peur de l'ordinateur, on a peur de se tromper devant les autres.",
                "Josiane Lefebvre",
                "",
                True,
            ),
        ],
    ),
    "jeunes-orientation": TableWork(
        ideas=[
            "Une application où l'élève découvre sa personnalité et les métiers qui lui "
            "ressemblent",
            "Des stages d'observation dans les entreprises du quartier dès la quatrième",
            "Partager avec les professeurs ce que l'élève découvre de lui-même",
            "Des parrains d'entreprise pour les décrocheurs",
        ],
        projects=[
            Born(
                "Boussole",
                "Une application d'orientation partagée entre l'élève, sa famille et "
                "ses professeurs, pour choisir plutôt que subir.",
                (0, 2),
            ),
        ],
        contributions=[
            Contribution(
                "Thomas Verbeke",
                "Orientoi",
                True,
                "La start-up veut lutter contre le décrochage en travaillant avec les écoles, "
                "les parents et les entreprises : une application aide l'élève à mieux se "
                "connaître pour mieux s'orienter, et ses professeurs à l'accompagner.",
            ),
        ],
        quotes=[
            Said("Choisir son orientation plutôt que la subir.", "Thomas Verbeke", "Orientoi", True)
        ],
    ),
    "logements-vacants": TableWork(
        ideas=[
            "Une plateforme entre propriétaires de logements vides et personnes en réinsertion",
            "Six mois de logement gratuit pour retrouver ses droits",
            "Un accompagnement social par une association pendant le séjour",
        ],
        projects=[
            Born(
                "Un toit pour rebondir",
                "Mettre en relation propriétaires de logements vacants "
                "et personnes en voie d'exclusion, six mois gratuits, avec un accompagnement.",
                (0, 1, 2),
            ),
        ],
        contributions=[
            Contribution(
                "Inès Marchand",
                "Stirrup",
                True,
                "Une plateforme offre six mois de logement gratuit à des personnes en voie "
                "d'exclusion pour qu'elles retrouvent leurs droits ; les propriétaires y gagnent "
                "des aides et des économies. Un logement ne suffit pas : la start-up a besoin "
                "des collectivités et des associations.",
            ),
            Contribution(
                "",
                "World Forum for a Responsible Economy",
                False,
                "Le territoire est en plein rebond : il faut laisser aux villes le droit "
                "d'expérimenter, et ne pas répondre « ce n'est pas possible » aux porteurs de "
                "projets.",
            ),
        ],
        quotes=[
            Said(
                "Avec une adresse, on peut tout recommencer : un compte, un emploi, une école "
                "pour les enfants.",
                "Inès Marchand",
                "Stirrup",
                True,
            ),
        ],
    ),
    "textile-seconde-vie": TableWork(
        ideas=[
            "Un atelier de réparation de vêtements avec des retraités du textile",
            "Collecter les chutes des ateliers pour en faire des sacs",
            "Une marque locale de vêtements réemployés",
        ],
        projects=[
            Born(
                "Les Repriseuses",
                "Un atelier de réparation où d'anciennes couturières forment "
                "des jeunes en insertion.",
                (0,),
            ),
        ],
        contributions=[
            Contribution(
                "",
                "Mairie de Roubaix",
                False,
                "Pour la ville, travailler avec SoBizHub allait de soi : personne ne réussit "
                "plus seul. Roubaix a de forts enjeux sociaux et des entreprises installées "
                "depuis des décennies ; elle offre un ancrage solide à celles qui veulent "
                "grandir. La mairie se veut facilitatrice : ouvrir des portes aux porteurs de "
                "projets, lever les freins, aider de nouveaux modèles économiques à émerger.",
            ),
            Contribution(
                "Martine Delattre",
                "SoBizHub",
                True,
                "Les savoir-faire du textile sont toujours là, chez celles et ceux qui ont "
                "travaillé dans les ateliers de la ville. La table propose de les transmettre à "
                "des jeunes en insertion autour de la réparation et du réemploi des vêtements, "
                "plutôt que de laisser ces métiers disparaître.",
            ),
        ],
        quotes=[
            Said(
                "Réparer un vêtement, c'est aussi réparer un lien entre générations.",
                "Martine Delattre",
                "SoBizHub",
                True,
            ),
        ],
    ),
    "manger-local": TableWork(
        ideas=[
            "Une légumerie partagée pour les cantines",
            "Des paniers de producteurs à l'école",
            "Un marché de producteurs dans la cour de l'école le vendredi soir",
        ],
        projects=[
            Born(
                "La Légumerie partagée",
                "Des salariés en insertion lavent, épluchent et découpent les légumes des "
                "maraîchers de la métropole pour les cuisines des cantines scolaires.",
                (0,),
            ),
        ],
        contributions=[
            Contribution(
                "Lucie Fontaine",
                "Université de Lille",
                True,
                "Les cantines servent chaque jour des milliers de repas, mais les producteurs de "
                "la métropole peinent à y trouver leur place. Une légumerie partagée permettrait "
                "de préparer leurs légumes en quantité ; la table a aussi imaginé des paniers "
                "livrés à l'école, pour toucher les familles.",
            ),
        ],
        quotes=[
            Said(
                "Avant d'inventer, regardons ce qui existe déjà à deux rues d'ici.",
                "Lucie Fontaine",
                "Université de Lille",
                True,
            ),
        ],
    ),
    "mobilite-sans-voiture": TableWork(
        ideas=[
            "Prêter un vélo électrique pendant trois mois à qui reprend un emploi",
            "Un covoiturage entre salariés des zones d'activité, animé par les entreprises",
            "Un garage solidaire qui loue voitures et scooters à petit prix",
            "Une carte des bus de nuit et de petit matin pour les horaires décalés",
        ],
        projects=[
            Born(
                "En selle pour l'emploi",
                "Un vélo à assistance électrique prêté trois mois, avec une séance de remise en "
                "selle et un atelier de réparation, à celles et ceux qui reprennent un travail "
                "loin des transports.",
                (0,),
            ),
            Born(
                "Roulons ensemble",
                "Les entreprises d'une zone d'activité organisent le covoiturage entre leurs "
                "salariés, avec un animateur les trois premiers mois.",
                (1,),
            ),
        ],
        contributions=[
            Contribution(
                "Karim Messaoudi",
                "Mission locale",
                True,
                "Chaque mois, des jeunes refusent une offre parce qu'ils ne peuvent pas être dans "
                "la zone d'activité à six heures du matin. Le permis coûte cher et demande du "
                "temps ; un vélo électrique peut être prêté dès la semaine suivante.",
            ),
            Contribution(
                "",
                "Entrepôt de la zone de l'Union",
                False,
                "Les employeurs sont prêts à organiser le covoiturage entre leurs équipes, pourvu "
                "que l'outil soit simple et que quelqu'un le fasse vivre au début.",
            ),
        ],
        quotes=[
            Said(
                "Le premier kilomètre est souvent le plus dur à parcourir.",
                "Karim Messaoudi",
                "Mission locale",
                True,
            ),
        ],
    ),
    "prevention-sante": TableWork(
        ideas=[
            "Former des habitants relais santé dans chaque immeuble",
            "Un camion de dépistage au pied des tours un samedi par mois",
            "Des consultations de prévention dans les pharmacies de quartier",
            "Marcher ensemble le dimanche matin avec un éducateur sportif",
        ],
        projects=[
            Born(
                "Les Relais santé",
                "Des habitants formés aux premiers messages de prévention orientent leurs "
                "voisins vers les dépistages et accompagnent ceux qui n'osent pas y aller seuls.",
                (0, 1),
            ),
        ],
        contributions=[
            Contribution(
                "Anne Roussel",
                "Maison de santé du Hommelet",
                True,
                "Les patients qui consultent trop tard ne manquaient pas d'information : ils "
                "manquaient de quelqu'un de confiance pour les pousser à venir. Elle propose que "
                "les soignants forment des habitants volontaires et restent joignables pour eux.",
            ),
            Contribution(
                "Samira Ouali",
                "",
                True,
                "Mère de trois enfants, elle rappelle que le samedi matin est le seul moment où "
                "les familles sont libres, et que le dépistage doit venir à elles, pas l'inverse.",
            ),
        ],
        quotes=[
            Said(
                "La confiance se gagne sur le palier, pas dans une salle d'attente.",
                "Samira Ouali",
                "",
                True,
            ),
        ],
    ),
    "entreprendre-de-loin": TableWork(
        ideas=[
            "Un local partagé avec une vitrine pour vendre ses premiers produits",
            "Tester son activité sans perdre ses droits, dans une couveuse",
            "Des entrepreneurs installés qui parrainent un créateur pendant un an",
            "Un prêt d'honneur sans garant, remboursé au rythme de l'activité",
        ],
        projects=[
            Born(
                "Première vitrine",
                "Une boutique-école où des créateurs sans capital testent leur activité pendant "
                "six mois, avec un parrain entrepreneur et une comptabilité tenue pour eux.",
                (0, 1, 2),
            ),
        ],
        contributions=[
            Contribution(
                "Moussa Keita",
                "Coopérative d'activité et d'emploi",
                True,
                "La coopérative accueille des créateurs qui gardent un statut de salarié pendant "
                "qu'ils testent leur idée. Le frein qu'il entend le plus souvent n'est pas "
                "l'argent, mais la peur de tout perdre au premier échec.",
            ),
            Contribution(
                "",
                "Chambre de métiers",
                False,
                "Beaucoup d'activités de cuisine ou de couture naissent dans un salon ; leur "
                "donner une vitrine, même six mois, change le regard des clients et des banques.",
            ),
        ],
        quotes=[
            Said(
                "Des idées, il y en a ici ; ce qui manque, c'est le droit d'essayer.",
                "Moussa Keita",
                "Coopérative d'activité et d'emploi",
                True,
            ),
        ],
    ),
    "culture-quartiers": TableWork(
        ideas=[
            "Des artistes en résidence dans les logements vacants du bailleur",
            "Une chorale de quartier qui répète dans les halls d'immeuble",
            "Un festival où chaque rue programme son propre concert",
            "Prêter des instruments comme on prête des livres",
        ],
        projects=[
            Born(
                "Résidences d'escalier",
                "Des artistes logés six mois dans un appartement vacant créent avec les "
                "habitants de l'immeuble une œuvre montrée dans la cour.",
                (0, 1),
            ),
        ],
        contributions=[
            Contribution(
                "Léa Vandamme",
                "Compagnie La Navette",
                True,
                "La compagnie joue dans les salles du centre, où les habitants des quartiers "
                "viennent peu. Elle préfère créer avec eux, chez eux, plutôt que de leur demander "
                "de traverser la ville.",
            ),
            Contribution(
                "",
                "Un bailleur social",
                False,
                "Des logements restent vides plusieurs mois entre deux locataires ; les confier à "
                "des artistes coûterait peu et ferait revivre les halls.",
            ),
        ],
        quotes=[
            Said(
                "La culture, ce n'est pas seulement ce qu'on vient voir, c'est ce qu'on fait "
                "ensemble.",
                "Léa Vandamme",
                "Compagnie La Navette",
                True,
            ),
        ],
    ),
    "quartiers-verts": TableWork(
        ideas=[
            "Retirer le bitume des cours d'école pour en faire des îlots de fraîcheur",
            "Un permis de végétaliser son trottoir, délivré en une semaine",
            "Une micro-forêt sur chaque friche en attente de projet",
            "Des grainothèques dans les bibliothèques de quartier",
        ],
        projects=[
            Born(
                "Cours oasis",
                "Débitumer et planter les cours d'école avec les élèves, leurs parents et les "
                "voisins, pour en faire des lieux frais ouverts au quartier le week-end.",
                (0,),
            ),
            Born(
                "Trottoirs fleuris",
                "Un permis de végétaliser en une semaine, un kit de graines et un "
                "accompagnement pour que chaque rue plante au pied de ses façades.",
                (1, 3),
            ),
        ],
        contributions=[
            Contribution(
                "Nadia Cherif",
                "École élémentaire Jules-Ferry",
                True,
                "L'été dernier, la cour dépassait quarante degrés au soleil. Les enfants ont "
                "dessiné la cour qu'ils voudraient : des arbres, de la terre, de l'ombre. La "
                "table a voulu partir de leurs dessins.",
            ),
            Contribution(
                "Bastien Delcourt",
                "Collectif des jardiniers de l'Épeule",
                True,
                "Le collectif plante déjà au pied des façades, mais chaque autorisation prend des "
                "mois. Un permis simple, avec des graines et un suivi, permettrait à chaque rue "
                "de s'y mettre.",
            ),
        ],
        quotes=[
            Said(
                "Un arbre planté par un enfant, personne ne l'arrache.",
                "Nadia Cherif",
                "École élémentaire Jules-Ferry",
                True,
            ),
        ],
    ),
    "vivre-ensemble-voisins": TableWork(
        ideas=[
            "Un tableau d'entraide dans le hall : je propose, je cherche",
            "Un voisin parrain pour accueillir chaque nouvel arrivant",
            "Une boîte à outils partagée dans chaque immeuble",
            "Une fête des voisins à chaque saison, pas une seule fois par an",
        ],
        projects=[
            Born(
                "Allô voisins",
                "Un tableau d'entraide dans le hall et un voisin parrain pour chaque nouvel "
                "arrivant : qui prête une perceuse, qui garde le chat, qui monte les courses.",
                (0, 1),
            ),
        ],
        contributions=[
            Contribution(
                "Gérard Plouvier",
                "Amicale des locataires",
                True,
                "Dans sa résidence, on se croise depuis vingt ans sans connaître le prénom du "
                "voisin de palier. Quand une voisine âgée est tombée, personne ne s'en est aperçu "
                "pendant deux jours. L'entraide ne se décrète pas, mais elle s'organise.",
            ),
            Contribution(
                "",
                "Centre social de l'Alma",
                False,
                "Les fêtes marchent, mais l'élan retombe le lendemain : il faut un outil simple "
                "qui fasse le lien d'une fête à l'autre.",
            ),
        ],
        quotes=[
            Said(
                "On ne demande pas un service à un inconnu : il faut d'abord s'être dit bonjour.",
                "Gérard Plouvier",
                "Amicale des locataires",
                True,
            ),
        ],
    ),
}
