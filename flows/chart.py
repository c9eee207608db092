"""The weekly chart: hours as bars and results as a line, week by week, as a PNG.

Drawn with matplotlib's Agg backend (no display needed), large type so it stays
readable on a phone.
"""

from __future__ import annotations

import io

from flows.verdict import WeekReport

WIDTH, HEIGHT, DPI = 8, 5, 100  # 800 x 500 pixels


def week_label(week: str) -> str:
    """Return the week number of "2026-W48": "48" (the axis says "week")."""
    return week.rsplit("W", 1)[-1]


def chart_png(history: list[WeekReport], labels: dict[str, str]) -> bytes:
    """Return a PNG of hours (bars) and results (line) per week.

    `labels` gives the translated "hours", "results", "week" and "title".
    """
    import matplotlib
    matplotlib.use("Agg")
    from matplotlib import pyplot
    from matplotlib.ticker import MaxNLocator

    weeks = [week_label(w.week) for w in history]
    figure, hours_axis = pyplot.subplots(figsize=(WIDTH, HEIGHT), dpi=DPI)
    try:
        positions = range(len(history))
        hours_axis.bar(positions, [w.hours for w in history], color="#9ecae1",
                       label=labels["hours"])
        hours_axis.set_ylabel(labels["hours"], fontsize=14)
        hours_axis.set_xlabel(labels["week"], fontsize=14)
        hours_axis.set_xticks(list(positions), weeks, fontsize=13)
        hours_axis.tick_params(axis="y", labelsize=13)
        results_axis = hours_axis.twinx()
        results_axis.plot(list(positions), [w.results for w in history], color="#d94801",
                          marker="o", linewidth=3, markersize=9, label=labels["results"])
        results_axis.set_ylabel(labels["results"], fontsize=14, color="#d94801")
        results_axis.tick_params(axis="y", labelsize=13, labelcolor="#d94801")
        results_axis.set_ylim(bottom=0, top=max([1.0] + [w.results for w in history]) * 1.2)
        results_axis.yaxis.set_major_locator(MaxNLocator(integer=True))
        hours_axis.set_ylim(bottom=0, top=max([1.0] + [w.hours for w in history]) * 1.2)
        hours_axis.set_title(labels["title"], fontsize=16)
        figure.legend(loc="lower center", ncol=2, fontsize=13, frameon=False)
        figure.tight_layout(rect=(0, 0.07, 1, 1))
        output = io.BytesIO()
        figure.savefig(output, format="png")
        return output.getvalue()
    finally:
        pyplot.close(figure)
