"""A territory's open data: the datasets the apps register (``register_open_dataset``), as CSV
and JSON, described by a Frictionless Data Package and a README, under the Licence Ouverte /
Etalab 2.0. No personal data, ever: the datasets carry projects, challenges and figures, never
a person.

The open data is for machines first, so its CSV follows the Table Schema defaults, not the
French Excel conventions of the private exports: commas between cells, UTF-8 without a
byte-order mark, decimals with a point, dates ISO, booleans ``true``/``false``. A text cell a
spreadsheet would run as a formula still gets a leading apostrophe.
"""

import datetime
import json
from collections.abc import Iterator
from decimal import Decimal

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from territoire.exports import csv_download, neutralised
from territoire.impact.registry import OpenDataset, open_datasets
from territoire.models import Territory

LICENCE_NAME = "etalab-2.0"
LICENCE_URL = "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"
LICENCE_TITLE = "Licence Ouverte / Open Licence version 2.0"
PUBLIC_CACHE = "public, max-age=300"
MEDIATYPES = {"csv": "text/csv", "json": "application/json"}


def package_name(territory: Territory) -> str:
    return f"territoire-{territory.slug}"


def _plain(value: object) -> object:
    """A value as JSON has it: dates ISO, decimals as numbers, lazy text resolved."""
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, Promise):
        return str(value)
    return value


def csv_text(value: object) -> str:
    """A value as the open data's CSV writes it (Table Schema defaults)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, int | float | datetime.date):
        return str(_plain(value))
    return neutralised(str(value))


def _csv_rows(dataset: OpenDataset, territory: Territory) -> Iterator[list[str]]:
    yield [column.name for column in dataset.columns]
    for row in dataset.rows(territory):
        yield [csv_text(value) for value in row]


def _headers(filename: str) -> dict[str, str]:
    return {
        "Content-Disposition": f'inline; filename="{filename}"',
        "Cache-Control": PUBLIC_CACHE,
        "Access-Control-Allow-Origin": "*",
    }


def dataset_csv_response(dataset: OpenDataset, territory: Territory) -> StreamingHttpResponse:
    return csv_download(
        _csv_rows(dataset, territory),
        filename=f"{dataset.key}.csv",
        delimiter=",",
        bom=False,
        disposition="inline",
        headers=_headers(f"{dataset.key}.csv"),
    )


def dataset_records(dataset: OpenDataset, territory: Territory) -> list[dict[str, object]]:
    names = [column.name for column in dataset.columns]
    return [
        dict(zip(names, (_plain(value) for value in row), strict=True))
        for row in dataset.rows(territory)
    ]


def _json(data: object, filename: str) -> HttpResponse:
    return HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
        headers=_headers(filename),
    )


def dataset_json_response(dataset: OpenDataset, territory: Territory) -> HttpResponse:
    return _json(dataset_records(dataset, territory), f"{dataset.key}.json")


def table_schema(dataset: OpenDataset) -> dict[str, object]:
    return {
        "fields": [
            {
                "name": column.name,
                "title": str(column.title),
                "type": column.type,
                "description": str(column.description),
            }
            for column in dataset.columns
        ]
    }


def datapackage(territory: Territory, homepage: str) -> dict[str, object]:
    """The Frictionless Data Package describing the territory's datasets (their CSV files,
    paths relative to the descriptor)."""
    return {
        "name": package_name(territory),
        "title": _("Données ouvertes de %(territory)s") % {"territory": territory.name},
        "description": _(
            "Les projets publics, les défis et les chiffres clés de la dynamique Start-up de "
            "Territoire de %(territory)s, mis à jour en continu. Aucune donnée personnelle."
        )
        % {"territory": territory.name},
        "homepage": homepage,
        "licenses": [{"name": LICENCE_NAME, "path": LICENCE_URL, "title": LICENCE_TITLE}],
        "sources": [{"title": territory.name, "path": homepage}],
        "resources": [
            {
                "name": dataset.key,
                "title": str(dataset.title),
                "description": str(dataset.description),
                "path": f"{dataset.key}.csv",
                "format": "csv",
                "mediatype": MEDIATYPES["csv"],
                "encoding": "utf-8",
                "schema": table_schema(dataset),
            }
            for dataset in open_datasets()
        ],
    }


def datapackage_response(territory: Territory, homepage: str) -> HttpResponse:
    return _json(datapackage(territory, homepage), "datapackage.json")


def readme(territory: Territory, homepage: str) -> str:
    """LISEZMOI.md: what is published, under which licence, from where, each field."""
    lines = [
        "# " + _("Données ouvertes de %(territory)s") % {"territory": territory.name},
        "",
        _(
            "Les projets publics, les défis et les chiffres clés de la dynamique Start-up de "
            "Territoire de %(territory)s."
        )
        % {"territory": territory.name},
        "",
        "## " + _("Licence"),
        "",
        _("Licence Ouverte / Etalab 2.0 : %(url)s") % {"url": LICENCE_URL},
        _(
            "Vous pouvez réutiliser ces données librement, y compris commercialement, en "
            "mentionnant leur source."
        ),
        "",
        "## " + _("Source"),
        "",
        _("Territoire — %(territory)s : %(url)s") % {"territory": territory.name, "url": homepage},
        "",
        "## " + _("Mise à jour"),
        "",
        _(
            "En continu : chaque fichier est produit à la demande à partir des données de la "
            "plateforme."
        ),
        "",
        "## " + _("Données personnelles"),
        "",
        _(
            "Aucune : ni nom, ni adresse e-mail, ni téléphone d'une personne. Les projets "
            "publiés sont ceux que leur équipe a rendus publics."
        ),
        "",
        "## " + _("Format"),
        "",
        _(
            "CSV en UTF-8, séparé par des virgules, décimales avec un point, dates AAAA-MM-JJ, "
            "booléens true/false ; le même contenu en JSON. datapackage.json décrit chaque "
            "fichier (Frictionless Data Package, Table Schema). Un texte qui commence par = + - "
            "ou @ est précédé d'une apostrophe (protection des tableurs)."
        ),
    ]
    for dataset in open_datasets():
        lines += [
            "",
            f"## {dataset.title} ({dataset.key}.csv, {dataset.key}.json)",
            "",
            str(dataset.description),
            "",
            "| " + _("Champ") + " | " + _("Type") + " | " + _("Description") + " |",
            "|---|---|---|",
        ]
        lines += [
            f"| `{column.name}` | {column.type} | {column.title} : {column.description} |"
            for column in dataset.columns
        ]
    return "\n".join(lines) + "\n"


def readme_response(territory: Territory, homepage: str) -> HttpResponse:
    return HttpResponse(
        readme(territory, homepage),
        content_type="text/markdown; charset=utf-8",
        headers=_headers("LISEZMOI.md"),
    )
