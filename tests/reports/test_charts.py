"""SVG charts: the right bars and points for known data, labels escaped."""

import xml.etree.ElementTree as ET
from decimal import Decimal

from kedai.reports.charts import Series, bar_chart, line_chart

SVG = "{http://www.w3.org/2000/svg}"


def fmt(value: Decimal) -> str:
    return f"RM{value:.2f}"


def parse(markup: str) -> ET.Element:
    return ET.fromstring(markup)  # noqa: S314 - our own markup, must be well-formed


def test_bars_are_as_wide_as_their_share_of_the_largest():
    svg = parse(bar_chart(chart_id="c", title="Sales by state",
                          description="Gross sales per state.",
                          bars=[("Selangor", Decimal("100.00")),
                                ("Johor", Decimal("25.00")),
                                ("Perlis", Decimal("0.00"))], fmt=fmt))
    rects = svg.findall(f"{SVG}g/{SVG}rect")
    assert [r.get("width") for r in rects] == ["360.0", "90.0", "0.0"]
    assert [r.get("y") for r in rects] == ["8", "36", "64"]
    assert [r.find(f"{SVG}title").text for r in rects] == [
        "Selangor: RM100.00", "Johor: RM25.00", "Perlis: RM0.00"]
    assert svg.get("viewBox") == "0 0 640 100"


def test_a_chart_names_itself_for_screen_readers():
    svg = parse(bar_chart(chart_id="by-state", title="Sales by state",
                          description="Gross sales per state.", bars=[], fmt=fmt))
    assert svg.get("role") == "img"
    assert svg.get("aria-labelledby") == "by-state-title by-state-desc"
    assert svg.find(f"{SVG}title").text == "Sales by state"
    assert svg.find(f"{SVG}title").get("id") == "by-state-title"
    assert svg.find(f"{SVG}desc").text == "Gross sales per state."


def test_line_points_scale_to_the_highest_value():
    svg = parse(line_chart(
        chart_id="t", title="Sales over time", description="Per day.",
        labels=["1 Mar", "2 Mar", "3 Mar"],
        series=[Series("Before", [Decimal("0"), Decimal("0"), Decimal("50")],
                       "previous"),
                Series("Now", [Decimal("0"), Decimal("50"), Decimal("100")])],
        fmt=fmt))
    lines = svg.findall(f"{SVG}g[@class='series previous']/{SVG}polyline") + \
        svg.findall(f"{SVG}g[@class='series current']/{SVG}polyline")
    assert [line.get("points") for line in lines] == [
        "72.0,208.0 348.0,208.0 624.0,112.0",
        "72.0,208.0 348.0,112.0 624.0,16.0",
    ]
    dots = svg.findall(f"{SVG}g[@class='series current']/{SVG}circle")
    assert [d.find(f"{SVG}title").text for d in dots] == [
        "Now, 1 Mar: RM0.00", "Now, 2 Mar: RM50.00", "Now, 3 Mar: RM100.00"]
    axis_labels = [t.text for t in svg.findall(f"{SVG}g[@class='axis']/{SVG}text")]
    assert axis_labels == ["RM0.00", "RM100.00"]


def test_only_zeros_lie_on_the_baseline_and_one_point_is_centred():
    svg = parse(line_chart(chart_id="z", title="t", description="d",
                           labels=["00:00"], series=[Series("Now", [Decimal(0)])],
                           fmt=fmt))
    [line] = svg.findall(f"{SVG}g/{SVG}polyline")
    assert line.get("points") == "348.0,208.0"


def test_long_x_axes_show_at_most_eight_labels():
    labels = [f"{d} Mar" for d in range(1, 31)]
    svg = parse(line_chart(chart_id="m", title="t", description="d", labels=labels,
                           series=[Series("Now", [Decimal(1)] * 30)], fmt=fmt))
    shown = [t.text for t in svg.findall(f"{SVG}g[@class='x-labels']/{SVG}text")]
    assert shown == ["1 Mar", "5 Mar", "9 Mar", "13 Mar", "17 Mar", "21 Mar",
                     "25 Mar", "29 Mar"]


def test_labels_and_titles_are_escaped():
    evil = '<script>alert("x")</script> & Co'
    markup = bar_chart(chart_id="e", title=f"Sales {evil}", description=evil,
                       bars=[(evil, Decimal("5"))], fmt=fmt)
    assert "<script>" not in markup
    assert "&lt;script&gt;" in markup and "&amp; Co" in markup
    svg = parse(markup)  # still well-formed XML
    assert svg.find(f"{SVG}desc").text == evil
    assert svg.find(f"{SVG}g/{SVG}rect/{SVG}title").text == f"{evil}: RM5.00"
    line = line_chart(chart_id="e2", title="t", description="d", labels=[evil],
                      series=[Series(evil, [Decimal(1)])], fmt=fmt)
    assert "<script>" not in line
    parse(line)


def test_long_labels_are_shortened_on_the_chart_only():
    name = "Batik sarong, hand-drawn, Terengganu, extra long"
    svg = parse(bar_chart(chart_id="l", title="t", description="d",
                          bars=[(name, Decimal(1))], fmt=fmt))
    label = svg.find(f"{SVG}g/{SVG}text[@class='label']").text
    assert label == "Batik sarong, hand-draw…" and len(label) == 24
    assert svg.find(f"{SVG}g/{SVG}rect/{SVG}title").text == f"{name}: RM1.00"
