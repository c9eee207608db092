"""The plan as a one-page document to print or share: a PDF (A4 portrait), or a PNG.

The caller passes every text already translated and formatted; this module only lays
them out: the title and a date line, the summary as a two-column table, the priorities
numbered in order, the weekly routine as boxes to tick, a footer. Long texts are wrapped
to the page's width; if the whole does not fit on one page the type shrinks a step at a
time, then the routine is cut, then the longest texts, so nothing ever runs off the page.

Drawn with matplotlib's object API (`Figure`, no pyplot) in DejaVu Sans, which has the
French accents, « », € and ☐. matplotlib is imported on first use only.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from flows.chart import TextMeasure

if TYPE_CHECKING:
    from matplotlib.figure import Figure

PAGE_WIDTH, PAGE_HEIGHT = 8.27, 11.69  # A4, inches
MARGIN = 0.8                            # inches, all round
FOOTER_ROOM = 0.45                      # inches kept at the bottom for the footer
PNG_DPI = 150                           # 1240 x 1754 pixels
SAFETY = 0.98                           # of the measured width, for rounding
SCALES = (1.0, 0.92, 0.84, 0.76)        # the type shrinks by these steps before cutting
INK, MUTED, ACCENT, RULE, SHADE = "#1d1d1f", "#5a5a5f", "#1f4e79", "#c9ced6", "#f2f4f7"
ELLIPSIS = "…"


@dataclass(frozen=True)
class PlanDocument:
    title: str                          # "Votre stratégie réseaux sociaux"
    subtitle: str                       # business / date line, already formatted
    summary: list[tuple[str, str]]      # ("Objectif", "Trouver des clients"), ...
    priorities: list[tuple[str, str]]   # (what to do, why), at most 3, in order
    routine_title: str                  # "Chaque semaine"
    routine: list[str]                  # lines of the weekly routine
    footer: str                         # "Fait avec votre coach … — 1er décembre 2026"


@dataclass(frozen=True)
class _Text:
    """One line of text placed on the page, `top` inches below the top margin."""
    x: float
    top: float
    text: str
    size: float
    bold: bool = False
    color: str = INK


@dataclass
class _Page:
    """What one layout attempt placed, and how far down the page it went."""
    texts: list[_Text] = field(default_factory=list)
    rules: list[float] = field(default_factory=list)              # tops of thin rules
    shades: list[tuple[float, float]] = field(default_factory=list)  # (top, height)
    height: float = 0.0


def plan_pdf(document: PlanDocument) -> bytes:
    """Return the plan as a one-page A4 PDF."""
    output = io.BytesIO()
    draw(document).savefig(output, format="pdf", metadata={"Title": document.title})
    return output.getvalue()


def plan_png(document: PlanDocument) -> bytes:
    """Return the plan as a PNG picture of the same A4 page (1240 x 1754 pixels)."""
    output = io.BytesIO()
    draw(document).savefig(output, format="png", dpi=PNG_DPI)
    return output.getvalue()


def draw(document: PlanDocument) -> Figure:
    """Return the page as a matplotlib Figure, laid out to fit on it."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(PAGE_WIDTH, PAGE_HEIGHT), dpi=PNG_DPI, facecolor="white")
    FigureCanvasAgg(figure)
    page = fit(document, TextMeasure())
    _paint(figure, page, document.footer)
    return figure


def fit(document: PlanDocument, measure: TextMeasure) -> _Page:
    """Return the largest layout that fits: smaller type, then a shorter routine, then cuts."""
    room = PAGE_HEIGHT - 2 * MARGIN - FOOTER_ROOM
    for scale in SCALES:
        page = layout(document, measure, scale)
        if page.height <= room:
            return page
    scale, shortest, longest = SCALES[-1], 0, len(document.routine) - 1
    while shortest < longest:  # the most routine lines that fit, followed by "…"
        middle = (shortest + longest + 1) // 2
        if _routine_fits(document, measure, scale, middle, room):
            shortest = middle
        else:
            longest = middle - 1
    if document.routine and (shortest > 0
                             or _routine_fits(document, measure, scale, 0, room)):
        cut = replace(document, routine=[*document.routine[:shortest], ELLIPSIS])
        return layout(cut, measure, scale)
    for most in (4, 3, 2, 1):
        page = layout(document, measure, scale, most_lines=most, routine_lines=0)
        if page.height <= room:
            return page
    return page


def _routine_fits(document: PlanDocument, measure: TextMeasure, scale: float, lines: int,
                  room: float) -> bool:
    """Tell whether the page fits with only the routine's first `lines` lines and "…"."""
    cut = replace(document, routine=[*document.routine[:lines], ELLIPSIS])
    return layout(cut, measure, scale).height <= room


def layout(document: PlanDocument, measure: TextMeasure, scale: float,
           most_lines: int | None = None, routine_lines: int | None = None) -> _Page:
    """Place every text of the document at one type scale; `most_lines` cuts long texts."""
    page = _Page()
    width = PAGE_WIDTH - 2 * MARGIN
    top = _block(page, measure, document.title, 0, top=0.0, width=width,
                 size=24 * scale, bold=True, most=2)
    top = _block(page, measure, document.subtitle, 0, top + 0.06, width, 12 * scale,
                 color=MUTED, most=2)
    top += 0.16
    page.rules.append(top)
    top += 0.22
    top = _summary(page, measure, document.summary, top, width, scale, most_lines)
    for number, (what, why) in enumerate(document.priorities[:3], start=1):
        top = _priority(page, measure, number, what, why, top, width, scale, most_lines)
    routine = document.routine if routine_lines is None else document.routine[:routine_lines]
    if routine:
        top += 0.12 * scale
        page.rules.append(top)
        top = _block(page, measure, document.routine_title, 0, top + 0.16, width,
                     15 * scale, bold=True, color=ACCENT, most=2)
        top += 0.06
        for line in routine:
            box = "" if line == ELLIPSIS else "☐ "
            indent = measure.width(box, 11.5 * scale)
            top = _block(page, measure, line, indent, top + 0.04 * scale, width - indent,
                         11.5 * scale, most=most_lines, lead=box)
    page.height = top
    return page


def _summary(page: _Page, measure: TextMeasure, rows: list[tuple[str, str]], top: float,
             width: float, scale: float, most: int | None) -> float:
    """Place the summary as a shaded two-column table; return where it ends."""
    if not rows:
        return top
    size = 11 * scale
    label_width = min(2.2, max(measure.width(label, size, bold=True) for label, _ in rows)
                      + 0.25)
    start, top = top, top + 0.14
    for label, value in rows:
        end = _block(page, measure, label, 0.15, top, label_width - 0.2, size, bold=True,
                     color=MUTED, most=most)
        end = max(end, _block(page, measure, value, 0.15 + label_width, top,
                              width - label_width - 0.3, size, most=most))
        top = end + 0.07 * scale
    top += 0.07
    page.shades.append((start, top - start))
    return top + 0.3 * scale


def _priority(page: _Page, measure: TextMeasure, number: int, what: str, why: str,
              top: float, width: float, scale: float, most: int | None) -> float:
    """Place one numbered priority: the number, what to do in bold, why below it."""
    indent = 0.5
    page.texts.append(_Text(0.02, top - 0.04 * scale, str(number), 22 * scale, True, ACCENT))
    top = _block(page, measure, what, indent, top, width - indent, 13 * scale, bold=True,
                 most=most)
    if why:
        top = _block(page, measure, why, indent, top + 0.04, width - indent, 11 * scale,
                     color=MUTED, most=most)
    return top + 0.24 * scale


def _block(page: _Page, measure: TextMeasure, text: str, x: float, top: float,
           width: float, size: float, bold: bool = False, color: str = INK,
           most: int | None = None, lead: str = "") -> float:
    """Place a text wrapped to `width` from `top`; return where it ends (inches)."""
    lines = wrap(text, measure, size, width * SAFETY, bold)
    if most is not None and len(lines) > most:
        lines = lines[:most]
        lines[-1] = _cut(lines[-1], measure, size, width * SAFETY, bold)
    step = size * 1.35 / 72
    for index, line in enumerate(lines):
        shift = x - measure.width(lead, size, bold) if lead and index == 0 else x
        page.texts.append(_Text(shift, top + index * step,
                                lead + line if index == 0 else line, size, bold, color))
    return top + len(lines) * step


def _cut(line: str, measure: TextMeasure, size: float, width: float, bold: bool) -> str:
    """Return the line shortened, word by word, to end with "…" within `width`."""
    words = line.split()
    while words and measure.width(" ".join(words) + ELLIPSIS, size, bold) > width:
        words.pop()
    return " ".join(words) + ELLIPSIS


def wrap(text: str, measure: TextMeasure, size: float, width: float,
         bold: bool = False) -> list[str]:
    """Return the text's lines, words filled greedily within `width` (inches)."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split():
            for piece in _pieces(word, measure, size, width, bold):
                candidate = f"{line} {piece}" if line else piece
                if line and measure.width(candidate, size, bold) > width:
                    lines.append(line)
                    line = piece
                else:
                    line = candidate
        lines.append(line)
    return lines


def _pieces(word: str, measure: TextMeasure, size: float, width: float,
            bold: bool) -> list[str]:
    """Return a word too wide for a line (a long web address) cut into pieces that fit."""
    pieces = []
    while len(word) > 1 and measure.width(word, size, bold) > width:
        cut = len(word) - 1
        while cut > 1 and measure.width(word[:cut], size, bold) > width:
            cut -= 1
        pieces.append(word[:cut])
        word = word[cut:]
    return pieces + [word]


def _paint(figure: Figure, page: _Page, footer: str) -> None:
    """Draw the laid-out page and the footer onto the figure."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Rectangle

    inches = figure.dpi_scale_trans
    for top, height in page.shades:
        figure.add_artist(Rectangle((MARGIN - 0.05, PAGE_HEIGHT - MARGIN - top - height),
                                    PAGE_WIDTH - 2 * MARGIN + 0.1, height, facecolor=SHADE,
                                    edgecolor="none", transform=inches, zorder=0))
    for top in page.rules:
        y = PAGE_HEIGHT - MARGIN - top
        figure.add_artist(Line2D([MARGIN, PAGE_WIDTH - MARGIN], [y, y], color=RULE,
                                 linewidth=1, transform=inches))
    for text in page.texts:
        figure.text(MARGIN + text.x, PAGE_HEIGHT - MARGIN - text.top, text.text,
                    transform=inches, fontsize=text.size, color=text.color, va="top",
                    ha="left", fontweight="bold" if text.bold else "normal", zorder=2)
    measure = TextMeasure()
    lines = wrap(footer, measure, 9, PAGE_WIDTH - 2 * MARGIN)[:2]
    figure.text(PAGE_WIDTH / 2, MARGIN - 0.1, "\n".join(lines), transform=inches,
                fontsize=9, color=MUTED, ha="center", va="bottom", linespacing=1.3)
