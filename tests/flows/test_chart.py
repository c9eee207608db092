"""The weekly chart: two panels on their own scales, reference lines, values, a phone size."""

from __future__ import annotations

import struct

import pytest

from flows.chart import ChartTexts, ChartWeek, chart_png, draw, number, two_lines

TEXTS = ChartTexts(hours="Heures sur les réseaux", results="Nouveaux clients",
                   planned="Prévu : 4 h", target="Objectif : 2 par semaine",
                   caption="Ça paie : 3 clients pour 4 h")
LABELS = ["7–13 sept.", "14–20 sept.", "21–27 sept.", "28 sept.–4 oct.", "5–11 oct.",
          "12–18 oct.", "19–25 oct.", "26 oct.–1 nov.", "2–8 nov.", "9–15 nov.",
          "16–22 nov.", "23–29 nov."]


def weeks(count: int) -> list[ChartWeek]:
    """Return `count` weeks of varied figures, a zero among them."""
    hours = [1.5, 10.5, 0, 3, 4, 2, 6, 3, 0.5, 12, 4, 2]
    results = [0, 2, 1, 0, 3, 5, 0, 2, 1, 0, 4, 3]
    return [ChartWeek(LABELS[i], hours[i], results[i]) for i in range(12)][-count:]


def png_size(data: bytes) -> tuple[int, int]:
    """Return a PNG's width and height, read from its IHDR header."""
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def value_labels(axis) -> list[str]:
    """Return the figures written on an axis's bars, left to right."""
    return [text.get_text() for text in axis.texts]


def figure_texts(figure) -> list[str]:
    return [text.get_text() for text in figure.texts]


@pytest.mark.parametrize("count", [1, 4, 12])
def test_renders_a_portrait_phone_sized_png(count):
    data = chart_png(weeks(count), TEXTS, planned_hours=4, target_pace=2)
    assert png_size(data) == (720, 900)


def test_no_target_and_english_decimal_points_render():
    data = chart_png([ChartWeek("Nov 16–22", 2.5, 0), ChartWeek("Nov 23–29", 0, 1)],
                     ChartTexts("Hours on social media", "New customers", "Planned: 3 h", "",
                                "Not paying yet: 1 customer for 2.5 h"),
                     planned_hours=3, target_pace=None, decimal_comma=False)
    assert png_size(data) == (720, 900)


def test_an_all_zero_history_renders():
    data = chart_png([ChartWeek(label, 0, 0) for label in LABELS[:3]], TEXTS, None, None)
    assert png_size(data) == (720, 900)


def test_two_panels_each_from_zero_with_bars_values_and_reference_lines():
    figure = draw(weeks(4), TEXTS, planned_hours=4, target_pace=2)
    hours, results = figure.axes
    assert [bar.get_height() for bar in hours.patches] == [0.5, 12, 4, 2]
    assert [bar.get_height() for bar in results.patches] == [1, 0, 4, 3]
    assert value_labels(hours) == ["0,5", "12", "4", "2"]
    assert value_labels(results) == ["1", "0", "4", "3"]
    assert [list(line.get_ydata()) for line in hours.lines] == [[4, 4]]
    assert [list(line.get_ydata()) for line in results.lines] == [[2, 2]]
    for axis, highest in ((hours, 12), (results, 4)):
        bottom, top = axis.get_ylim()
        assert bottom == 0 and top > highest * 1.1  # room above for the figures
    assert {"Ça paie : 3 clients pour 4 h", "Heures sur les réseaux", "Prévu : 4 h",
            "Nouveaux clients", "Objectif : 2 par semaine"} <= set(figure_texts(figure))
    dates = [label.get_text() for label in results.get_xticklabels()]
    assert [date.replace("\n", " ") for date in dates] == LABELS[-4:]


def test_no_reference_line_without_a_plan_or_target_and_zeros_are_written():
    figure = draw([ChartWeek("16–22 nov.", 0, 0)], TEXTS, None, None)
    hours, results = figure.axes
    assert len(hours.lines) == 0 and len(results.lines) == 0
    assert value_labels(hours) == ["0"] and value_labels(results) == ["0"]
    assert results.get_ylim() == (0, 1)
    assert "Prévu : 4 h" not in figure_texts(figure)


def test_twelve_weeks_dates_are_thinned_from_the_latest_so_they_cannot_overlap():
    figure = draw(weeks(12), TEXTS, 4, 2)
    dates = [label.get_text() for label in figure.axes[1].get_xticklabels()]
    shown = [i for i, date in enumerate(dates) if date]
    assert shown[-1] == 11 and 3 <= len(shown) < 12
    figure.canvas.draw()  # one render: the drawn labels' boxes must not overlap
    boxes = [label.get_window_extent() for label in figure.axes[1].get_xticklabels()
             if label.get_text()]
    assert all(left.x1 < right.x0 for left, right in zip(boxes, boxes[1:]))
    width = figure.get_size_inches()[0] * figure.dpi
    assert boxes[0].x0 >= 0 and boxes[-1].x1 <= width
    assert all(label.get_fontsize() >= 11 for label in figure.axes[1].get_xticklabels())


def test_a_long_caption_stays_inside_the_picture():
    caption = "Ça ne paie pas encore : 0 nouveau client pour 10,5 heures passées cette semaine"
    figure = draw(weeks(2), ChartTexts(**{**TEXTS.__dict__, "caption": caption}), 4, 2)
    figure.canvas.draw()
    (text,) = [t for t in figure.texts if t.get_text().replace("\n", " ") == caption]
    assert text.get_window_extent().x1 <= 720 and text.get_fontsize() >= 13


@pytest.mark.parametrize("value, comma, expected", [
    (1.5, True, "1,5"), (1.5, False, "1.5"), (0, True, "0"), (12.0, True, "12"),
    (0.25, True, "0,25"), (10.45, True, "10,4"), (1500, True, "1\u00a0500"),
    (1500, False, "1,500"),
])
def test_figures_are_written_in_the_users_style(value, comma, expected):
    assert number(value, comma) == expected


def test_date_labels_split_in_balanced_lines():
    assert two_lines("16–22 nov.") == "16–22\nnov."
    assert two_lines("28 sept.–4 oct.") == "28 sept.–\n4 oct."
