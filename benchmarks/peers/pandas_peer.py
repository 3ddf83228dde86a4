"""The per-pupil figures and the national threshold in plain pandas over the Parquet file.

Straightforward groupby/merge code with sensible dtypes: the text columns are read as
categoricals and dates as datetime64. Each mark gets the category its code had on its date by a
merge with the code table; counts are a groupby; school weeks are numbered per pupil and the
rolling window is a cumulative count less the count that has fallen out of the window.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq

from benchmarks.peers import code_eras, threshold_law
from rollcall.engine.analysis import FIELDS

CATEGORIES = ("present", "aea", "authorised", "unauthorised", "not_counted")


def read_marks_frame(path: Path, upns: Sequence[str] | None = None) -> pd.DataFrame:
    """The marks file as a DataFrame (only these pupils' marks if upns is given)."""
    table = pq.read_table(
        path,
        columns=["school_urn", "upn", "date", "session", "code"],
        filters=[("upn", "in", list(upns))] if upns is not None else None,
        read_dictionary=["school_urn", "upn", "session", "code"],
    )
    marks = table.to_pandas(date_as_object=False)
    marks["session"] = marks["session"].cat.set_categories(["AM", "PM"], ordered=True)
    return marks


def round_half_up(values: pd.Series) -> pd.Series:
    # Series.round rounds half to even (3.125 -> 3.12); percentages are rounded half up.
    return np.floor(values * 100 + 0.5) / 100


def pandas_figures(
    path: Path, *, as_of: dt.date | None = None, upns: Sequence[str] | None = None
) -> pd.DataFrame:
    """One row per pupil in the marks file (or per pupil in upns), with the columns of
    rollcall.engine.FIELDS."""
    marks = read_marks_frame(path, upns)
    as_of_stamp = marks["date"].max() if as_of is None else pd.Timestamp(as_of)
    law = threshold_law(as_of_stamp.date())
    marks = marks[marks["date"] <= as_of_stamp]

    # The meaning of each code on each date: merge the distinct (code, date) pairs with the
    # code table, keep the era in force on the date, then bring the category to every mark.
    codes = pd.DataFrame(code_eras())
    codes["in_force_from"] = pd.to_datetime(codes["in_force_from"])
    # "Still in force" as a date pandas can hold (its timestamps end in 2262).
    codes["in_force_to"] = pd.to_datetime(codes["in_force_to"].clip(upper=dt.date(2200, 1, 1)))
    pairs = marks[["code", "date"]].drop_duplicates()
    pairs = pairs.astype({"code": str}).merge(codes, on="code")
    pairs = pairs[
        (pairs["date"] >= pairs["in_force_from"]) & (pairs["date"] <= pairs["in_force_to"])
    ]
    pairs["code"] = pairs["code"].astype(marks["code"].dtype)
    pairs["category"] = pd.Categorical(pairs["category"], categories=CATEGORIES)
    marks = marks.merge(
        pairs[["code", "date", "category", "counts_for_threshold"]], on=["code", "date"]
    )

    # Session counts by category.
    counts = (
        marks.groupby(["upn", "category"], observed=False).size().unstack("category", fill_value=0)
    )
    counts = counts.reindex(columns=list(CATEGORIES), fill_value=0)
    counts = counts.rename(columns={c: f"{c}_sessions" for c in CATEGORIES})
    counts["possible_sessions"] = counts[
        ["present_sessions", "aea_sessions", "authorised_sessions", "unauthorised_sessions"]
    ].sum(axis=1)
    counts["late_before_close_sessions"] = (
        (marks["code"] == "L").groupby(marks["upn"], observed=False).sum()
    )
    counts["late_after_close_sessions"] = (
        (marks["code"] == "U").groupby(marks["upn"], observed=False).sum()
    )
    counts = counts[counts.index.isin(marks["upn"].unique())]  # pupils with marks

    possible = counts["possible_sessions"]
    attending = counts["present_sessions"] + counts["aea_sessions"]
    absent = counts["authorised_sessions"] + counts["unauthorised_sessions"]
    has_possible = possible > 0
    counts["attendance_pct"] = round_half_up(100 * attending / possible).where(has_possible)
    counts["absence_pct"] = round_half_up(100 * absent / possible).where(has_possible)
    counts["persistent_absence"] = has_possible & (10 * absent >= possible)
    counts["severe_absence"] = has_possible & (2 * absent >= possible)

    # School weeks: Monday-to-Sunday weeks with a mark other than # or Y4, numbered per pupil.
    marks["week"] = marks["date"] - pd.to_timedelta(marks["date"].dt.weekday, unit="D")
    held = marks[~marks["code"].isin(law.not_school_week_codes)]
    weeks = held[["upn", "week"]].drop_duplicates().sort_values(["upn", "week"])
    weeks["week_number"] = weeks.groupby("upn", observed=True).cumcount() + 1

    # Qualifying sessions (G, N, O, U from 19 Aug 2024) in date and session order.
    qualifying = marks[marks["counts_for_threshold"] & marks["code"].isin(law.codes)]
    qualifying = qualifying[["upn", "date", "session", "week"]].merge(weeks, on=["upn", "week"])
    qualifying = qualifying.sort_values(["upn", "date", "session"], ignore_index=True)
    # Sessions so far, counting every mark of the same session (a pupil at two schools).
    qualifying["so_far"] = qualifying.groupby("upn", observed=True).cumcount() + 1
    qualifying["so_far"] = qualifying.groupby(["upn", "date", "session"], observed=True)[
        "so_far"
    ].transform("max")
    # Sessions in weeks that have left the window: the pupil's running total at the end of
    # school week (this week - 10), i.e. the last week numbered at most that.
    through_week = (
        qualifying.groupby(["upn", "week_number"], observed=True)
        .size()
        .groupby(level="upn", observed=True)
        .cumsum()
        .rename("dropped")
        .reset_index()
    )
    through_week["upn"] = through_week["upn"].astype(qualifying["upn"].dtype)
    through_week["leaves_after"] = through_week["week_number"] + law.school_weeks
    qualifying = pd.merge_asof(
        qualifying.sort_values("week_number"),
        through_week[["upn", "leaves_after", "dropped"]].sort_values("leaves_after"),
        left_on="week_number",
        right_on="leaves_after",
        by="upn",
        direction="backward",
    )
    qualifying["in_window"] = qualifying["so_far"] - qualifying["dropped"].fillna(0)

    met = (
        qualifying[qualifying["in_window"] >= law.sessions]
        .sort_values(["upn", "date", "session"])
        .groupby("upn", observed=True)
        .first()
    )
    last_week = weeks.groupby("upn", observed=True)["week_number"].max().rename("last_week")
    qualifying = qualifying.merge(last_week, left_on="upn", right_index=True)
    recent = qualifying[qualifying["week_number"] > qualifying["last_week"] - law.school_weeks]
    in_window_now = recent.groupby("upn", observed=True).size()

    result = counts.copy()
    result["threshold_met_on"] = met["date"].reindex(result.index).dt.date
    result["threshold_met_session"] = met["session"].astype(str).reindex(result.index)
    result["threshold_sessions_in_window"] = in_window_now.reindex(
        result.index, fill_value=0
    ).astype("int64")
    result = result.reset_index()
    result["upn"] = result["upn"].astype(str)
    return result[list(FIELDS)].sort_values("upn", ignore_index=True)
