"""The per-pupil figures and the national threshold in plain DuckDB SQL over the Parquet file.

Written as an analyst would: join every mark to the code table on code and date range, count
by category, work out each school's weeks and each pupil's school weeks from them, number
those weeks, and find every occasion on which the threshold was met with window functions and
a recursive query (the threshold as set out in benchmarks.peers). Nothing here knows rollcall's
matrix layout.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import polars as pl

from benchmarks.peers import code_eras, school_age_limits, threshold_law

FIGURES_SQL = """
WITH RECURSIVE marks AS NOT MATERIALIZED (
    -- Every mark up to the as-of date with the meaning its code had on that date; its
    -- session as a number (2 a day: AM, PM), its Monday-to-Sunday week, whether a session was
    -- held, and its place in the file.
    SELECT
        m.school_urn, m.upn, m.date, m.code, m.file_row_number AS line, c.category,
        c.counts_for_threshold,
        2 * (m.date - DATE '1970-01-01') + (m.session = 'PM')::INTEGER AS session_number,
        date_trunc('week', m.date) AS week,
        m.code NOT IN (SELECT unnest($not_school_week_codes)) AS held
    FROM marks_file AS m
    JOIN codes AS c
      ON c.code = m.code AND m.date BETWEEN c.in_force_from AND c.in_force_to
    WHERE m.date <= $as_of
),
weekly AS (
    -- Each pupil at each school in each week: sessions by category, L and U marks, whether a
    -- session was held, and where the file first mentions them there.
    SELECT
        upn, school_urn, week,
        count(*) FILTER (WHERE category = 'present') AS present,
        count(*) FILTER (WHERE category = 'aea') AS aea,
        count(*) FILTER (WHERE category = 'authorised') AS authorised,
        count(*) FILTER (WHERE category = 'unauthorised') AS unauthorised,
        count(*) FILTER (WHERE category = 'not_counted') AS not_counted,
        count(*) FILTER (WHERE code = 'L') AS late,
        count(*) FILTER (WHERE code = 'U') AS after_close,
        bool_or(held) AS held,
        min(line) AS line
    FROM marks
    GROUP BY ALL
),
counts AS (
    SELECT
        upn,
        sum(present + aea + authorised + unauthorised)::BIGINT AS possible_sessions,
        sum(present)::BIGINT AS present_sessions,
        sum(aea)::BIGINT AS aea_sessions,
        sum(authorised)::BIGINT AS authorised_sessions,
        sum(unauthorised)::BIGINT AS unauthorised_sessions,
        sum(not_counted)::BIGINT AS not_counted_sessions,
        sum(late)::BIGINT AS late_before_close_sessions,
        sum(after_close)::BIGINT AS late_after_close_sessions
    FROM weekly
    GROUP BY upn
),
enrolments AS (
    -- Each school of each pupil: the week they joined it (first session held there) and
    -- where the file first mentions the pair.
    SELECT upn, school_urn, min(week) FILTER (WHERE held) AS joined, min(line) AS line
    FROM weekly
    GROUP BY upn, school_urn
),
ranked AS (
    -- A pupil's schools in rollcall's order: the school of their first mark, then the others
    -- in the order the file first mentions them.
    SELECT
        e.upn, e.school_urn, e.joined,
        row_number() OVER (
            PARTITION BY e.upn ORDER BY e.line = e.first_line DESC, s.line
        ) AS school_order
    FROM (SELECT *, min(line) OVER (PARTITION BY upn) AS first_line FROM enrolments) AS e
    JOIN (SELECT school_urn, min(line) AS line FROM enrolments GROUP BY school_urn) AS s
      USING (school_urn)
),
spells AS (
    -- The school a pupil belonged to from the week they joined it until they joined the next
    -- (the first school also before it); two schools joined in the same week: the first in
    -- order. A pupil with no session held anywhere: their first school throughout.
    SELECT
        upn, school_urn, joined AS from_week,
        lead(joined) OVER (PARTITION BY upn ORDER BY joined) AS to_week,
        row_number() OVER (PARTITION BY upn ORDER BY joined) = 1 AS first_spell
    FROM ranked
    WHERE joined IS NOT NULL
    QUALIFY row_number() OVER (PARTITION BY upn, joined ORDER BY school_order) = 1
    UNION ALL
    SELECT upn, arg_min(school_urn, school_order), NULL, NULL, true
    FROM ranked
    GROUP BY upn
    HAVING count(joined) = 0
),
calendar AS (
    -- Each school's weeks: those in which any of its pupils had a session held.
    SELECT DISTINCT school_urn, week FROM weekly WHERE held
),
school_weeks AS (
    -- A pupil's school weeks (their own sessions held anywhere, and their school's weeks),
    -- numbered 1, 2, 3 ... per pupil.
    SELECT upn, week, row_number() OVER (PARTITION BY upn ORDER BY week) AS week_number
    FROM (
        SELECT upn, week FROM weekly WHERE held
        UNION
        SELECT s.upn, c.week
        FROM spells AS s
        JOIN calendar AS c
          ON c.school_urn = s.school_urn
         AND (s.first_spell OR c.week >= s.from_week)
         AND (s.to_week IS NULL OR c.week < s.to_week)
    )
),
qualifying AS (
    -- Marks that count toward the threshold (G, N, O, U from 19 August 2024), of compulsory
    -- school age where the date of birth is known.
    SELECT m.upn, m.session_number, m.code IN (SELECT unnest($provisional_codes)) AS provisional,
           w.week_number
    FROM marks AS m
    JOIN school_weeks AS w ON w.upn = m.upn AND w.week = m.week
    LEFT JOIN ages AS a ON a.upn = m.upn
    WHERE m.counts_for_threshold AND m.code IN (SELECT unnest($codes))
      AND (a.upn IS NULL OR m.date BETWEEN a.first_day AND a.last_day)
),
running AS (
    -- Per session: the marks counted so far, and those in school weeks that have left the
    -- window of $weeks school weeks ending with this session's week.
    SELECT
        upn, session_number, week_number,
        sum(marks) OVER (PARTITION BY upn ORDER BY session_number) AS so_far,
        coalesce(sum(marks) OVER (
            PARTITION BY upn ORDER BY week_number
            RANGE BETWEEN UNBOUNDED PRECEDING AND $weeks PRECEDING
        ), 0) AS dropped
    FROM (
        SELECT upn, session_number, week_number, count(*) AS marks
        FROM qualifying
        GROUP BY ALL
    )
),
reached AS (
    -- Sessions at which the window holds the threshold, counting from the start.
    SELECT upn, session_number, week_number, so_far
    FROM running
    WHERE so_far - dropped >= $sessions
),
chain (upn, number, session_number, week_number, so_far) AS (
    -- The first occasion is the first such session; each next one the first such session
    -- with $sessions more marks counted since the last (counting starts afresh after it).
    SELECT upn, 1, min(session_number), arg_min(week_number, session_number), min(so_far)
    FROM reached
    GROUP BY upn
    UNION ALL
    SELECT
        c.upn, c.number + 1, min(r.session_number), arg_min(r.week_number, r.session_number),
        min(r.so_far)
    FROM chain AS c
    JOIN reached AS r ON r.upn = c.upn AND r.so_far >= c.so_far + $sessions
    GROUP BY c.upn, c.number
),
occasions AS (
    SELECT *, lag(session_number, 1, -1) OVER (PARTITION BY upn ORDER BY number) AS after
    FROM chain
),
spans AS (
    -- Each occasion's sessions counted: after the last occasion, in its window, up to it.
    SELECT
        o.upn, o.number, o.session_number AS met, min(q.session_number) AS first,
        count(*) FILTER (WHERE q.provisional) AS provisional
    FROM occasions AS o
    JOIN qualifying AS q
      ON q.upn = o.upn
     AND q.session_number > o.after AND q.session_number <= o.session_number
     AND q.week_number > o.week_number - $weeks
    GROUP BY ALL
),
threshold AS (
    SELECT
        upn,
        count(*) AS threshold_occasions,
        arg_min(met, number) AS met,
        arg_min(provisional, number) > 0 AS threshold_provisional,
        string_agg(
            session_text(first) || ' to ' || session_text(met)
                || CASE WHEN provisional > 0 THEN '?' ELSE '' END,
            '; ' ORDER BY number
        ) AS threshold_occasion_sessions
    FROM spans
    GROUP BY upn
),
latest AS (
    -- Marks counted in the pupil's last $weeks school weeks up to the as-of date.
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
    DATE '1970-01-01' + (t.met // 2)::INTEGER AS threshold_met_on,
    CASE t.met % 2 WHEN 0 THEN 'AM' WHEN 1 THEN 'PM' END AS threshold_met_session,
    coalesce(latest.threshold_sessions_in_window, 0) AS threshold_sessions_in_window,
    c.late_before_close_sessions,
    c.late_after_close_sessions,
    coalesce(t.threshold_occasions, 0) AS threshold_occasions,
    coalesce(t.threshold_provisional, false) AS threshold_provisional,
    t.threshold_occasion_sessions,
    a.upn IS NOT NULL AS school_age_checked
FROM counts AS c
LEFT JOIN threshold AS t ON t.upn = c.upn
LEFT JOIN latest ON latest.upn = c.upn
LEFT JOIN ages AS a ON a.upn = c.upn
ORDER BY c.upn
"""

# A session number (2 per day since 1970-01-01, AM then PM) as rollcall writes it.
SESSION_TEXT = """
CREATE MACRO session_text(n) AS
    strftime(DATE '1970-01-01' + (n // 2)::INTEGER, '%Y-%m-%d')
    || CASE n % 2 WHEN 0 THEN ' AM' ELSE ' PM' END
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
    con.execute(SESSION_TEXT)
    _marks_file(con, path)
    _ages(con)
    if as_of is None:
        ((as_of,),) = con.sql("SELECT max(date) FROM marks_file").fetchall()
    law = threshold_law(as_of)
    parameters = {
        "as_of": as_of,
        "codes": list(law.codes),
        "not_school_week_codes": list(law.not_school_week_codes),
        "provisional_codes": list(law.provisional_codes),
        "weeks": law.school_weeks,
        "sessions": law.sessions,
    }
    frame = pl.from_arrow(con.sql(FIGURES_SQL, params=parameters).to_arrow_table())
    con.close()
    assert isinstance(frame, pl.DataFrame)
    return frame


def _marks_file(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    """`marks_file`: the marks as an analyst would read them, whatever wrote the file: text
    URNs, UPNs, sessions and codes (Polars or pandas categoricals read as text), dates (a
    timestamp taken on its London date), and each row's place in the file. A CSV file is read
    into a table first (DuckDB numbers a table's rows, not a CSV's lines)."""
    con.execute("SET TimeZone = 'Europe/London'")
    # The benchmark's own file, quoted as an SQL string (a view cannot take parameters).
    literal = "'" + str(path).replace("'", "''") + "'"
    if path.suffix.lower() == ".duckdb":
        # DuckDB's own database: the marks already in its table `marks` (made by
        # `duckdb_table`), each row's place in the file kept as a column.
        con.execute(f"ATTACH {literal} AS own (READ_ONLY)")
        source = "own.marks"
        row = "file_row_number"
    elif path.suffix.lower() == ".csv":
        source = f"read_csv({literal}, header = true)"
        row = "rowid"
        con.execute(f"CREATE TABLE marks_csv AS SELECT * FROM {source}")  # noqa: S608
        source = "marks_csv"
    else:
        source = f"read_parquet({literal}, file_row_number = true)"
        row = "file_row_number"
    described = con.sql(f"DESCRIBE SELECT * FROM {source}")  # noqa: S608
    columns = [name for (name, *_) in described.fetchall()]
    birth = ", CAST(date_of_birth AS DATE) AS date_of_birth" if "date_of_birth" in columns else ""
    view = (
        "CREATE VIEW marks_file AS SELECT CAST(school_urn AS VARCHAR) AS school_urn, "  # noqa: S608
        "CAST(upn AS VARCHAR) AS upn, CAST(date AS DATE) AS date, "
        "CAST(session AS VARCHAR) AS session, CAST(code AS VARCHAR) AS code, "
        f"{row} AS file_row_number{birth} FROM {source}"
    )
    con.execute(view)


def duckdb_table(parquet: Path, database: Path) -> None:
    """DuckDB's own database file holding the marks of a Parquet file as its table `marks`,
    with each row's place in the file (what an analyst who keeps the marks in DuckDB has)."""
    literal = "'" + str(parquet).replace("'", "''") + "'"
    con = duckdb.connect(str(database))
    con.execute(
        f"CREATE TABLE marks AS SELECT * FROM read_parquet({literal}, file_row_number = true)"  # noqa: S608
    )
    con.close()


def _ages(con: duckdb.DuckDBPyConnection) -> None:
    """Table ages (upn, first_day, last_day): the days of compulsory school age of each pupil
    whose date of birth the file gives (none when it has no date_of_birth column)."""
    con.execute("CREATE TABLE ages (upn VARCHAR, first_day DATE, last_day DATE)")
    columns = con.sql("DESCRIBE SELECT * FROM marks_file")
    if "date_of_birth" not in [row[0] for row in columns.fetchall()]:
        return
    births = con.sql(
        "SELECT DISTINCT date_of_birth FROM marks_file WHERE date_of_birth IS NOT NULL"
    ).fetchall()
    limits = school_age_limits([born for (born,) in births])
    con.execute(
        "CREATE TABLE limits (date_of_birth DATE, first_day DATE, last_day DATE)",
    )
    con.executemany("INSERT INTO limits VALUES (?, ?, ?)", list(zip(*limits.values(), strict=True)))
    con.execute(
        """
        INSERT INTO ages
        SELECT DISTINCT p.upn, l.first_day, l.last_day
        FROM marks_file AS p JOIN limits AS l USING (date_of_birth)
        """
    )
