"""Every CSV download, streamed row by row.

The rows come from a generator (querysets read with ``.iterator(chunk_size=…)``): a
``csv.writer`` writes each row into a pseudo-buffer that hands the line back (the pattern of
Django's documentation), and a ``StreamingHttpResponse`` sends it on. Memory stays flat and the
first bytes leave at once, whether the export holds ten rows or 30,000.

What a French Excel expects by default: semicolons between cells, UTF-8 with a byte-order mark so
that accents show right without an import wizard. A spreadsheet runs a text cell starting with
``= + - @`` (or a tab or carriage return) as a formula: text is neutralised with a leading
apostrophe (``neutralised``), by the caller, which knows which cells are text.
"""

import csv
from collections.abc import Iterable, Iterator

from django.http import StreamingHttpResponse
from django.utils import translation

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_BOM = "\ufeff"
# Rows read from the database at a time by the exports' ``.iterator(chunk_size=…)``.
CHUNK_SIZE = 1000


def neutralised(text: str) -> str:
    """Text a spreadsheet would run as a formula, made inert by a leading apostrophe."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


class EchoBuffer:
    """A pseudo-buffer: csv.writer writes one row, the generator hands it on."""

    def write(self, value: str) -> str:
        return value


def csv_lines(
    rows: Iterable[Iterable[object]], *, delimiter: str = ";", bom: bool = True
) -> Iterator[str]:
    """``rows`` (the header first) as CSV lines, one at a time; the first with the BOM."""
    writer = csv.writer(EchoBuffer(), delimiter=delimiter)
    prefix = CSV_BOM if bom else ""
    for row in rows:
        yield prefix + writer.writerow(row)
        prefix = ""
    if prefix:  # nothing at all: still a file Excel opens as UTF-8
        yield prefix


def _in_language(lines: Iterator[str], language: str) -> Iterator[str]:
    # The response is consumed after the view returned: keep the request's language.
    with translation.override(language):
        yield from lines


def csv_download(
    rows: Iterable[Iterable[object]],
    *,
    filename: str,
    delimiter: str = ";",
    bom: bool = True,
    disposition: str = "attachment",
    headers: dict[str, str] | None = None,
) -> StreamingHttpResponse:
    """``rows`` streamed as a CSV file named ``filename``, in the current request's language.

    ``rows`` should be lazy (a generator over ``.iterator()``): it is read while the response is
    sent, not before."""
    language = translation.get_language() or "fr"
    return StreamingHttpResponse(
        _in_language(csv_lines(rows, delimiter=delimiter, bom=bom), language),
        content_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'{disposition}; filename="{filename}"',
            "Cache-Control": "private, no-store",
            **(headers or {}),
        },
    )
