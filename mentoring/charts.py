"""Small, accessible SVG charts rendered on the server: no script, no CDN.

Each chart is an ``<svg role="img">`` with a title and a description naming every value,
so screen readers get the numbers; templates may add the same data as a table.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext

WIDTH, HEIGHT = 640, 220
LEFT, RIGHT, TOP, BOTTOM = 36, 12, 16, 34
COLOURS = ("#1f5f8b", "#b44d12", "#2f7d32", "#6b3fa0")


@dataclass(frozen=True)
class Series:
    label: str
    values: list[float | None]


def _scale(maximum: float) -> float:
    return maximum if maximum > 0 else 1.0


def _frame(
    title: str, description: str, body: SafeString, labels: list[str], top: float
) -> SafeString:
    plot_w = WIDTH - LEFT - RIGHT
    step = plot_w / max(len(labels), 1)
    axis = format_html_join(
        "",
        '<text x="{}" y="{}" text-anchor="middle" class="chart-label">{}</text>',
        ((LEFT + step * (i + 0.5), HEIGHT - 12, label) for i, label in enumerate(labels)),
    )
    grid = format_html_join(
        "",
        '<line x1="{}" x2="{}" y1="{}" y2="{}" class="chart-grid"/>'
        '<text x="{}" y="{}" text-anchor="end" class="chart-label">{}</text>',
        (
            (LEFT, WIDTH - RIGHT, y, y, LEFT - 6, y + 4, f"{value:g}")
            for value, y in (
                (round(top * share, 1), TOP + (HEIGHT - TOP - BOTTOM) * (1 - share))
                for share in (0, 0.5, 1)
            )
        ),
    )
    return format_html(
        '<svg class="chart" viewBox="0 0 {} {}" role="img" aria-labelledby="{}-t {}-d">'
        '<title id="{}-t">{}</title><desc id="{}-d">{}</desc>{}{}{}</svg>',
        WIDTH,
        HEIGHT,
        _slug(title),
        _slug(title),
        _slug(title),
        title,
        _slug(title),
        description,
        grid,
        body,
        axis,
    )


def _slug(text: str) -> str:
    return "chart-" + "".join(c if c.isalnum() else "-" for c in text.lower())[:40]


def bar_chart(title: str, labels: list[str], values: Sequence[float]) -> SafeString:
    """One bar per label (for example sessions held per month)."""
    top = _scale(max(values, default=0))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / max(len(labels), 1)
    bars = format_html_join(
        "",
        '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"><title>{}: {}</title></rect>',
        (
            (
                round(LEFT + step * i + step * 0.2, 1),
                round(TOP + plot_h * (1 - value / top), 1),
                round(step * 0.6, 1),
                round(plot_h * value / top, 1),
                COLOURS[0],
                label,
                f"{value:g}",
            )
            for i, (label, value) in enumerate(zip(labels, values, strict=True))
        ),
    )
    description = ", ".join(
        f"{label}: {value:g}" for label, value in zip(labels, values, strict=True)
    )
    return _frame(title, description or gettext("No data yet."), bars, labels, top)


def line_chart(
    title: str, labels: list[str], series: list[Series], top: float | None = None
) -> SafeString:
    """One line per series over the labels; a missing value (None) breaks the line."""
    values = [v for s in series for v in s.values if v is not None]
    top = top or _scale(max(values, default=0))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / max(len(labels), 1)
    parts = []
    for colour, line in zip(COLOURS, series, strict=False):
        points = [
            (round(LEFT + step * (i + 0.5), 1), round(TOP + plot_h * (1 - value / top), 1), value)
            for i, value in enumerate(line.values)
            if value is not None
        ]
        path = " ".join(f"{x},{y}" for x, y, _ in points)
        parts.append(
            format_html(
                '<polyline points="{}" fill="none" stroke="{}" stroke-width="3"/>', path, colour
            )
        )
        parts.extend(
            format_html(
                '<circle cx="{}" cy="{}" r="4" fill="{}"><title>{}: {}</title></circle>',
                x,
                y,
                colour,
                line.label,
                f"{v:g}",
            )
            for x, y, v in points
        )
    description = "; ".join(
        f"{line.label}: "
        + ", ".join(
            f"{label} {value:g}"
            for label, value in zip(labels, line.values, strict=True)
            if value is not None
        )
        for line in series
    )
    return _frame(
        title, description or gettext("No data yet."), SafeString("".join(parts)), labels, top
    )


def keyed_bar_chart(key: str, title: str, labels: list[str], values: Sequence[float]) -> SafeString:
    """``bar_chart`` whose ids also carry ``key``: a page showing several charts of one title
    (one per program) keeps every id, and so every ``aria-labelledby``, unique."""
    slug = _slug(title)
    keyed = f"{slug}-{_slug(key).removeprefix('chart-')}"
    svg = str(bar_chart(title, labels, values))
    for old, new in (
        (f'aria-labelledby="{slug}-t {slug}-d"', f'aria-labelledby="{keyed}-t {keyed}-d"'),
        (f'id="{slug}-t"', f'id="{keyed}-t"'),
        (f'id="{slug}-d"', f'id="{keyed}-d"'),
    ):
        svg = svg.replace(old, new, 1)
    return SafeString(svg)
