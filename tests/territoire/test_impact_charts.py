"""The impact charts drawn on the server: well-formed SVG a screen reader can name, round ticks,
bars in proportion, month names that never overlap, and every value in the data table."""

import itertools
import re
import xml.etree.ElementTree as ET

import pytest
from django.template import Context, Template
from django.utils import translation

from territoire.impact.charts import draw
from territoire.impact.registry import Bar, BarChart, ImpactFilter, LineChart, Series
from territoire.impact.scales import CHAR_WIDTH, format_number, nice_ticks, shown_label_indexes
from tests.factories import TerritoryFactory
from tests.territoire.impact_samples import (
    MONTHS,
    VERIFIED,
    jobs_chart,
    needs_chart,
    sample_sections,
)

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(autouse=True)
def _french():
    with translation.override("fr"):
        yield


def render(chart, **options) -> str:
    template = "{% load impact %}{% impact_chart chart" + "".join(
        f" {name}={name}" for name in options
    )
    return Template(template + " %}").render(Context({"chart": chart, **options}))


def figure(html: str) -> ET.Element:
    """The rendered <figure>, parsed as XML (the markup must be well-formed)."""
    return ET.fromstring(html.replace("&nbsp;", "\u00a0").strip())


def svg_of(html: str) -> ET.Element:
    svg = figure(html).find(f"{SVG}svg")
    assert svg is not None
    return svg


def texts(element: ET.Element) -> list[str]:
    return ["".join(node.itertext()).strip() for node in element.iter(f"{SVG}text")]


def table_cells(html: str) -> list[list[str]]:
    table = figure(html).find(".//table")
    return [["".join(cell.itertext()).strip() for cell in row] for row in table.iter("tr")]


def test_a_line_chart_is_named_by_its_title_and_sentence():
    html = render(jobs_chart())
    root = figure(html)
    svg = svg_of(html)

    assert root.tag == "figure"
    assert svg.get("role") == "img"
    title_id, caption_id = svg.get("aria-labelledby").split()
    assert root.find(f".//*[@id='{title_id}']").text.startswith("Emplois créés, vérifiés")
    caption = root.find("figcaption")
    assert caption.get("id") == caption_id
    assert "180 emplois à l\u2019échéance" in "".join(caption.itertext())
    # Nothing fetched from elsewhere, no script.
    assert "<script" not in html and "http://" not in html.replace(SVG[1:-1], "")


def test_the_value_axis_has_round_ticks_up_to_the_highest_value():
    svg = svg_of(render(jobs_chart()))
    grid = svg.find(f"{SVG}g[@class='chart__grid']")

    assert texts(grid) == ["0", "50", "100", "150", "200", "250"]


@pytest.mark.parametrize(
    ("values", "ticks"),
    [
        ([3], [0, 1, 2, 3]),
        ([41, 250], [0, 50, 100, 150, 200, 250]),
        ([7.5], [0, 2, 4, 6, 8]),
        ([0.4, 1.3], [0, 0.5, 1, 1.5]),
        ([1234], [0, 250, 500, 750, 1000, 1250]),
        ([0, 0], [0, 1]),
        ([], [0, 1]),
        ([-2, 3], [-2, -1, 0, 1, 2, 3]),
    ],
)
def test_ticks_are_round_numbers(values, ticks):
    assert nice_ticks(values) == ticks


def test_month_names_are_thinned_so_that_they_never_overlap():
    drawing = draw(jobs_chart())
    shown = drawing.x_labels

    assert 2 <= len(shown) < len(MONTHS)
    widest = max(len(label.text) for label in shown) * CHAR_WIDTH
    gaps = [b.x - a.x for a, b in itertools.pairwise(shown)]
    assert min(gaps) > widest
    assert next(label.text for label in shown) == "janv. 2026"


def test_few_months_are_all_written():
    assert shown_label_indexes(["janv.", "févr.", "mars"], spacing=200) == [0, 1, 2]


def test_months_still_to_come_are_left_out_of_the_line():
    svg = svg_of(render(jobs_chart()))
    actual = svg.find(f"{SVG}g[@class='chart__series chart__series--actual']")
    points = actual.find(f"{SVG}polyline").get("points").split()

    assert len(points) == len(VERIFIED)  # the 24 months to come (None) are not drawn at 0
    styles = {
        group.get("class").split("--")[1]: group.find(f"{SVG}polyline")
        for group in svg.iter(f"{SVG}g")
        if "chart__series--" in (group.get("class") or "")
    }
    assert styles["actual"].get("stroke-dasharray") is None
    assert styles["target"].get("stroke-dasharray") == "7 5"
    assert styles["projection"].get("stroke-dasharray") == "1 5"


def test_a_gap_in_the_values_breaks_the_line_and_a_lone_value_is_a_dot():
    chart = LineChart(
        title="Trous",
        sentence="Des mois sans valeur.",
        x_labels=("a", "b", "c", "d", "e"),
        series=(Series("Valeurs", (1, 2, None, 4, None)),),
    )
    svg = svg_of(render(chart))

    assert len(list(svg.iter(f"{SVG}polyline"))) == 1
    # the lone value 4 (a dot) and the last value (a marked end)
    assert len(list(svg.iter(f"{SVG}circle"))) == 2


def test_the_legend_names_each_line():
    root = figure(render(jobs_chart()))
    legend = root.find("ul[@class='chart__legend']")

    assert [item.itertext() and "".join(item.itertext()).strip() for item in legend] == [
        "Emplois vérifiés",
        "Chemin vers l\u2019objectif",
        "À ce rythme",
    ]


def test_the_last_values_are_written_beside_the_lines():
    svg_texts = texts(svg_of(render(jobs_chart())))

    assert {"41", "250", "137"} <= set(svg_texts)


def test_the_line_chart_data_table_holds_every_value():
    html = render(jobs_chart())
    rows = table_cells(html)
    table = figure(html).find(".//table")

    assert table.find("caption") is not None
    assert [th.get("scope") for th in table.find("thead").iter("th")] == ["col"] * 4
    assert all(row.find("th").get("scope") == "row" for row in table.find("tbody"))
    assert rows[0] == ["Période", "Emplois vérifiés", "Chemin vers l\u2019objectif", "À ce rythme"]
    assert len(rows) == 1 + len(MONTHS)
    assert rows[1] == ["janv. 2026", "0", "0", "—"]
    assert rows[12] == ["déc. 2026", "41", "78,6", "41"]
    assert rows[-1] == ["déc. 2028", "—", "250", "137"]


def test_on_screen_the_table_is_folded_in_details_and_printed_in_full():
    on_screen = figure(render(jobs_chart()))
    printed = figure(render(jobs_chart(), for_print=True))

    assert on_screen.find("details/div/table") is not None
    assert printed.find("details") is None
    assert printed.find("div/table") is not None


def test_bars_are_in_proportion_to_their_values():
    drawing = draw(needs_chart())
    widths = {bar.label: bar.width for bar in drawing.bars}

    assert widths["Financement"] / widths["Local"] == pytest.approx(14 / 5, rel=0.01)
    assert widths["Mentorat"] / widths["Local"] == pytest.approx(3 / 5, rel=0.01)
    financing = drawing.bars[0]
    assert financing.part_width / financing.width == pytest.approx(9 / 14, rel=0.01)


def test_a_bar_chart_is_well_formed_with_its_parts_and_notes():
    html = render(needs_chart())
    svg = svg_of(html)
    rects = list(svg.iter(f"{SVG}rect"))

    assert len(rects) == 3 + 2  # the three bars, and the met part of two of them
    assert "14 (satisfaits\u00a0: 9)" in texts(svg)
    assert any("deux en discussion" in text for text in texts(svg))
    assert table_cells(html) == [
        ["Libellé", "Besoins", "Satisfaits", "Précision"],
        ["Financement", "14", "9", ""],
        ["Local", "5", "1", "deux en discussion"],
        ["Mentorat", "3", "0", ""],
    ]


def test_a_chart_of_zeros_is_drawn_flat():
    zeros = LineChart(
        title="Rien encore",
        sentence="Aucun emploi vérifié pour l'instant.",
        x_labels=MONTHS[:6],
        series=(Series("Emplois vérifiés", (0,) * 6),),
    )
    bars = BarChart(title="Aucun", sentence="Aucun besoin.", bars=(Bar("Local", 0, 0),))

    line_svg = svg_of(render(zeros))
    bar_svg = svg_of(render(bars))

    assert texts(line_svg.find(f"{SVG}g[@class='chart__grid']")) == ["0", "1"]
    points = line_svg.find(f".//{SVG}polyline").get("points").split()
    assert len({point.split(",")[1] for point in points}) == 1  # one height: flat on 0
    assert float(next(bar_svg.iter(f"{SVG}rect")).get("width")) == 0


@pytest.mark.parametrize(
    "chart",
    [
        LineChart(title="Vide", sentence="Rien à montrer.", x_labels=(), series=()),
        LineChart(
            title="Vide",
            sentence="Rien à montrer.",
            x_labels=("janv.",),
            series=(Series("Rien", (None,)),),
        ),
        BarChart(title="Vide", sentence="Rien à montrer.", bars=()),
    ],
)
def test_an_empty_chart_says_so_instead_of_drawing(chart):
    root = figure(render(chart))

    assert root.find(f"{SVG}svg") is None
    assert "Pas encore de données à dessiner." in "".join(root.itertext())
    assert "Rien à montrer." in "".join(root.find("figcaption").itertext())


def test_a_single_month_is_drawn_as_a_dot():
    chart = LineChart(
        title="Un mois",
        sentence="Le premier mois.",
        x_labels=("janv. 2026",),
        series=(Series("Emplois", (3,)),),
    )
    svg = svg_of(render(chart))

    assert list(svg.iter(f"{SVG}polyline")) == []
    assert "janv. 2026" in texts(svg)


def test_labels_are_escaped_never_trusted():
    chart = BarChart(
        title="<script>alert(1)</script>",
        sentence="Un <b>test</b>.",
        bars=(Bar("<img src=x>", 2),),
    )
    html = render(chart)

    assert "<script>" not in html and "<img" not in html and "<b>" not in html
    figure(html)  # still well-formed


def test_numbers_are_written_the_french_way():
    assert format_number(1234) == "1\u202f234" or format_number(1234) == "1\u00a0234"
    assert format_number(2.5) == "2,5"
    assert format_number(None) == format_number(float("nan")) == "—"
    assert re.fullmatch(r"\d", format_number(3.0))


def test_a_section_shows_its_headline_figures_charts_and_tables(db):
    jobs, needs = sample_sections(ImpactFilter(territory=TerritoryFactory()))
    template = Template('{% include "territoire/impact/_section.html" %}')
    jobs_html = template.render(Context({"section": jobs}))
    needs_root = ET.fromstring(template.render(Context({"section": needs})).strip())

    root = ET.fromstring(jobs_html.strip())
    assert root.get("aria-labelledby") == "impact-emplois-title"
    assert root.find("h2").text == "Les emplois"
    assert "180 emplois" in root.find("p[@class='impact-headline']").text
    figures = ["".join(item.itertext()).split() for item in root.find("ul").iter("li")]
    assert figures[0] == ["41", "/", "250", "emplois", "créés,", "vérifiés"]
    assert root.find("figure/details") is not None  # on screen, the data folded
    tables = needs_root.findall("div[@class='impact-table']")
    milestones = tables[0].find("div/table")
    assert milestones.find("caption").text == "Jalons par projet"
    assert [th.get("scope") for th in milestones.iter("th")] == ["col"] * 3 + ["row"] * 2
    assert ["".join(td.itertext()) for td in milestones.iter("td")] == ["4", "1", "2", "0"]
    assert tables[1].find("table") is None
    assert "Aucun projet n\u2019a encore défini d\u2019indicateur." in "".join(tables[1].itertext())


def test_last_values_ending_close_are_written_apart():
    chart = LineChart(
        title="Proches",
        sentence="Deux lignes qui finissent ensemble.",
        x_labels=MONTHS[:12],
        series=(
            Series("Réel", (*range(0, 60, 10), None, None, None, None, None, None)),
            Series("Cible", tuple(range(0, 120, 10)), "target"),
            Series("Rythme", tuple(range(1, 121, 10)), "projection"),
        ),
    )
    actual, target, projection = draw(chart).lines

    assert abs(target.end_label_y - projection.end_label_y) >= 13
    assert target.end_in_margin and projection.end_in_margin
    # the real line stops in June: its value is written above its last point, not far right
    assert not actual.end_in_margin
    assert actual.end_label_x < actual.end_x and actual.end_label_y < actual.end_y
