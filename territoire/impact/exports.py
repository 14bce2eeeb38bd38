"""The impact page's downloads: one kind as CSV, or every kind as one Excel workbook.

Both read the kinds' rows lazily (``ExportKind.rows`` iterates a queryset with
``.iterator()``): the CSV streams row by row (``territoire/exports.py``), the workbook is
written by a write-only openpyxl workbook to a temporary file, so memory stays flat whatever
the export's size.

A spreadsheet runs a text cell starting with ``= + - @`` (or a tab or carriage return) as a
formula: every text cell of both formats is neutralised with a leading apostrophe, and in the
workbook it is also forced to a string cell.
"""

import datetime
import tempfile
from collections.abc import Iterable, Iterator
from decimal import Decimal

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from territoire.exports import csv_download, neutralised
from territoire.impact.registry import Column, ExportKind, ImpactFilter
from territoire.models import Territory

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_FORMAT = "dd/mm/yyyy"
DATETIME_FORMAT = "dd/mm/yyyy hh:mm"
# Column widths in characters, by Table Schema type; text columns widen to their title.
WIDTHS = {"date": 12, "datetime": 17, "integer": 10, "number": 12, "boolean": 9}
TEXT_WIDTH, MAX_WIDTH = 24, 60
SHEET_TITLE_MAX = 31  # Excel's limit
SHEET_TITLE_FORBIDDEN = str.maketrans(dict.fromkeys("[]:*?/\\", " "))


def export_filename(territory: Territory, stem: str, extension: str) -> str:
    """``impact-<territory>-<stem>-<today>.<extension>``; the stem may be empty."""
    parts = ["impact", territory.slug, stem, timezone.localdate().isoformat()]
    return "-".join(part for part in parts if part) + f".{extension}"


def _local(moment: datetime.datetime) -> datetime.datetime:
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return moment.replace(tzinfo=None)


# CSV


def csv_cell(value: object) -> str:
    """A value as CSV text. Dates ISO (2026-12-07, 2026-12-07 18:30); yes/no in French;
    decimals with a decimal COMMA (1,5), what a French Excel reads as a number — the cells are
    separated by semicolons, so the comma is unambiguous. Text is neutralised."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("oui") if value else _("non")
    if isinstance(value, datetime.datetime):
        return _local(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal):
        return format(value, "f").replace(".", ",")
    if isinstance(value, float):
        return str(value).replace(".", ",")
    return neutralised(str(value))


def _csv_rows(kind: ExportKind, impact: ImpactFilter) -> Iterator[list[str]]:
    yield [neutralised(str(column.title)) for column in kind.columns]
    for row in kind.rows(impact):
        yield [csv_cell(value) for value in row]


def csv_response(kind: ExportKind, impact: ImpactFilter) -> StreamingHttpResponse:
    """One kind as a CSV download, streamed row by row."""
    return csv_download(
        _csv_rows(kind, impact), filename=export_filename(impact.territory, kind.key, "csv")
    )


# Excel


def _width(column: Column) -> int:
    title = len(str(column.title)) + 2
    return min(MAX_WIDTH, max(title, WIDTHS.get(column.type, TEXT_WIDTH)))


def sheet_title(label: object, taken: set[str]) -> str:
    """A sheet name Excel accepts (31 characters, none of ``[]:*?/\\``), unique in the book."""
    base = str(label).translate(SHEET_TITLE_FORBIDDEN).strip()[:SHEET_TITLE_MAX] or "Feuille"
    title, n = base, 2
    while title.lower() in taken:
        suffix = f" {n}"
        title, n = base[: SHEET_TITLE_MAX - len(suffix)] + suffix, n + 1
    taken.add(title.lower())
    return title


def xlsx_cell(sheet, value: object) -> WriteOnlyCell:
    """A typed cell: dates as dates, numbers as numbers, booleans as booleans; text forced to a
    string cell and neutralised, so that no spreadsheet evaluates it."""
    if isinstance(value, Promise):
        value = str(value)
    if isinstance(value, datetime.datetime):
        cell = WriteOnlyCell(sheet, value=_local(value))
        cell.number_format = DATETIME_FORMAT
    elif isinstance(value, datetime.date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = DATE_FORMAT
    elif value is None or isinstance(value, bool | int | float | Decimal):
        cell = WriteOnlyCell(sheet, value=value)
    else:
        cell = WriteOnlyCell(sheet, value=neutralised(ILLEGAL_CHARACTERS_RE.sub("", str(value))))
        cell.data_type = "s"
    return cell


def _write_sheet(book: Workbook, kind: ExportKind, impact: ImpactFilter, taken: set[str]) -> None:
    sheet = book.create_sheet(title=sheet_title(kind.label, taken))
    sheet.freeze_panes = "A2"
    for index, column in enumerate(kind.columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = _width(column)
    bold, wrap = Font(bold=True), Alignment(vertical="top", wrap_text=True)
    header = []
    for column in kind.columns:
        cell = xlsx_cell(sheet, str(column.title))
        cell.font, cell.alignment = bold, wrap
        header.append(cell)
    sheet.append(header)
    for row in kind.rows(impact):
        sheet.append([xlsx_cell(sheet, value) for value in row])


def xlsx_response(kinds: Iterable[ExportKind], impact: ImpactFilter) -> FileResponse:
    """Every kind as one sheet of a workbook, written to a temporary file (deleted once sent)."""
    book = Workbook(write_only=True)
    taken: set[str] = set()
    for kind in kinds:
        _write_sheet(book, kind, impact, taken)
    if not taken:
        _write_sheet(book, ExportKind("vide", _("Aucune donnée"), (), lambda _f: ()), impact, taken)
    # Closed (and so deleted) by the FileResponse once sent.
    file = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115
    book.save(file)
    file.seek(0)
    response = FileResponse(
        file,
        as_attachment=True,
        filename=export_filename(impact.territory, "", "xlsx"),
        content_type=XLSX_CONTENT_TYPE,
    )
    response["Cache-Control"] = "private, no-store"
    return response
