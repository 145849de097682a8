"""Chart axes a person can read: month labels abbreviated the Norwegian way, never closer together than their
width, values with a decimal comma."""

from __future__ import annotations

import itertools
import re

from core.formatting import month_axis_labels, month_no
from followup import charts

AXIS_TEXT_RE = re.compile(r'<text x="([\d.]+)" y="\d+" text-anchor="middle"[^>]*>(.*?)</text>')
TSPAN_RE = re.compile(r"<tspan[^>]*>([^<]*)</tspan>")


def _axis(svg: str) -> list[tuple[float, list[str]]]:
    return [(float(x), TSPAN_RE.findall(body)) for x, body in AXIS_TEXT_RE.findall(svg)]


def _assert_apart(shown: list[tuple[float, list[str]]]) -> None:
    for (x1, lines1), (x2, lines2) in itertools.pairwise(shown):
        half = (max(map(len, lines1)) + max(map(len, lines2))) * charts.CHAR_W / 2
        assert x2 - x1 >= half + 4, (lines1, lines2, x2 - x1)


def test_two_years_of_months_stay_apart_and_name_each_year():
    months = [f"{y}-{m:02d}" for y in (2025, 2026) for m in range(1, 13)]
    svg = charts.bar_chart(
        "Jobbstarter", "test", month_axis_labels(months), list(range(24)), names=[month_no(m) for m in months]
    )
    shown = _axis(svg)
    assert 4 <= len(shown) < 24  # thinned, not dropped
    _assert_apart(shown)
    assert ["jan.", "2025"] in [lines for _, lines in shown]
    assert (
        "<title>januar 2025: 0</title>" in svg and "<title>februar 2025: 1</title>" in svg
    )  # tooltips in full


def test_a_year_that_begins_on_a_left_out_month_is_named_under_the_next_one():
    months = [f"2025-{m:02d}" for m in range(2, 13)] + [f"2026-{m:02d}" for m in range(1, 13)]  # feb. 2025 on
    shown = [lines for _, lines in _axis(charts.bar_chart("x", "x", month_axis_labels(months), [1] * 23))]
    assert ["jan.", "2026"] not in shown and ["feb.", "2026"] in shown  # every second label: jan. is left out
    assert shown[0] == ["feb.", "2025"]


def test_long_labels_on_a_line_chart_are_thinned_too():
    dates = [f"{d:02d}.01.2026" for d in range(1, 21)]
    shown = _axis(charts.line_chart("Skår", "test", dates, list(range(20)), as_share=False))
    assert 2 <= len(shown) < 20
    _assert_apart(shown)


def test_a_few_labels_are_all_shown():
    shown = _axis(charts.bar_chart("x", "x", ["0–30 dager", "31–90 dager", "91–180 dager"], [1, 2, 3]))
    assert [lines for _, lines in shown] == [["0–30 dager"], ["31–90 dager"], ["91–180 dager"]]


def test_values_and_axis_steps_have_a_decimal_comma():
    svg = charts.bar_chart("x", "x", ["a", "b"], [2.5, 1.25])
    assert "<title>a: 2,5</title>" in svg and "<title>b: 1,25</title>" in svg
    assert not re.search(r">\d+\.\d+<", svg)  # no axis step written "0.5"
    share = charts.line_chart("x", "x", ["a"], [0.256])
    assert "<title>a: 26\u00a0%</title>" in share
