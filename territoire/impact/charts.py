"""The impact charts' geometry: where each line, bar, tick and label goes, as plain numbers.

The templates (``territoire/impact/_chart*.html``, through ``{% impact_chart chart %}``) turn a
drawing into inline SVG with its legend and data table; nothing here writes markup. Sizes are in
the SVG's own units (its ``viewBox``): the picture scales to the width it is given, on a screen
as on an A4 page.
"""

import itertools
from dataclasses import dataclass, replace
from decimal import Decimal

from django.utils.text import capfirst
from django.utils.translation import gettext as _

from territoire.impact.chart_tables import DataTableDrawing, bar_table, line_table
from territoire.impact.registry import BarChart, Chart, LineChart
from territoire.impact.scales import (
    CHAR_WIDTH,
    LABEL_GAP,
    format_number,
    nice_ticks,
    shown_label_indexes,
)

WIDTH = 600
LINE_HEIGHT = 280
FONT_SIZE = 13
# Room around the plot of a line chart: tick values on the left, month names below, the last
# value of each line on the right.
LEFT, RIGHT, TOP, BOTTOM = 48, 64, 14, 30
# Horizontal bars: the bar's label on its own line above the bar, the value after the bar.
BAR_LABEL_HEIGHT = 18
BAR_THICKNESS = 18
BAR_GAP = 14
BAR_AXIS = 22
# A bar's label (and its note) on the line above it: cut past what the width holds.
LABEL_CHARS = int(WIDTH / CHAR_WIDTH) - 4

# The site's palette (static/css/site.css); every colour holds at least 3:1 against white
# (4.5:1 for text), and the styles differ by their dashes too, not by colour alone.
INK = "#1c2421"
MUTED = "#4d5a55"
GRID = "#d3ddd8"
ACTUAL_COLOURS = ("#0b5d4b", "#1d4f91", "#8a4b08", "#6b3fa0")
TARGET_COLOUR = MUTED
PROJECTION_COLOUR = "#c2410c"
BAR_COLOUR = "#5b9e8b"
BAR_PART_COLOUR = "#073f33"
STYLES = {
    # style: (dash pattern, stroke width)
    "actual": ("", 3),
    "target": ("7 5", 2),
    "projection": ("1 5", 3),
}

FONT = "Inter, system-ui, sans-serif"
# What the SVG templates read besides the drawing.
SVG_STYLE = {
    "ink": INK,
    "muted": MUTED,
    "grid": GRID,
    "bar": BAR_COLOUR,
    "part": BAR_PART_COLOUR,
    "bar_thickness": BAR_THICKNESS,
    "font_size": FONT_SIZE,
    "font": FONT,
}

_ids = itertools.count(1)


@dataclass(frozen=True)
class Tick:
    value: float
    position: float  # y for a line chart's value axis, x for bars
    label: str
    label_x: float
    label_y: float


@dataclass(frozen=True)
class AxisLabel:
    x: float
    y: float
    text: str


@dataclass(frozen=True)
class Line:
    """One series drawn: its runs of consecutive values (a None breaks the line), the points
    standing alone (drawn as dots) and its last value, written at the right."""

    label: str
    style: str
    colour: str
    dash: str
    width: float
    runs: tuple[str, ...]  # SVG polyline points: "x,y x,y …"
    dots: tuple[tuple[float, float], ...]
    end_x: float | None
    end_y: float | None
    end_label_x: float
    end_label_y: float | None
    end_label_anchor: str  # "end" above a line that stops early, else "start"
    end_in_margin: bool  # written in the right margin, beside the others ending there
    end_text: str


@dataclass(frozen=True)
class BarRow:
    label: str
    note: str
    label_y: float
    bar_y: float
    width: float
    part_width: float | None
    value_x: float
    value_y: float
    value_text: str
    grid_top: float  # the grid runs beside each bar, never through the labels
    grid_bottom: float


@dataclass(frozen=True)
class LegendItem:
    label: str
    colour: str
    dash: str
    width: float
    kind: str  # "line" or "box"


@dataclass(frozen=True)
class ChartDrawing:
    """Everything a template needs to draw a chart; ``kind`` chooses the template."""

    id: str
    kind: str
    title: str
    sentence: str
    unit: str
    width: float
    height: float
    plot_left: float
    plot_right: float
    plot_top: float
    plot_bottom: float
    ticks: tuple[Tick, ...]
    x_labels: tuple[AxisLabel, ...]
    lines: tuple[Line, ...]
    bars: tuple[BarRow, ...]
    legend: tuple[LegendItem, ...]
    table: DataTableDrawing
    is_empty: bool


def draw(chart: Chart) -> ChartDrawing:
    """The drawing of a registry chart (a LineChart or a BarChart)."""
    if isinstance(chart, BarChart):
        return draw_bar_chart(chart)
    return draw_line_chart(chart)


def _values(chart: LineChart) -> list[float]:
    return [float(v) for series in chart.series for v in series.values if v is not None]


def draw_line_chart(chart: LineChart) -> ChartDrawing:
    labels = [str(label) for label in chart.x_labels]
    values = _values(chart)
    ticks = nice_ticks(values)
    left, right, top, bottom = LEFT, WIDTH - RIGHT, TOP, LINE_HEIGHT - BOTTOM
    low, high = ticks[0], ticks[-1]

    def x_of(index: int) -> float:
        if len(labels) <= 1:
            return (left + right) / 2
        return left + index * (right - left) / (len(labels) - 1)

    def y_of(value: float) -> float:
        return bottom - (float(value) - low) * (bottom - top) / (high - low)

    spacing = (right - left) / (len(labels) - 1) if len(labels) > 1 else right - left
    x_axis = tuple(
        AxisLabel(round(x_of(i), 1), bottom + 20, labels[i])
        for i in shown_label_indexes(labels, spacing)
    )
    lines = [_line(chart, number, series, x_of, y_of, right) for number, series in _numbered(chart)]
    lines = _spread_end_labels(lines, top, bottom)
    return ChartDrawing(
        id=f"impact-chart-{next(_ids)}",
        kind="line",
        title=str(chart.title),
        sentence=str(chart.sentence),
        unit=str(chart.unit),
        width=WIDTH,
        height=LINE_HEIGHT,
        plot_left=left,
        plot_right=right,
        plot_top=top,
        plot_bottom=bottom,
        ticks=tuple(
            Tick(value, y, format_number(value), left - 8, y)
            for value, y in ((value, round(y_of(value), 1)) for value in ticks)
        ),
        x_labels=x_axis,
        lines=tuple(lines),
        bars=(),
        legend=tuple(
            LegendItem(line.label, line.colour, line.dash, line.width, "line") for line in lines
        ),
        table=line_table(chart),
        is_empty=not values,
    )


def _numbered(chart: LineChart):
    """Each series with its rank among the series of its style (the colour of actual ones)."""
    seen: dict[str, int] = {}
    for series in chart.series:
        rank = seen.get(series.style, 0)
        seen[series.style] = rank + 1
        yield rank, series


def _colour(style: str, rank: int) -> str:
    if style == "target":
        return TARGET_COLOUR
    if style == "projection":
        return PROJECTION_COLOUR
    return ACTUAL_COLOURS[rank % len(ACTUAL_COLOURS)]


def _line(chart: LineChart, rank: int, series, x_of, y_of, right: float) -> Line:
    runs: list[list[tuple[float, float]]] = [[]]
    for index, value in enumerate(series.values[: len(chart.x_labels)]):
        if value is None:
            runs.append([])
        else:
            runs[-1].append((round(x_of(index), 1), round(y_of(value), 1)))
    runs = [run for run in runs if run]
    last = next(
        (
            (i, v)
            for i, v in reversed(list(enumerate(series.values[: len(chart.x_labels)])))
            if v is not None
        ),
        None,
    )
    dash, width = STYLES.get(series.style, STYLES["actual"])
    label_x, label_y, anchor, in_margin = (
        _end_label(x_of(last[0]), y_of(last[1]), right) if last else (0, None, "start", False)
    )
    return Line(
        label=str(series.label),
        style=series.style if series.style in STYLES else "actual",
        colour=_colour(series.style, rank),
        dash=dash,
        width=width,
        runs=tuple(" ".join(f"{x},{y}" for x, y in run) for run in runs if len(run) > 1),
        dots=tuple(run[0] for run in runs if len(run) == 1),
        end_x=round(x_of(last[0]), 1) if last else None,
        end_y=round(y_of(last[1]), 1) if last else None,
        end_label_x=label_x,
        end_label_y=label_y,
        end_label_anchor=anchor,
        end_in_margin=in_margin,
        end_text=format_number(last[1]) if last else "",
    )


def _end_label(x: float, y: float, right: float) -> tuple[float, float, str, bool]:
    """Where a line's last value is written (x, y, text-anchor, in the right margin): in the
    margin when the line reaches the plot's end, else above its last point, on the side clear
    of what carries the line on (right of it near the value axis)."""
    if x >= right - 1:
        return right + 8, round(y, 1), "start", True
    if x < LEFT + 40:
        return round(x + 6, 1), round(y - FONT_SIZE, 1), "start", False
    return round(x - 6, 1), round(y - FONT_SIZE, 1), "end", False


def _spread_end_labels(lines: list[Line], top: float, bottom: float) -> list[Line]:
    """Move the values written in the right margin apart vertically, so that two lines ending
    close stay readable."""
    ending = sorted(
        ((line.end_y, line) for line in lines if line.end_y is not None and line.end_in_margin),
        key=lambda pair: pair[0],
    )
    room = FONT_SIZE + 2
    placed: dict[int, float] = {}
    previous = top - room
    for end_y, line in ending:
        y = max(end_y, previous + room)
        placed[id(line)] = y
        previous = y
    overflow = previous - (bottom + 4)
    if overflow > 0:  # pushed below the plot: shift them all up
        placed = {key: y - overflow for key, y in placed.items()}
    return [
        replace(line, end_label_y=round(placed[id(line)], 1)) if id(line) in placed else line
        for line in lines
    ]


def draw_bar_chart(chart: BarChart) -> ChartDrawing:
    bars = chart.bars
    values = [float(bar.value) for bar in bars]
    ticks = nice_ticks(values)
    has_parts = any(bar.part is not None for bar in bars)
    texts = [_bar_value_text(chart, bar) for bar in bars]
    value_room = max((len(text) for text in texts), default=0) * CHAR_WIDTH + LABEL_GAP
    left, right = 4, WIDTH - max(value_room, 40)
    low, high = ticks[0], ticks[-1]

    def x_of(value: float | Decimal) -> float:
        return left + (float(value) - low) * (right - left) / (high - low)

    row_height = BAR_LABEL_HEIGHT + BAR_THICKNESS + BAR_GAP
    rows = []
    for index, (bar, text) in enumerate(zip(bars, texts, strict=True)):
        label_y = TOP + index * row_height + FONT_SIZE
        bar_y = TOP + index * row_height + BAR_LABEL_HEIGHT
        width = max(x_of(bar.value) - x_of(0), 0)
        part = None
        if bar.part is not None:
            part = min(max(x_of(bar.part) - x_of(0), 0), width)
        rows.append(
            BarRow(
                label=_clip(str(bar.label), LABEL_CHARS),
                note=_clip(str(bar.note), max(LABEL_CHARS - len(str(bar.label)) - 3, 0)),
                label_y=label_y,
                bar_y=bar_y,
                width=round(width, 1),
                part_width=round(part, 1) if part is not None else None,
                value_x=round(x_of(0) + width + 6, 1),
                value_y=bar_y + BAR_THICKNESS / 2,
                grid_top=bar_y - 3,
                grid_bottom=bar_y + BAR_THICKNESS + 3,
                value_text=text,
            )
        )
    plot_bottom = TOP + len(bars) * row_height
    legend = []
    if has_parts:
        legend = [
            LegendItem(_("Total"), BAR_COLOUR, "", 0, "box"),
            LegendItem(capfirst(str(chart.part_label)) or _("Dont"), BAR_PART_COLOUR, "", 0, "box"),
        ]
    return ChartDrawing(
        id=f"impact-chart-{next(_ids)}",
        kind="bar",
        title=str(chart.title),
        sentence=str(chart.sentence),
        unit=str(chart.unit),
        width=WIDTH,
        height=plot_bottom + BAR_AXIS,
        plot_left=x_of(0),
        plot_right=right,
        plot_top=TOP,
        plot_bottom=plot_bottom,
        ticks=tuple(
            Tick(
                value,
                round(x_of(value), 1),
                format_number(value),
                round(x_of(value), 1),
                plot_bottom + 16,
            )
            for value in ticks
        ),
        x_labels=(),
        lines=(),
        bars=tuple(rows),
        legend=tuple(legend),
        table=bar_table(chart, has_parts),
        is_empty=not bars,
    )


def _clip(text: str, chars: int) -> str:
    """The text cut at a word to ``chars`` characters, with an ellipsis (the table has it all)."""
    if len(text) <= chars:
        return text
    if chars <= 1:
        return ""
    cut = text[: chars - 1].rsplit(" ", 1)[0] or text[: chars - 1]
    return cut.rstrip(" ,;:") + "…"


def _bar_value_text(chart: BarChart, bar) -> str:
    text = format_number(bar.value)
    if bar.part is not None:
        part = format_number(bar.part)
        # « 14 (satisfaits : 9) »: the part's label never has to agree with its number.
        text = (
            f"{text} ({chart.part_label}\u00a0: {part})" if chart.part_label else f"{text} ({part})"
        )
    return text
