"""The data table of an impact chart: every value the chart draws, as text, for the
<table> shown beside it (screen readers, print, whoever wants the figures)."""

from dataclasses import dataclass

from django.utils.text import capfirst
from django.utils.translation import gettext as _

from territoire.impact.registry import BarChart, LineChart
from territoire.impact.scales import format_number


@dataclass(frozen=True)
class DataTableDrawing:
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]  # the first cell of a row is its header
    numeric: tuple[bool, ...] = ()  # per column: right-aligned figures

    @property
    def header_cells(self) -> list[tuple[str, bool]]:
        return list(zip(self.columns, self.numeric or (False,) * len(self.columns), strict=True))

    @property
    def body_rows(self) -> list[list[tuple[str, bool]]]:
        numeric = self.numeric or (False,) * len(self.columns)
        return [list(zip(row, numeric, strict=True)) for row in self.rows]


def line_table(chart: LineChart) -> DataTableDrawing:
    columns = (_("Période"), *(str(series.label) for series in chart.series))
    rows = tuple(
        (
            str(label),
            *(
                format_number(series.values[i] if i < len(series.values) else None)
                for series in chart.series
            ),
        )
        for i, label in enumerate(chart.x_labels)
    )
    numeric = (False, *(True for _series in chart.series))
    return DataTableDrawing(columns=columns, rows=rows, numeric=numeric)


def bar_table(chart: BarChart, has_parts: bool) -> DataTableDrawing:
    has_notes = any(bar.note for bar in chart.bars)
    columns = [_("Libellé"), capfirst(str(chart.unit)) or _("Valeur")]
    numeric = [False, True]
    if has_parts:
        columns.append(capfirst(str(chart.part_label)) or _("Dont"))
        numeric.append(True)
    if has_notes:
        columns.append(_("Précision"))
        numeric.append(False)
    rows = []
    for bar in chart.bars:
        row = [str(bar.label), format_number(bar.value)]
        if has_parts:
            row.append(format_number(bar.part))
        if has_notes:
            row.append(str(bar.note))
        rows.append(tuple(row))
    return DataTableDrawing(columns=tuple(columns), rows=tuple(rows), numeric=tuple(numeric))
