"""The weekly chart for a phone: hours on top, results below, each on its own scale.

One portrait PNG (720 x 900 pixels, drawn at 2x for sharp screens): the verdict as a
caption at the top; hours spent as bars with the planned hours as a dashed line; results
as bars with the target pace as a dashed line; every value written above its bar (a zero
too) and the weeks' dates underneath. Sizes are set for a figure 3.6 inches wide, so a
point on the chart is a point on a 360-pixel-wide phone screen.

Drawn with matplotlib's object API (`Figure` and the Agg canvas, never pyplot): no
global state, safe to run in a worker thread. matplotlib is imported on first use only.
"""

from __future__ import annotations

import hashlib
import io
import textwrap
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.figure import Figure

WIDTH, HEIGHT, DPI = 3.6, 4.5, 200  # inches: 720 x 900 pixels
MARGIN = 0.16                         # inches, left and right
CAPTION_SIZE, CAPTION_MIN = 15, 13    # points
TITLE_SIZE, TEXT_SIZE = 12, 11        # panel titles; keys, values and dates
INK, MUTED = "#222222", "#555555"
HOURS_COLOR, HOURS_LINE = "#7fb1dd", "#1f4e79"
RESULTS_COLOR, RESULTS_LINE = "#f0a35e", "#8a3b00"
LINE_HEIGHT = 1.3                     # a line of text, in font sizes


@dataclass(frozen=True)
class ChartWeek:
    label: str        # the week as dates, already in the user's language: "16–22 nov."
    hours: float
    results: float


@dataclass(frozen=True)
class ChartTexts:
    hours: str        # "Heures sur les réseaux"
    results: str      # what counts as a result, plural: "Nouveaux clients"
    planned: str      # "Prévu : 4 h", the key of the planned-hours line
    target: str       # "Objectif : 2 par semaine", the key of the target line (may be "")
    caption: str      # one line that says the verdict: "Ça paie : 3 clients pour 4 h"


@dataclass(frozen=True)
class Chart:
    """Everything a chart shows: the same one always draws the same picture."""

    weeks: tuple[ChartWeek, ...]
    texts: ChartTexts
    planned_hours: float | None
    target_pace: float | None
    decimal_comma: bool = True

    def png(self) -> bytes:
        """Draw the chart (slow: hundreds of milliseconds; off the event loop)."""
        return chart_png(list(self.weeks), self.texts, self.planned_hours, self.target_pace,
                         decimal_comma=self.decimal_comma)

    def key(self) -> str:
        """Return a short fingerprint of what the chart shows, to tell whether a picture
        drawn before still shows the same figures."""
        return hashlib.sha256(repr(self).encode()).hexdigest()[:32]


def draw_png(chart: Chart) -> bytes:
    """Draw a chart (the function a `Deferred` names: flows.messages)."""
    return chart.png()


def number(value: float, decimal_comma: bool = True) -> str:
    """Return a figure as the user writes it: "1,5", "12", "1 500" (or "1.5", "1,500")."""
    digits = 0 if abs(value) >= 100 else 1 if abs(value) >= 10 else 2
    text = f"{round(value, digits):,.{digits}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if text in ("-0", ""):
        text = "0"
    if decimal_comma:
        text = text.replace(",", "\u00a0").replace(".", ",")
    return text


def chart_png(weeks: list[ChartWeek], texts: ChartTexts, planned_hours: float | None,
              target_pace: float | None, decimal_comma: bool = True) -> bytes:
    """Return the weekly chart as PNG bytes (720 x 900 pixels)."""
    figure = draw(weeks, texts, planned_hours, target_pace, decimal_comma)
    output = io.BytesIO()
    figure.canvas.print_png(output)
    return output.getvalue()


class TextMeasure:
    """Text widths in inches, measured once per word at a large size and then scaled.

    The Agg renderer measures without drawing; summing cached word widths keeps the
    measuring of wrapped texts fast (a few hundred distinct words, not every candidate
    line).
    """

    REFERENCE = 100.0  # points, measured at 72 dpi: one pixel per point, no hinting effect

    def __init__(self) -> None:
        from matplotlib.backends.backend_agg import RendererAgg
        from matplotlib.font_manager import FontProperties
        self._renderer = RendererAgg(8, 8, 72)
        self._fonts = {bold: FontProperties(size=self.REFERENCE,
                                            weight="bold" if bold else "normal")
                       for bold in (False, True)}
        self._known: dict[tuple[str, bool], float] = {}

    def _points(self, word: str, bold: bool) -> float:
        """Return a word's width at the reference size, in points."""
        if (word, bold) not in self._known:
            width, _, _ = self._renderer.get_text_width_height_descent(
                word, self._fonts[bold], ismath=False)
            self._known[word, bold] = width
        return self._known[word, bold]

    def width(self, text: str, size: float, bold: bool = False) -> float:
        """Return the width of one line of text, in inches."""
        words = text.split(" ")
        space = self._points("a a", bold) - 2 * self._points("a", bold)
        points = sum(self._points(word, bold) for word in words if word)
        points += (len(words) - 1) * space
        return points * size / self.REFERENCE / 72

    def fit(self, text: str, size: float, smallest: float, room: float,
            bold: bool = False) -> tuple[list[str], float]:
        """Return the text's lines and size: one line down to `smallest`, else two, else more."""
        sizes = [size - step for step in range(int(size - smallest) + 1)]
        for most in (1, 2):
            for each in sizes:
                lines = balanced(text, lambda line: self.width(line, each, bold) <= room)
                if len(lines) <= most:
                    return lines, each
        return lines, smallest


def balanced(text: str, fits) -> list[str]:
    """Return the text wrapped in as few lines as fit, of lengths as even as possible."""
    def wrap(chars: int) -> list[str]:
        return textwrap.wrap(text, chars, break_on_hyphens=False) or [text]
    chars = len(text)
    while chars > 1 and not all(fits(line) for line in wrap(chars)):
        chars -= 1
    count = len(wrap(chars))
    while chars > 1 and len(wrap(chars - 1)) == count:
        chars -= 1
    return wrap(chars)


def two_lines(label: str) -> str:
    """Return a date label split in two balanced lines: "16–22\\nnov."."""
    cuts = [(i, i + 1) for i, c in enumerate(label) if c == " "]
    cuts += [(i + 1, i + 1) for i, c in enumerate(label[:-1]) if c in "–-"]
    if not cuts:
        return label
    end, start = min(cuts, key=lambda cut: max(len(label[:cut[0]]), len(label[cut[1]:])))
    return f"{label[:end].rstrip()}\n{label[start:].lstrip()}"


def date_ticks(labels: list[str], slot: float, measure: TextMeasure) -> tuple[list[str], int]:
    """Return the labels to write under the bars (thinned with "") and their line count.

    One line if the labels fit side by side, else two lines, else every second (third,
    ...) label, always keeping the latest week's.
    """
    count = len(labels)
    for step in range(1, max(count, 1) + 1):
        for shown, lines in ((labels, 1), ([two_lines(label) for label in labels], 2)):
            widest = max((measure.width(part, TEXT_SIZE) for label in shown
                          for part in label.split("\n")), default=0)
            if widest * 1.1 <= slot * step:
                return [label if (count - 1 - i) % step == 0 else ""
                        for i, label in enumerate(shown)], lines
    return [label if i == count - 1 else "" for i, label in enumerate(labels)], 1


def draw(weeks: list[ChartWeek], texts: ChartTexts, planned_hours: float | None = None,
         target_pace: float | None = None, decimal_comma: bool = True) -> Figure:
    """Return the chart as a matplotlib Figure: two axes, hours on top, results below."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(WIDTH, HEIGHT), dpi=DPI, facecolor="white")
    FigureCanvasAgg(figure)
    measure = TextMeasure()
    room = WIDTH - 2 * MARGIN
    slot = room / max(len(weeks), 4)
    ticks, tick_lines = date_ticks([week.label for week in weeks], slot, measure)
    edges = _overhang(ticks, slot, measure)
    slot = room / (max(len(weeks), 4) + sum(edges))

    top = HEIGHT - 0.1
    top = _write(figure, measure, texts.caption, top, CAPTION_SIZE, CAPTION_MIN, INK,
                 bold=True) - 0.12
    panels = [(texts.hours, [week.hours for week in weeks], planned_hours, texts.planned,
               HOURS_COLOR, HOURS_LINE),
              (texts.results, [week.results for week in weeks], target_pace, texts.target,
               RESULTS_COLOR, RESULTS_LINE)]
    headers = [_header_height(measure, title, key if line is not None else "")
               for title, _, line, key, *_ in panels]
    bottom = 0.1 + tick_lines * TEXT_SIZE * LINE_HEIGHT / 72 + 0.06
    gap = 0.16
    height = (top - bottom - sum(headers) - gap) / 2
    for index, (title, values, line, key, color, line_color) in enumerate(panels):
        top = _write(figure, measure, title, top, TITLE_SIZE, TEXT_SIZE, INK, bold=True)
        if line is not None and key:
            top = _key(figure, measure, key, top, line_color)
        top -= 0.05
        axis = figure.add_axes((MARGIN / WIDTH, (top - height) / HEIGHT,
                                room / WIDTH, height / HEIGHT))
        _panel(axis, values, line, color, line_color, height, slot, edges, measure,
               decimal_comma)
        axis.set_xticks(range(len(weeks)), ticks if index == 1 else [""] * len(weeks))
        top -= height + gap
    return figure


def _overhang(ticks: list[str], slot: float, measure: TextMeasure) -> tuple[float, float]:
    """Return how far (in weeks) the first and last dates run past the bars' area."""
    def past(label: str) -> float:
        widest = max((measure.width(part, TEXT_SIZE) for part in label.split("\n")), default=0)
        return max(0.0, widest / 2 - slot / 2) / slot + 0.05 if label else 0.0
    if not ticks:
        return 0.0, 0.0
    spare = max(0.0, (4 - len(ticks)) / 2)  # a short history already has room at the sides
    return max(0.0, past(ticks[0]) - spare), max(0.0, past(ticks[-1]) - spare)


def _header_height(measure: TextMeasure, title: str, key: str) -> float:
    """Return the height a panel's title and key take above it, in inches."""
    lines, size = measure.fit(title, TITLE_SIZE, TEXT_SIZE, WIDTH - 2 * MARGIN, bold=True)
    height = len(lines) * size * LINE_HEIGHT / 72 + 0.05
    if key:
        keys, size = measure.fit(key, TEXT_SIZE, TEXT_SIZE, WIDTH - 2 * MARGIN - 0.4)
        height += len(keys) * size * LINE_HEIGHT / 72
    return height


def _write(figure: Figure, measure: TextMeasure, text: str, top: float, size: float,
           smallest: float, color: str, bold: bool = False) -> float:
    """Write a left-aligned text block from `top` (inches); return where it ends."""
    lines, size = measure.fit(text, size, smallest, WIDTH - 2 * MARGIN, bold)
    figure.text(MARGIN, top, "\n".join(lines), transform=figure.dpi_scale_trans,
                fontsize=size, fontweight="bold" if bold else "normal", color=color,
                va="top", ha="left", linespacing=1.15)
    return top - len(lines) * size * LINE_HEIGHT / 72


def _key(figure: Figure, measure: TextMeasure, key: str, top: float, color: str) -> float:
    """Write a dashed line sample and its key (e.g. "Prévu : 4 h"); return where it ends."""
    from matplotlib.lines import Line2D

    lines, size = measure.fit(key, TEXT_SIZE, TEXT_SIZE, WIDTH - 2 * MARGIN - 0.4)
    middle = top - size * LINE_HEIGHT / 72 / 2
    figure.add_artist(Line2D([MARGIN, MARGIN + 0.3], [middle, middle], color=color,
                             linewidth=2, linestyle=(0, (3, 2)),
                             transform=figure.dpi_scale_trans))
    figure.text(MARGIN + 0.4, top, "\n".join(lines), transform=figure.dpi_scale_trans,
                fontsize=size, color=color, va="top", ha="left", linespacing=1.15)
    return top - len(lines) * size * LINE_HEIGHT / 72


def _panel(axis, values: list[float], line: float | None, color: str, line_color: str,
           height: float, slot: float, edges: tuple[float, float], measure: TextMeasure,
           decimal_comma: bool) -> None:
    """Draw one panel: bars, their values, the reference line, from zero with room above."""
    import matplotlib.patheffects as effects

    labels = [number(value, decimal_comma) for value in values]
    widths = [measure.width(label, TEXT_SIZE, bold=True) for label in labels]
    upright = [width > slot * 1.05 for width in widths]  # too wide: written upright
    tops = [line * 1.1 if line is not None else 0.0]
    for value, width, standing in zip(values, widths, upright):
        share = min(((width if standing else TEXT_SIZE / 72) + 5 / 72) / height, 0.6)
        tops.append(max(value, 0.0) / (1 - share))
    axis.set_ylim(0, max(tops) * 1.03 if max(tops) > 0 else 1)
    count = len(values)
    spare = max(0.0, (4 - count) / 2)
    axis.set_xlim(-0.5 - spare - edges[0], count - 0.5 + spare + edges[1])
    bars = axis.bar(range(count), values, width=0.7, color=color, zorder=2)
    halo = [effects.withStroke(linewidth=3, foreground="white")]
    texts = axis.bar_label(bars, labels=labels, padding=2, fontsize=TEXT_SIZE,
                           fontweight="bold", color=INK, zorder=4)
    for text, standing in zip(texts, upright):
        text.set_path_effects(halo)
        text.set_rotation(90 if standing else 0)
    if line is not None:
        axis.axhline(line, color=line_color, linewidth=2, linestyle=(0, (3, 2)), zorder=3)
    axis.set_yticks([])
    for side in ("left", "right", "top"):
        axis.spines[side].set_visible(False)
    axis.spines["bottom"].set_color(MUTED)
    axis.tick_params(axis="x", length=0, pad=4, labelsize=TEXT_SIZE, labelcolor=INK)
    axis.set_facecolor("white")
