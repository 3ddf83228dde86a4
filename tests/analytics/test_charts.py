"""Charts carry a text alternative and never depend on colour alone."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from rollcall.analytics.charts import (
    Bar,
    TrendWeek,
    Window,
    bar_chart,
    calendar_heatmap,
    weekly_trend,
)


@dataclass(frozen=True)
class Mark:
    day: dt.date
    session: str
    code: str
    category: int


MONDAY = dt.date(2025, 3, 3)


def test_the_calendar_prints_each_code_and_stripes_unauthorised_absence():
    marks = [
        Mark(MONDAY, "AM", "/", 1),
        Mark(MONDAY, "PM", "G", 4),
        Mark(MONDAY + dt.timedelta(days=14), "AM", "I", 3),
    ]
    chart = calendar_heatmap(
        marks,
        first=MONDAY,
        last=MONDAY + dt.timedelta(days=14),
        chart_id="cal",
        subject="Amara Adams",
        describe_gap=lambda first, last: "School holiday",
    )
    svg = str(chart.svg)
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg" role="img" id="cal"')
    assert (
        '<title id="cal-title">Register marks for Amara Adams, 3 March 2025 to 17 March 2025' in svg
    )
    assert 'aria-labelledby="cal-title cal-desc"' in svg
    assert 'fill="url(#cal-unauthorised)"' in svg and '<pattern id="cal-unauthorised"' in svg
    assert ">G</text>" in svg and ">I</text>" in svg
    assert "School holiday: 10 Mar to 14 Mar" in svg
    assert chart.table.head[:3] == ["Week of", "Mon AM", "Mon PM"]
    assert chart.table.rows[0][:3] == ["3 March 2025", "/", "G"]
    assert chart.table.rows[1][1] == "I"
    assert "Present: 1; Authorised absence: 1; Unauthorised absence: 1" in chart.description


def test_the_trend_names_the_window_and_lists_every_week():
    weeks = [TrendWeek(MONDAY + dt.timedelta(weeks=k), 100.0 - 10 * k, k) for k in range(4)]
    window = Window(frozenset(w.monday for w in weeks[1:3]), "Current window: 3 sessions")
    chart = weekly_trend(weeks, chart_id="trend", subject="Amara Adams", window=window)
    svg = str(chart.svg)
    assert 'role="img"' in svg and '<desc id="trend-desc">' in svg
    assert "Shaded: Current window: 3 sessions" in svg
    assert ">96%</text>" in svg and ">90%</text>" in svg
    assert (
        "weekly attendance ranged from 70% to 100%; 2 weeks were below 90%"
        in chart.description.lower()
    )
    assert chart.table.rows == [
        ["3 March 2025", "100.0%", "", ""],
        ["10 March 2025", "90.0%", "1", "Yes"],
        ["17 March 2025", "80.0%", "2", "Yes"],
        ["24 March 2025", "70.0%", "", ""],
    ]


def test_bars_above_the_reference_are_striped_and_the_axis_stops_at_100():
    chart = bar_chart(
        [Bar("Learning Centre", 93.8), Bar("High School", 20.0)],
        chart_id="bars",
        title="Persistent absence rate by school",
        measure="Persistent absence rate",
        reference=28.5,
        reference_label="LA",
    )
    svg = str(chart.svg)
    assert svg.count('fill="url(#bars-above)"') == 2  # the legend swatch and one bar
    assert ">100%</text>" in svg and ">120%</text>" not in svg
    assert "Above it: Learning Centre." in chart.description
    assert chart.table.rows == [
        ["Learning Centre", "93.8%", "+65.3 points"],
        ["High School", "20.0%", "-8.5 points"],
    ]
