"""The scales of the impact charts: round tick values, month names thinned so that they never
overlap, and numbers written as a French reader expects them."""

import math
from decimal import Decimal

from django.utils.formats import number_format

from territoire.impact.registry import Number

TICK_COUNT = 5
# An average character of the charts' font (13 units high), to keep labels apart.
CHAR_WIDTH = 7.2
LABEL_GAP = 12
CALENDAR_STEPS = (1, 2, 3, 4, 6, 12)


def format_number(value: Number | None) -> str:
    """A value as a French reader writes it: « 1 234 », « 2,5 »; an em dash for no value."""
    if value is None or not math.isfinite(float(value)):
        return "—"
    if isinstance(value, bool):
        return str(int(value))
    if float(value) == int(value):
        return number_format(int(value), 0, use_l10n=True, force_grouping=True)
    rounded = Decimal(str(round(float(value), 2))).normalize()
    exponent = rounded.as_tuple().exponent
    assert isinstance(exponent, int)  # a finite number's
    decimals = max(-exponent, 0)
    return number_format(rounded, decimals, use_l10n=True, force_grouping=True)


def nice_step(span: float, count: int = TICK_COUNT, *, whole: bool = True) -> float:
    """The round step (1, 2, 2.5 or 5 times a power of ten) cutting ``span`` into about
    ``count`` intervals; at least 1 when the values are whole numbers."""
    if span <= 0:
        return 1
    raw = span / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    if whole:
        step = max(step, 1)
        if step != int(step):  # 2.5 between whole numbers: take 2 or 5 instead
            step = 2 * magnitude if 2 * magnitude >= raw else 5 * magnitude
    return step


def nice_ticks(values: list[float], count: int = TICK_COUNT) -> list[float]:
    """Round tick values from 0 (or below, for negative values) up to at least the largest
    value. A chart of zeros, or of no value at all, gets 0 and 1."""
    low = min([0.0, *values])
    high = max([0.0, *values])
    whole = all(float(v) == int(v) for v in values)
    step = nice_step(high - low, count, whole=whole)
    first = math.floor(low / step)
    last = max(math.ceil(high / step), first + 1)
    return [_tidy(i * step) for i in range(first, last + 1)]


def _tidy(value: float) -> float:
    """1.2000000000000002 → 1.2: tick values as a person would write them."""
    return round(value, 9)


def shown_label_indexes(labels: list[str], spacing: float) -> list[int]:
    """Which of the evenly spaced labels to write so that none overlaps the next: every k-th,
    k the smallest that leaves the widest label room."""
    if not labels:
        return []
    widest = max(len(label) for label in labels) * CHAR_WIDTH + LABEL_GAP
    needed = max(1, math.ceil(widest / spacing)) if spacing > 0 else len(labels)
    # Months read best by a quarter, a half or a whole year: steps that divide twelve first.
    every = next((step for step in CALENDAR_STEPS if step >= needed), 12 * math.ceil(needed / 12))
    return list(range(0, len(labels), every))
