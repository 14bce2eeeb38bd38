"""The accompaniment in the impact page's downloads (job records, milestones, needs) and in the
territory's open data (jobs per public project, the territory's key figures).

Registered from ``AccompanimentConfig.ready()``. Each kind reads one query, lazily
(``.iterator()``), with the related names joined and the counts annotated (no query per row).
"""

from collections.abc import Iterator
from decimal import Decimal

from django.db.models import Case, Count, DecimalField, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accompaniment.enums import Contract, JobKind, JobStatus, MatchStatus, NeedKind, NeedStatus
from accompaniment.models import JobRecord, Milestone, Need
from accompaniment.queries import territory_job_totals
from projects.impact_exports import page_url
from projects.queries import accompanied_by_territory, showcase_projects
from territoire.impact.registry import (
    Column,
    ExportKind,
    ImpactFilter,
    OpenDataset,
    register_export,
    register_open_dataset,
)
from territoire.models import Territory

CHUNK = 2000


def _labels(choices) -> dict[str, object]:
    return dict(choices)


def _of_projects(queryset: QuerySet, impact: ImpactFilter, date_field: str) -> QuerySet:
    """Rows of the territory's projects, narrowed to the challenge and to the period (by
    ``date_field``, a date or a datetime lookup path)."""
    queryset = queryset.filter(project__territory=impact.territory)
    return impact.narrow(queryset, day=date_field, challenge="project__challenge_id")


JOB_COLUMNS = (
    Column("projet", _("projet")),
    Column("defi", _("défi")),
    Column("date", _("date"), "date"),
    Column("nombre", _("nombre d'emplois"), "integer"),
    Column("contrat", _("contrat")),
    Column("etp", _("équivalent temps plein"), "number"),
    Column("cree_ou_maintenu", _("créé ou maintenu")),
    Column("statut", _("statut")),
    Column("verifie_le", _("vérifié le"), "date"),
    Column("motif_renvoi", _("motif du renvoi")),
)


def job_rows(impact: ImpactFilter) -> Iterator[tuple]:
    contracts, kinds, statuses = (
        _labels(Contract.choices),
        _labels(JobKind.choices),
        _labels(JobStatus.choices),
    )
    records = (
        _of_projects(JobRecord.objects.all(), impact, "occurred_on")
        .order_by("project__name", "occurred_on", "pk")
        .values_list(
            "project__name",
            "project__challenge__title",
            "occurred_on",
            "number",
            "contract",
            "fte",
            "kind",
            "status",
            "verified_at",
            "return_reason",
        )
    )
    for (
        project,
        challenge,
        day,
        number,
        contract,
        fte,
        kind,
        status,
        verified,
        reason,
    ) in records.iterator(chunk_size=CHUNK):
        yield (
            project,
            challenge,
            day,
            number,
            contracts.get(contract, contract),
            fte,
            kinds.get(kind, kind),
            statuses.get(status, status),
            timezone.localdate(verified) if verified else None,
            reason,
        )


MILESTONE_COLUMNS = (
    Column("projet", _("projet")),
    Column("defi", _("défi")),
    Column("jalon", _("jalon")),
    Column("echeance", _("échéance"), "date"),
    Column("atteint_le", _("atteint le"), "date"),
    Column("en_retard", _("en retard"), "boolean"),
    Column("preuve", _("preuve"), "boolean"),
)


def milestone_rows(impact: ImpactFilter) -> Iterator[tuple]:
    """Late: not reached and past due as of the filter's day (as the portfolio counts them)."""
    evidence = Case(
        When(~Q(evidence_note="") | ~Q(evidence_link="") | ~Q(evidence_file=""), then=True),
        default=False,
    )
    milestones = (
        _of_projects(Milestone.objects.all(), impact, "due_on")
        .annotate(has_evidence=evidence)
        .order_by("project__name", "due_on", "order", "pk")
        .values_list(
            "project__name",
            "project__challenge__title",
            "title",
            "due_on",
            "done_on",
            "has_evidence",
        )
    )
    today = impact.today
    for project, challenge, title, due, done, has_evidence in milestones.iterator(chunk_size=CHUNK):
        yield (
            project,
            challenge,
            title,
            due,
            done,
            done is None and due < today,
            bool(has_evidence),
        )


NEED_COLUMNS = (
    Column("projet", _("projet")),
    Column("defi", _("défi")),
    Column("type", _("type")),
    Column("description", _("description")),
    Column("statut", _("statut")),
    Column("cree_le", _("exprimé le"), "date"),
    Column("ressources_proposees", _("ressources proposées"), "integer"),
    Column("ressources_acceptees", _("ressources acceptées"), "integer"),
)


def need_rows(impact: ImpactFilter) -> Iterator[tuple]:
    kinds, statuses = _labels(NeedKind.choices), _labels(NeedStatus.choices)
    needs = (
        _of_projects(Need.objects.all(), impact, "created_at__date")
        .annotate(
            proposed=Count("matches"),
            accepted=Count("matches", filter=Q(matches__status=MatchStatus.ACCEPTED)),
        )
        .order_by("project__name", "created_at", "pk")
        .values_list(
            "project__name",
            "project__challenge__title",
            "kind",
            "description",
            "status",
            "created_at",
            "proposed",
            "accepted",
        )
    )
    for (
        project,
        challenge,
        kind,
        description,
        status,
        created,
        proposed,
        accepted,
    ) in needs.iterator(chunk_size=CHUNK):
        yield (
            project,
            challenge,
            kinds.get(kind, kind),
            description,
            statuses.get(status, status),
            timezone.localdate(created) if created else None,
            proposed,
            accepted,
        )


# Open data


JOBS_PER_PROJECT_COLUMNS = (
    Column("projet", _("projet"), description=_("Le nom du projet.")),
    Column("identifiant", _("identifiant"), description=_("Son identifiant (projets.csv).")),
    Column("page", _("page web"), description=_("Sa page publique.")),
    Column(
        "emplois_crees_verifies",
        _("emplois créés, vérifiés"),
        "integer",
        description=_("Emplois créés, déclarés par l'équipe et vérifiés par son coach."),
    ),
    Column(
        "etp_crees_verifies",
        _("ETP créés, vérifiés"),
        "number",
        description=_("Les mêmes emplois en équivalents temps plein."),
    ),
    Column(
        "emplois_maintenus_verifies",
        _("emplois maintenus, vérifiés"),
        "integer",
        description=_("Emplois maintenus grâce au projet, vérifiés par son coach."),
    ),
)


def jobs_per_project_rows(territory: Territory) -> Iterator[tuple]:
    """The public projects that show their jobs, with their verified jobs (one query: the sums
    read one join, so they do not multiply each other)."""
    zero = Value(Decimal("0"), output_field=DecimalField(max_digits=9, decimal_places=2))
    created = Q(job_records__status=JobStatus.VERIFIED, job_records__kind=JobKind.CREATED)
    kept = Q(job_records__status=JobStatus.VERIFIED, job_records__kind=JobKind.KEPT)
    projects = (
        showcase_projects(territory)
        .filter(show_jobs=True)
        .annotate(
            created_jobs=Coalesce(Sum("job_records__number", filter=created), 0),
            created_fte=Coalesce(Sum("job_records__fte", filter=created), zero),
            kept_jobs=Coalesce(Sum("job_records__number", filter=kept), 0),
        )
        .values_list("name", "slug", "created_jobs", "created_fte", "kept_jobs")
    )
    for name, slug, jobs, fte, kept_jobs in projects.iterator():
        yield (name, slug, page_url(territory.slug, slug), jobs, fte, kept_jobs)


FIGURE_COLUMNS = (
    Column("indicateur", _("indicateur"), description=_("L'identifiant du chiffre.")),
    Column("libelle", _("libellé"), description=_("Ce que le chiffre compte.")),
    Column("valeur", _("valeur"), "number", description=_("Le chiffre.")),
    Column("unite", _("unité"), description=_("Son unité.")),
    Column("date", _("date"), "date", description=_("Le jour où il a été calculé.")),
    Column(
        "echeance",
        _("échéance"),
        "date",
        description=_("Pour un objectif : la date à laquelle il doit être atteint."),
    ),
)


def figure_rows(territory: Territory) -> Iterator[tuple]:
    """The territory's key figures, as the project pages count them (two queries)."""
    today = timezone.localdate()
    jobs = territory_job_totals(territory)
    accompanied = accompanied_by_territory([territory.pk]).get(territory.pk, 0)
    jobs_unit, projects_unit, fte_unit = _("emplois"), _("projets"), _("ETP")
    yield (
        "objectif_emplois",
        _("objectif d'emplois créés"),
        territory.job_target,
        jobs_unit,
        today,
        territory.job_target_deadline,
    )
    yield (
        "emplois_crees_verifies",
        _("emplois créés, vérifiés"),
        jobs["verified_jobs"],
        jobs_unit,
        today,
        None,
    )
    yield (
        "etp_crees_verifies",
        _("emplois créés, vérifiés, en équivalents temps plein"),
        jobs["verified_fte"],
        fte_unit,
        today,
        None,
    )
    yield (
        "emplois_maintenus_verifies",
        _("emplois maintenus, vérifiés"),
        jobs["kept_jobs"],
        jobs_unit,
        today,
        None,
    )
    yield (
        "projets_accompagnes",
        _("projets accompagnés en ce moment"),
        accompanied,
        projects_unit,
        today,
        None,
    )


register_export(
    ExportKind(
        key="emplois", label=_("Emplois déclarés"), columns=JOB_COLUMNS, rows=job_rows, order=20
    )
)
register_export(
    ExportKind(
        key="jalons", label=_("Jalons"), columns=MILESTONE_COLUMNS, rows=milestone_rows, order=40
    )
)
register_export(
    ExportKind(key="besoins", label=_("Besoins"), columns=NEED_COLUMNS, rows=need_rows, order=50)
)
register_open_dataset(
    OpenDataset(
        key="emplois-par-projet",
        title=_("Emplois par projet"),
        description=_(
            "Les emplois vérifiés des projets publics qui choisissent de les montrer "
            "(emplois créés et emplois maintenus comptés à part)."
        ),
        columns=JOBS_PER_PROJECT_COLUMNS,
        rows=jobs_per_project_rows,
        order=30,
    )
)
register_open_dataset(
    OpenDataset(
        key="chiffres",
        title=_("Chiffres clés"),
        description=_(
            "L'objectif d'emplois du territoire, les emplois créés et maintenus (vérifiés) et "
            "les projets accompagnés, comptés comme sur les pages des projets."
        ),
        columns=FIGURE_COLUMNS,
        rows=figure_rows,
        order=40,
    )
)
