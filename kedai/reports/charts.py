"""Charts as server-rendered SVG: no JavaScript, no build step.

Each chart is an ``<svg role="img">`` named by its ``<title>`` and
``<desc>``; every bar and point carries its own ``<title>`` (the label and
value, which browsers show on hover and screen readers read), and the page
puts the same numbers in a table beside the chart. Coordinates are worked
out in Decimal, so the same data always gives the same markup (and money
never passes through a float). Every label is escaped.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

Format = Callable[[Decimal], str]

# Line chart geometry (SVG user units; the CSS scales the whole drawing).
LINE_WIDTH, LINE_HEIGHT = 640, 240
LEFT, RIGHT, TOP, BOTTOM = 72, 16, 16, 32
PLOT_W = Decimal(LINE_WIDTH - LEFT - RIGHT)
PLOT_H = Decimal(LINE_HEIGHT - TOP - BOTTOM)
BASELINE = Decimal(LINE_HEIGHT - BOTTOM)
MAX_X_LABELS = 8

# Bar chart geometry: one row per bar.
BAR_WIDTH = 640
BAR_LABEL_W = 168  # label column; bars start after it
BAR_AREA = Decimal(360)
ROW, BAR_H, BAR_PAD = 28, 18, 8
LABEL_CHARS = 24


@dataclass(frozen=True)
class Series:
    """One line of a line chart."""

    name: str
    values: Sequence[Decimal]
    css_class: str = "current"


def _n(value: Decimal) -> str:
    """A coordinate with one decimal place: ``12.5``."""
    return str(value.quantize(Decimal("0.1"), ROUND_HALF_UP))


def _short(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[:LABEL_CHARS - 1] + "…"


def _open(*, chart_id: str, title: str, description: str, width: int,
          height: int, css_class: str) -> SafeString:
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="chart {}" role="img" '
        'viewBox="0 0 {} {}" aria-labelledby="{}-title {}-desc">'
        '<title id="{}-title">{}</title><desc id="{}-desc">{}</desc>',
        css_class, width, height, chart_id, chart_id, chart_id, title, chart_id,
        description)


def _close(parts: list[SafeString]) -> SafeString:
    # Every part is already escaped markup (format_html), so joining keeps it.
    return format_html("{}</svg>", format_html_join("", "{}", ((p,) for p in parts)))


def line_chart(*, chart_id: str, title: str, description: str,
               labels: Sequence[str], series: Sequence[Series],
               fmt: Format) -> SafeString:
    """A line per series over ``labels`` (hours or days), zero at the bottom.

    The highest value of any series reaches the top of the plot; with
    nothing but zeros every point lies on the baseline.
    """
    count = len(labels)
    top = max((v for s in series for v in s.values), default=Decimal(0))
    scale = PLOT_H / top if top > 0 else Decimal(0)
    step = PLOT_W / (count - 1) if count > 1 else Decimal(0)

    def x(i: int) -> Decimal:
        return LEFT + (step * i if count > 1 else PLOT_W / 2)

    def y(value: Decimal) -> Decimal:
        return BASELINE - value * scale

    parts = [_open(chart_id=chart_id, title=title, description=description,
                   width=LINE_WIDTH, height=LINE_HEIGHT, css_class="line-chart")]
    # Axes: the baseline (zero) and the top line (the highest value).
    parts.append(format_html(
        '<g class="axis"><line x1="{}" y1="{}" x2="{}" y2="{}"/>'
        '<line class="grid" x1="{}" y1="{}" x2="{}" y2="{}"/>'
        '<text x="{}" y="{}" text-anchor="end">{}</text>'
        '<text x="{}" y="{}" text-anchor="end">{}</text></g>',
        LEFT, _n(BASELINE), LEFT + PLOT_W, _n(BASELINE),
        LEFT, TOP, LEFT + PLOT_W, TOP,
        LEFT - 6, _n(BASELINE + 4), fmt(Decimal(0)),
        LEFT - 6, TOP + 4, fmt(top)))
    every = max(1, -(-count // MAX_X_LABELS))
    ticks = format_html_join(
        "", '<text x="{}" y="{}" text-anchor="middle">{}</text>',
        ((_n(x(i)), LINE_HEIGHT - 10, label)
         for i, label in enumerate(labels) if i % every == 0))
    parts.append(format_html('<g class="x-labels">{}</g>', ticks))
    for line in series:
        points = " ".join(f"{_n(x(i))},{_n(y(v))}" for i, v in enumerate(line.values))
        dots = format_html_join(
            "", '<circle cx="{}" cy="{}" r="3"><title>{}</title></circle>',
            ((_n(x(i)), _n(y(v)), f"{line.name}, {labels[i]}: {fmt(v)}")
             for i, v in enumerate(line.values)))
        parts.append(format_html(
            '<g class="series {}"><polyline fill="none" points="{}"/>{}</g>',
            line.css_class, points, dots))
    return _close(parts)


def bar_chart(*, chart_id: str, title: str, description: str,
              bars: Sequence[tuple[str, Decimal]], fmt: Format) -> SafeString:
    """Horizontal bars, one per (label, value), the largest as wide as the area.

    Long labels are shortened on the chart; each bar's ``<title>`` keeps
    the full label.
    """
    height = BAR_PAD * 2 + ROW * max(len(bars), 1)
    top = max((value for _label, value in bars), default=Decimal(0))
    scale = BAR_AREA / top if top > 0 else Decimal(0)
    parts = [_open(chart_id=chart_id, title=title, description=description,
                   width=BAR_WIDTH, height=height, css_class="bar-chart")]
    for i, (label, value) in enumerate(bars):
        row_y = BAR_PAD + ROW * i
        width = value * scale
        parts.append(format_html(
            '<g class="bar"><text class="label" x="{}" y="{}" text-anchor="end">{}'
            '</text><rect x="{}" y="{}" width="{}" height="{}"><title>{}</title>'
            '</rect><text class="value" x="{}" y="{}">{}</text></g>',
            BAR_LABEL_W - 8, row_y + 14, _short(label),
            BAR_LABEL_W, row_y, _n(width), BAR_H, f"{label}: {fmt(value)}",
            _n(BAR_LABEL_W + width + 6), row_y + 14, fmt(value)))
    return _close(parts)

