"""Charts drawn on the server as inline SVG: no script, readable without colour, and each with
a text alternative (title, description and the data as a table)."""

from rollcall.analytics.charts.bars import Bar, bar_chart
from rollcall.analytics.charts.heatmap import calendar_heatmap
from rollcall.analytics.charts.svg import Chart, DataTable
from rollcall.analytics.charts.trend import Marker, Reference, TrendWeek, Window, weekly_trend

__all__ = [
    "Bar",
    "Chart",
    "DataTable",
    "Marker",
    "Reference",
    "TrendWeek",
    "Window",
    "bar_chart",
    "calendar_heatmap",
    "weekly_trend",
]
