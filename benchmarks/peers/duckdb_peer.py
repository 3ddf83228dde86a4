"""The per-pupil figures and the national threshold in plain DuckDB SQL over the Parquet file.

Written as an analyst would: join every mark to the code table on code and date range, count
by category, number each pupil's school weeks, and count qualifying sessions in a rolling
window of school weeks with window functions. Nothing here knows rollcall's matrix layout.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import polars as pl

from benchmarks.peers import code_eras, threshold_law

FIGURES_SQL = """
WITH marks AS (
    -- Every mark with the meaning its code had on that date.
    SELECT m.upn, m.date, m.session, m.code, c.category, c.counts_for_threshold
    FROM read_parquet($path) AS m
    JOIN codes AS c
      ON c.code = m.code AND m.date BETWEEN c.in_force_from AND c.in_force_to
    WHERE m.date <= $as_of
),
counts AS (
    SELECT
        upn,
        count(*) FILTER (WHERE category IN ('present', 'aea', 'authorised', 'unauthorised'))
            AS possible_sessions,
        count(*) FILTER (WHERE category = 'present') AS present_sessions,
        count(*) FILTER (WHERE category = 'aea') AS aea_sessions,
        count(*) FILTER (WHERE category = 'authorised') AS authorised_sessions,
        count(*) FILTER (WHERE category = 'unauthorised') AS unauthorised_sessions,
        count(*) FILTER (WHERE category = 'not_counted') AS not_counted_sessions,
        count(*) FILTER (WHERE code = 'L') AS late_before_close_sessions,
        count(*) FILTER (WHERE code = 'U') AS late_after_close_sessions
    FROM marks
    GROUP BY upn
),
school_weeks AS (
    -- Monday-to-Sunday weeks in which the pupil has a mark other than # or Y4, at any school,
    -- numbered 1, 2, 3 ... per pupil.
    SELECT upn, week, row_number() OVER (PARTITION BY upn ORDER BY week) AS week_number
    FROM (
        SELECT DISTINCT upn, date_trunc('week', date) AS week
        FROM marks
        WHERE code NOT IN (SELECT unnest($not_school_week_codes))
    )
),
qualifying AS (
    -- Sessions that count toward the threshold (G, N, O, U from 19 August 2024).
    SELECT m.upn, m.date, m.session, w.week_number
    FROM marks AS m
    JOIN school_weeks AS w ON w.upn = m.upn AND w.week = date_trunc('week', m.date)
    WHERE m.counts_for_threshold AND m.code IN (SELECT unnest($codes))
),
rolling AS (
    -- Qualifying sessions in the window of school weeks ending with this session's week, up to
    -- and including this session: the whole of the earlier weeks of the window, plus this
    -- week's sessions so far.
    SELECT
        upn, date, session, week_number,
        count(*) OVER (
            PARTITION BY upn ORDER BY week_number
            RANGE BETWEEN $weeks - 1 PRECEDING AND 1 PRECEDING
        ) + count(*) OVER (
            PARTITION BY upn, week_number ORDER BY date, session
            RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
        ) AS in_window
    FROM qualifying
),
met AS (
    SELECT upn, date AS threshold_met_on, session AS threshold_met_session
    FROM rolling
    WHERE in_window >= $sessions
    QUALIFY row_number() OVER (PARTITION BY upn ORDER BY date, session) = 1
),
latest AS (
    -- Qualifying sessions in the pupil's last school weeks up to the as-of date.
    SELECT q.upn, count(*) AS threshold_sessions_in_window
    FROM qualifying AS q
    JOIN (SELECT upn, max(week_number) AS last_week FROM school_weeks GROUP BY upn) AS l
      ON l.upn = q.upn
    WHERE q.week_number > l.last_week - $weeks
    GROUP BY q.upn
)
SELECT
    c.upn,
    c.possible_sessions,
    c.present_sessions,
    c.aea_sessions,
    c.authorised_sessions,
    c.unauthorised_sessions,
    c.not_counted_sessions,
    CASE WHEN c.possible_sessions > 0
        THEN round(100 * (c.present_sessions + c.aea_sessions) / c.possible_sessions, 2)
    END AS attendance_pct,
    CASE WHEN c.possible_sessions > 0
        THEN round(100 * (c.authorised_sessions + c.unauthorised_sessions)
                   / c.possible_sessions, 2)
    END AS absence_pct,
    c.possible_sessions > 0
        AND 10 * (c.authorised_sessions + c.unauthorised_sessions) >= c.possible_sessions
        AS persistent_absence,
    c.possible_sessions > 0
        AND 2 * (c.authorised_sessions + c.unauthorised_sessions) >= c.possible_sessions
        AS severe_absence,
    met.threshold_met_on,
    met.threshold_met_session,
    coalesce(latest.threshold_sessions_in_window, 0) AS threshold_sessions_in_window,
    c.late_before_close_sessions,
    c.late_after_close_sessions
FROM counts AS c
LEFT JOIN met ON met.upn = c.upn
LEFT JOIN latest ON latest.upn = c.upn
ORDER BY c.upn
"""


def duckdb_figures(
    path: Path, *, as_of: dt.date | None = None, threads: int | None = None
) -> pl.DataFrame:
    """One row per pupil in the marks file, with the columns of rollcall.engine.FIELDS."""
    con = duckdb.connect()
    if threads:
        con.execute(f"SET threads = {int(threads)}")
    eras = code_eras()
    con.execute(
        """
        CREATE TABLE codes (
            code VARCHAR, in_force_from DATE, in_force_to DATE, category VARCHAR,
            counts_for_threshold BOOLEAN
        )
        """
    )
    con.executemany(
        "INSERT INTO codes VALUES (?, ?, ?, ?, ?)",
        list(zip(*eras.values(), strict=True)),
    )
    if as_of is None:
        latest = con.sql("SELECT max(date) FROM read_parquet($path)", params={"path": str(path)})
        ((as_of,),) = latest.fetchall()
    law = threshold_law(as_of)
    parameters = {
        "path": str(path),
        "as_of": as_of,
        "codes": list(law.codes),
        "not_school_week_codes": list(law.not_school_week_codes),
        "weeks": law.school_weeks,
        "sessions": law.sessions,
    }
    frame = pl.from_arrow(con.sql(FIGURES_SQL, params=parameters).to_arrow_table())
    con.close()
    return frame
