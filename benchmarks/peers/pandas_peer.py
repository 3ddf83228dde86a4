"""The per-pupil figures and the national threshold in plain pandas over the Parquet file.

Straightforward groupby/merge code with sensible dtypes: the text columns are read as
categoricals and dates as datetime64. Each mark gets the category its code had on its date by a
merge with the code table; counts are a groupby; each school's weeks and each pupil's school
weeks come from merges (the threshold as set out in benchmarks.peers); the rolling window is a
cumulative count less the count that has fallen out of the window, and occasions are found one
round at a time, each round the next occasion of every pupil who met the last.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq

from benchmarks.peers import ThresholdLaw, code_eras, school_age_limits, threshold_law
from rollcall.engine.analysis import FIELDS

CATEGORIES = ("present", "aea", "authorised", "unauthorised", "not_counted")
TEXT = ["school_urn", "upn", "session", "code"]


def read_marks_frame(path: Path, upns: Sequence[str] | None = None) -> pd.DataFrame:
    """The marks file as a DataFrame (only these pupils' marks if upns is given), in the
    file's order, with date_of_birth when the file has it."""
    columns = ["school_urn", "upn", "date", "session", "code"]
    if "date_of_birth" in pq.read_schema(path).names:
        columns.append("date_of_birth")
    table = pq.read_table(
        path,
        columns=columns,
        filters=[("upn", "in", list(upns))] if upns is not None else None,
        read_dictionary=TEXT,
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
    # Where the file first mentions each pupil at each school (with upns given: the first of
    # the marks read).
    marks["line"] = np.arange(len(marks))
    as_of_stamp = marks["date"].max() if as_of is None else pd.Timestamp(as_of)
    law = threshold_law(as_of_stamp.date())
    ages = _ages(marks)
    marks = marks[marks["date"] <= as_of_stamp].drop(columns="date_of_birth", errors="ignore")

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

    counts = _counts(marks)
    threshold = _threshold(marks, law, ages)
    result = counts.join(threshold)
    result["threshold_occasions"] = result["threshold_occasions"].fillna(0).astype("int64")
    result["threshold_provisional"] = result["threshold_provisional"].fillna(False).astype(bool)
    result["threshold_sessions_in_window"] = (
        result["threshold_sessions_in_window"].fillna(0).astype("int64")
    )
    result["school_age_checked"] = result.index.isin(ages.index)
    result = result.reset_index()
    result["upn"] = result["upn"].astype(str)
    return result[list(FIELDS)].sort_values("upn", ignore_index=True)


def _ages(marks: pd.DataFrame) -> pd.DataFrame:
    """Per pupil whose date of birth the file gives: first and last day of compulsory school
    age (an empty frame when it gives none)."""
    if "date_of_birth" not in marks.columns:
        return pd.DataFrame(
            {"first_day": pd.Series(dtype="datetime64[s]")},
            index=pd.Index([], name="upn", dtype=marks["upn"].dtype),
        ).assign(last_day=pd.Series(dtype="datetime64[s]"))
    born = marks[["upn", "date_of_birth"]].dropna().drop_duplicates("upn").set_index("upn")
    births = [day.date() for day in pd.to_datetime(born["date_of_birth"].unique())]
    limits = pd.DataFrame(school_age_limits(births))
    for column in limits.columns:
        limits[column] = pd.to_datetime(limits[column])
    born["date_of_birth"] = pd.to_datetime(born["date_of_birth"])
    return (
        born.reset_index()
        .merge(limits, on="date_of_birth")
        .set_index("upn")[["first_day", "last_day"]]
    )


def _counts(marks: pd.DataFrame) -> pd.DataFrame:
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
    return counts


def _school_weeks(marks: pd.DataFrame, law: ThresholdLaw) -> pd.DataFrame:
    """Each pupil's school weeks (upn, week, week_number numbered 1, 2, 3 ... per pupil): the
    weeks they had a session held anywhere, and the weeks held by the school they belonged
    to (benchmarks.peers)."""
    held = marks.loc[~marks["code"].isin(law.not_school_week_codes), ["upn", "school_urn", "week"]]
    own = held[["upn", "week"]].drop_duplicates()
    calendar = held[["school_urn", "week"]].drop_duplicates()

    # Each school of each pupil: the week they joined it, and rollcall's order of a pupil's
    # schools (the school of their first mark, then the order the file first mentions them).
    enrolments = (
        marks.groupby(["upn", "school_urn"], observed=True)["line"].min().rename("line")
    ).reset_index()
    joined = held.groupby(["upn", "school_urn"], observed=True)["week"].min().rename("joined")
    enrolments = enrolments.merge(joined.reset_index(), on=["upn", "school_urn"], how="left")
    first_line = enrolments.groupby("upn", observed=True)["line"].transform("min")
    school_line = enrolments.groupby("school_urn", observed=True)["line"].transform("min")
    enrolments["later"] = enrolments["line"] != first_line
    enrolments["school_line"] = school_line
    enrolments = enrolments.sort_values(["upn", "later", "school_line"])

    # The school they belonged to from the week they joined it to the week they joined the
    # next (the first also before it); of two joined in the same week, the first in order.
    spells = enrolments.dropna(subset=["joined"]).sort_values(["upn", "joined"], kind="stable")
    spells = spells.drop_duplicates(["upn", "joined"])
    spells["to_week"] = spells.groupby("upn", observed=True)["joined"].shift(-1)
    spells["first_spell"] = spells.groupby("upn", observed=True).cumcount() == 0
    never = enrolments[~enrolments["upn"].isin(spells["upn"])].drop_duplicates("upn")
    never = never.assign(joined=pd.NaT, to_week=pd.NaT, first_spell=True)
    spells = pd.concat([spells, never], ignore_index=True)
    theirs = spells[["upn", "school_urn", "joined", "to_week", "first_spell"]].merge(
        calendar, on="school_urn"
    )
    theirs = theirs[
        (theirs["first_spell"] | (theirs["week"] >= theirs["joined"]))
        & (theirs["to_week"].isna() | (theirs["week"] < theirs["to_week"]))
    ]
    weeks = pd.concat([own, theirs[["upn", "week"]]], ignore_index=True).drop_duplicates()
    weeks["upn"] = weeks["upn"].astype(marks["upn"].dtype)
    weeks = weeks.sort_values(["upn", "week"], ignore_index=True)
    weeks["week_number"] = weeks.groupby("upn", observed=True).cumcount() + 1
    return weeks


def _threshold(marks: pd.DataFrame, law: ThresholdLaw, ages: pd.DataFrame) -> pd.DataFrame:
    """Per pupil: the threshold fields."""
    marks["week"] = marks["date"] - pd.to_timedelta(marks["date"].dt.weekday, unit="D")
    weeks = _school_weeks(marks, law)

    # Marks that count (G, N, O, U from 19 Aug 2024; of compulsory school age where the date
    # of birth is known), each with its session number (2 a day: AM, PM) and school week.
    qualifying = marks[marks["counts_for_threshold"] & marks["code"].isin(law.codes)]
    qualifying = qualifying[["upn", "date", "session", "code", "week"]].merge(
        weeks, on=["upn", "week"]
    )
    if len(ages):
        limits = qualifying[["upn"]].merge(ages, left_on="upn", right_index=True, how="left")
        of_age = limits["first_day"].isna() | (
            (qualifying["date"].to_numpy() >= limits["first_day"].to_numpy())
            & (qualifying["date"].to_numpy() <= limits["last_day"].to_numpy())
        )
        qualifying = qualifying[of_age.to_numpy()]
    days = (qualifying["date"] - pd.Timestamp("1970-01-01")).dt.days
    qualifying = qualifying.assign(
        session_number=2 * days + (qualifying["session"] == "PM").astype("int64"),
        provisional=qualifying["code"].isin(law.provisional_codes),
    )[["upn", "session_number", "week_number", "provisional"]]

    # Per session: marks counted (two at two schools), so far, and those in school weeks that
    # have left the window: the running total at the end of school week (this week - 10).
    sessions = (
        qualifying.groupby(["upn", "session_number", "week_number"], observed=True)
        .size()
        .rename("marks")
        .reset_index()
        .sort_values(["upn", "session_number"], ignore_index=True)
    )
    sessions["so_far"] = sessions.groupby("upn", observed=True)["marks"].cumsum()
    through_week = (
        sessions.groupby(["upn", "week_number"], observed=True)["marks"]
        .sum()
        .groupby(level="upn", observed=True)
        .cumsum()
        .rename("dropped")
        .reset_index()
    )
    through_week["leaves_after"] = through_week["week_number"] + law.school_weeks
    sessions = pd.merge_asof(
        sessions.sort_values("week_number"),
        through_week[["upn", "leaves_after", "dropped"]].sort_values("leaves_after"),
        left_on="week_number",
        right_on="leaves_after",
        by="upn",
        direction="backward",
    )
    sessions["dropped"] = sessions["dropped"].fillna(0)
    reached = sessions[sessions["so_far"] - sessions["dropped"] >= law.sessions]
    reached = reached[["upn", "session_number", "week_number", "so_far"]].sort_values(
        ["upn", "session_number"], ignore_index=True
    )

    # Occasions, a round at a time: the first session that reaches it, then for each pupil
    # who met it, the first with `sessions` more marks counted since (counting afresh).
    found = []
    latest = reached.groupby("upn", observed=True).head(1).assign(number=1)
    while len(latest):
        found.append(latest)
        later = reached.merge(latest[["upn", "so_far", "number"]], on="upn", suffixes=("", "_met"))
        later = later[later["so_far"] >= later["so_far_met"] + law.sessions]
        latest = (
            later.groupby("upn", observed=True)
            .head(1)
            .assign(number=lambda frame: frame["number"] + 1)
        )[["upn", "session_number", "week_number", "so_far", "number"]]
    if found:
        occasions = pd.concat(found, ignore_index=True).sort_values(
            ["upn", "number"], ignore_index=True
        )
    else:
        occasions = reached.assign(number=0).head(0)
    occasions["after"] = occasions.groupby("upn", observed=True)["session_number"].shift(
        1, fill_value=-1
    )

    # Each occasion's sessions counted: each mark goes to the next occasion at or after it,
    # and counts if it is in that occasion's window (its last `school_weeks` school weeks).
    spans = pd.merge_asof(
        qualifying.sort_values("session_number"),
        occasions[["upn", "number", "session_number", "week_number"]]
        .rename(columns={"session_number": "met", "week_number": "met_week"})
        .sort_values("met"),
        left_on="session_number",
        right_on="met",
        by="upn",
        direction="forward",
    ).dropna(subset=["met"])
    spans = spans[spans["week_number"] > spans["met_week"] - law.school_weeks]
    spans = spans.groupby(["upn", "number"], observed=True).agg(
        met=("met", "first"), first=("session_number", "min"), provisional=("provisional", "sum")
    )
    spans = spans.reset_index().sort_values(["upn", "number"])
    spans["text"] = (
        _session_text(spans["first"])
        + " to "
        + _session_text(spans["met"])
        + np.where(spans["provisional"] > 0, "?", "")
    )
    by_pupil = spans.groupby("upn", observed=True)
    result = pd.DataFrame(
        {
            "threshold_occasions": by_pupil.size(),
            "threshold_provisional": by_pupil["provisional"].first() > 0,
            "threshold_occasion_sessions": by_pupil["text"].agg("; ".join),
        }
    )
    met = by_pupil["met"].first().astype("int64")
    result["threshold_met_on"] = (
        pd.Timestamp("1970-01-01") + pd.to_timedelta(met // 2, unit="D")
    ).dt.date
    result["threshold_met_session"] = np.where(met % 2 == 1, "PM", "AM")

    # The count now: marks counted in the pupil's last `school_weeks` school weeks.
    last_week = weeks.groupby("upn", observed=True)["week_number"].max().rename("last_week")
    recent = qualifying.merge(last_week, left_on="upn", right_index=True)
    recent = recent[recent["week_number"] > recent["last_week"] - law.school_weeks]
    in_window = recent.groupby("upn", observed=True).size()
    return result.join(in_window.rename("threshold_sessions_in_window"), how="outer")


def _session_text(numbers: pd.Series) -> pd.Series:
    """A session number (2 per day since 1970-01-01) as rollcall writes it: "2025-01-06 PM"."""
    numbers = numbers.astype("int64")
    days = pd.Timestamp("1970-01-01") + pd.to_timedelta(numbers // 2, unit="D")
    return days.dt.strftime("%Y-%m-%d") + np.where(numbers % 2 == 1, " PM", " AM")
