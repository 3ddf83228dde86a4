"""Each child's open work at a school, kept by the database as the work changes.

The worklist ranks every child at the user's schools with an open trigger or an active case
(`rollcall.casework.worklist`). Grouping an LA's ~93,000 open triggers and 20,000 cases' tasks
by child on every page cost 0.2-0.35 s of database time; this table holds that grouping, one
row per child at a school with open work:

- `severe`: an open severe-absence trigger (HAC 'Severely absent children');
- `first_met`: the earliest open trigger's date;
- `has_case`: an active (open or referred) case at the school;
- `next_due`: the earliest open task's date over those cases;
- `first_date`: the earlier of the two (what the worklist ranks by after its flags).

A second table holds each case's earliest open task (`next_due`, with the case's `opened_at`),
which the case list orders by (`rollcall.casework.case_order`).

Whether a task is overdue or due today depends on the day and is worked out when the page is
read (`next_due` before the day: overdue). Row triggers on the worklist items, cases and case
tasks recompute the rows of the children and cases a statement touches, in that statement's
transaction, whatever code or tool writes them (services, the sweep, bulk inserts, COPY); on
PostgreSQL once per statement over the rows it changed. `child_work_rebuild` recomputes every
row (the migration that adds the tables, and `rollcall worklist_summary`). The careful
computations the tables must agree with are `rollcall.casework.worklist:children_to_act_on` and
`rollcall.casework.selectors:case_rows` (docs/fast-roads.md).

The SQL lives only here.
"""

# Only this module's own table names are formatted into the SQL, never a value from outside.
# ruff: noqa: S608

from __future__ import annotations

from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import connection, migrations

SUMMARY = "casework_childworksummary"
CASE_SUMMARY = "casework_casenextdue"
ITEMS = "analytics_worklistitem"
CASES = "casework_case"
TASKS = "casework_casetask"
SEVERE_KINDS = ("severe_absence", "attendance:severe_absence")
_SEVERE_SQL = ", ".join(f"'{kind}'" for kind in SEVERE_KINDS)

# The rows for the (pupil_id, school_id) pairs `pairs` selects: each child's open work there,
# none for a child with no open trigger and no active case. Correlated subqueries, so each pair
# reads only its own few rows (through the indexes that lead with the pupil). On PostgreSQL
# `OFFSET 0` keeps the inner query whole, so that each subquery runs once a child rather than
# once for each time the outer query names its column.
_ROWS_SQL = f"""
SELECT pupil_id, school_id, severe, first_met, has_case, next_due,
       CASE WHEN first_met IS NULL THEN next_due
            WHEN next_due IS NULL OR first_met < next_due THEN first_met
            ELSE next_due END
FROM (
  SELECT p.pupil_id AS pupil_id, p.school_id AS school_id,
    EXISTS (SELECT 1 FROM {ITEMS} i WHERE i.pupil_id = p.pupil_id
            AND i.school_id = p.school_id AND i.status = 'open'
            AND i.kind IN ({_SEVERE_SQL})) AS severe,
    (SELECT MIN(i.met_on) FROM {ITEMS} i WHERE i.pupil_id = p.pupil_id
            AND i.school_id = p.school_id AND i.status = 'open') AS first_met,
    EXISTS (SELECT 1 FROM {CASES} c WHERE c.pupil_id = p.pupil_id
            AND c.school_id = p.school_id AND c.status <> 'closed') AS has_case,
    (SELECT MIN(t.due_on) FROM {TASKS} t JOIN {CASES} c ON c.id = t.case_id
            WHERE c.pupil_id = p.pupil_id AND c.school_id = p.school_id
            AND c.status <> 'closed' AND t.status = 'open') AS next_due
  FROM ({{pairs}}) AS p {{fence}}
) AS work
WHERE first_met IS NOT NULL OR has_case
"""


def _rows_sql(pairs: str, vendor: str) -> str:
    return _ROWS_SQL.format(pairs=pairs, fence="OFFSET 0" if vendor == "postgresql" else "")


_COLUMNS = "pupil_id, school_id, severe, first_met, has_case, next_due, first_date"


def _refresh_sql(pairs: str) -> list[str]:
    """Replace the rows of the pairs `pairs` selects with what the work now is."""
    return [
        f"DELETE FROM {SUMMARY} WHERE EXISTS (SELECT 1 FROM ({pairs}) AS p "
        f"WHERE p.pupil_id = {SUMMARY}.pupil_id AND p.school_id = {SUMMARY}.school_id)",
        f"INSERT INTO {SUMMARY} ({_COLUMNS}) " + _rows_sql(pairs, "sqlite"),
    ]


def _case_refresh_sql(ids: str) -> list[str]:
    """Replace the rows of the cases whose ids `ids` selects: each case's earliest open task
    (the case list's order)."""
    return [
        f"DELETE FROM {CASE_SUMMARY} WHERE case_id IN ({ids})",
        f"INSERT INTO {CASE_SUMMARY} (case_id, opened_at, next_due) "
        f"SELECT c.id, c.opened_at, (SELECT MIN(t.due_on) FROM {TASKS} t "
        f"WHERE t.case_id = c.id AND t.status = 'open') FROM {CASES} c WHERE c.id IN ({ids})",
    ]


def _body(table: str, pairs: str, ids: str) -> list[str]:
    """What a change to `table` recomputes: the children's rows, and the cases' rows."""
    return _refresh_sql(pairs) + (_case_refresh_sql(ids) if table in (CASES, TASKS) else [])


def _ids_of_rows(table: str, rows: str) -> str:
    column = "case_id" if table == TASKS else "id"
    return f"SELECT DISTINCT {column} AS id FROM {rows}"


def _sqlite_row_ids(table: str, row: str) -> str:
    return f"SELECT {row}.case_id" if table == TASKS else f"SELECT {row}.id"


def _pairs_of_rows(table: str, rows: str) -> str:
    """The children (pupil, school) whose work the changed rows `rows` of `table` belong to."""
    if table == TASKS:
        return (
            f"SELECT DISTINCT c.pupil_id, c.school_id FROM {CASES} c "
            f"WHERE c.id IN (SELECT case_id FROM {rows})"
        )
    return f"SELECT DISTINCT pupil_id, school_id FROM {rows}"


def _sqlite_row_pairs(table: str, row: str) -> str:
    if table == TASKS:
        return f"SELECT pupil_id, school_id FROM {CASES} WHERE id = {row}.case_id"
    return f"SELECT {row}.pupil_id AS pupil_id, {row}.school_id AS school_id"


_TABLES = (ITEMS, CASES, TASKS)
_OPERATIONS = {"insert": ("NEW",), "update": ("OLD", "NEW"), "delete": ("OLD",)}


def _sqlite_triggers() -> list[str]:
    statements = []
    for table in _TABLES:
        for operation, rows in _OPERATIONS.items():
            pairs = " UNION ".join(_sqlite_row_pairs(table, row) for row in rows)
            ids = " UNION ".join(_sqlite_row_ids(table, row) for row in rows)
            body = "; ".join(_body(table, pairs, ids))
            statements.append(
                f"CREATE TRIGGER {table}_child_work_{operation} AFTER {operation.upper()} "
                f"ON {table} FOR EACH ROW BEGIN {body}; END"
            )
    return statements


def _postgresql_body(table: str, pairs: str, ids: str) -> str:
    """One child, then one case, at a time, so that each statement reads that child's or case's
    rows through its indexes whatever the planner guesses of the changed rows' number."""
    one_child = "SELECT changed.pupil_id AS pupil_id, changed.school_id AS school_id"
    body = (
        f"FOR changed IN {pairs} LOOP "
        f"DELETE FROM {SUMMARY} WHERE pupil_id = changed.pupil_id "
        f"AND school_id = changed.school_id; "
        f"INSERT INTO {SUMMARY} ({_COLUMNS}) {_rows_sql(one_child, 'postgresql')}; END LOOP; "
    )
    if table in (CASES, TASKS):
        body += (
            f"FOR changed IN {ids} LOOP "
            f"DELETE FROM {CASE_SUMMARY} WHERE case_id = changed.id; "
            f"INSERT INTO {CASE_SUMMARY} (case_id, opened_at, next_due) "
            f"SELECT c.id, c.opened_at, (SELECT MIN(t.due_on) FROM {TASKS} t "
            f"WHERE t.case_id = c.id AND t.status = 'open') FROM {CASES} c "
            f"WHERE c.id = changed.id; END LOOP; "
        )
    return body


def _postgresql_triggers() -> list[str]:
    statements = []
    for table in _TABLES:
        for operation, rows in _OPERATIONS.items():
            tables = {"OLD": "old_rows", "NEW": "new_rows"}
            pairs = " UNION ".join(_pairs_of_rows(table, tables[row]) for row in rows)
            ids = " UNION ".join(_ids_of_rows(table, tables[row]) for row in rows)
            function = f"{table}_child_work_{operation}"
            body = _postgresql_body(table, pairs, ids)
            referencing = " ".join(f"{row} TABLE AS {tables[row]}" for row in rows)
            statements += [
                f"CREATE OR REPLACE FUNCTION {function}() RETURNS trigger AS $$ "
                f"DECLARE changed record; BEGIN {body} RETURN NULL; END; $$ LANGUAGE plpgsql",
                f"CREATE TRIGGER {function} AFTER {operation.upper()} ON {table} "
                f"REFERENCING {referencing} FOR EACH STATEMENT EXECUTE FUNCTION {function}()",
            ]
    return statements


def _drop_sql(vendor: str) -> list[str]:
    statements = []
    for table in _TABLES:
        for operation in _OPERATIONS:
            name = f"{table}_child_work_{operation}"
            if vendor == "sqlite":
                statements.append(f"DROP TRIGGER IF EXISTS {name}")
            else:
                statements += [
                    f"DROP TRIGGER IF EXISTS {name} ON {table}",
                    f"DROP FUNCTION IF EXISTS {name}()",
                ]
    return statements


def trigger_sql(vendor: str) -> list[str]:
    """The statements that make the database keep the table as the work changes."""
    if vendor == "sqlite":
        return _sqlite_triggers()
    if vendor == "postgresql":
        return _postgresql_triggers()
    raise ImproperlyConfigured(
        f"rollcall keeps the worklist's summary on SQLite or PostgreSQL, not {vendor}"
    )


def rebuild_sql(vendor: str) -> list[str]:
    """Every row recomputed from the open triggers and active cases."""
    every_child = (
        f"SELECT pupil_id, school_id FROM {ITEMS} WHERE status = 'open' "
        f"UNION SELECT pupil_id, school_id FROM {CASES} WHERE status <> 'closed'"
    )
    return [
        f"DELETE FROM {SUMMARY}",
        f"INSERT INTO {SUMMARY} ({_COLUMNS}) " + _rows_sql(every_child, vendor),
        f"DELETE FROM {CASE_SUMMARY}",
        *_case_refresh_sql(f"SELECT id FROM {CASES}")[1:],
    ]


def child_work_rebuild(using: Any = None) -> None:
    """Recompute every row (the caller holds the transaction)."""
    using = using or connection
    with using.cursor() as cursor:
        for statement in rebuild_sql(using.vendor):
            cursor.execute(statement)


def summary_operation() -> migrations.RunPython:
    """The migration operation that installs the triggers and fills the table (and, reversed,
    drops the triggers)."""

    def install(apps: Any, schema_editor: Any) -> None:
        vendor = schema_editor.connection.vendor
        for statement in [*_drop_sql(vendor), *trigger_sql(vendor), *rebuild_sql(vendor)]:
            # No parameters: the % signs in the PostgreSQL functions belong to plpgsql.
            schema_editor.execute(statement, None)

    def uninstall(apps: Any, schema_editor: Any) -> None:
        for statement in _drop_sql(schema_editor.connection.vendor):
            schema_editor.execute(statement, None)

    return migrations.RunPython(install, uninstall)


# ------------------------------------------------------------------------------ reading it

# A child with an open task due by the day read has a `next_due` on or before it; whether that
# task is overdue or due that day decides their place. Every other child's place is fixed
# (severe, then no case before a case, then `first_date`, pupil, school), so the database
# reads those in the order of the index `child_work_rank` and sorts only the few due by then.
# The worklist ranks the severe before the rest, and those due by the day before the others:
# four bands, each read only where the page falls in it.
_DUE_TODAY_SQL = f"""EXISTS (SELECT 1 FROM {TASKS} t JOIN {CASES} c ON c.id = t.case_id
  WHERE c.pupil_id = s.pupil_id AND c.school_id = s.school_id AND c.status <> 'closed'
  AND t.status = 'open' AND t.due_on = %s)"""
_COUNTS_SQL = f"""
SELECT 0, school_id, severe, has_case,
  CASE WHEN next_due < %s THEN 2 WHEN next_due = %s THEN 1 ELSE 0 END, COUNT(*)
FROM {SUMMARY} WHERE school_id IN ({{schools}})
GROUP BY 2, 3, 4, 5
UNION ALL
SELECT 1, school_id, severe, has_case, CASE WHEN next_due < %s THEN 2 ELSE 1 END, COUNT(*)
FROM {SUMMARY} s WHERE school_id IN ({{schools}}) AND next_due <= %s AND {_DUE_TODAY_SQL}
GROUP BY 2, 3, 4, 5
"""
_DUE_BAND_SQL = f"""
SELECT pupil_id, school_id FROM (
  SELECT pupil_id, school_id, has_case, first_date,
    CASE WHEN next_due < %s THEN 0 ELSE 1 END AS not_overdue,
    CASE WHEN {_DUE_TODAY_SQL} THEN 0 ELSE 1 END AS not_today
  FROM {SUMMARY} s
  WHERE school_id IN ({{schools}}) AND severe = %s AND next_due <= %s {{keep}}
) AS due
WHERE {{keep_due}}
ORDER BY not_overdue, not_today, has_case, first_date NULLS LAST, pupil_id, school_id
LIMIT %s OFFSET %s
"""
_REST_BAND_SQL = f"""
SELECT pupil_id, school_id FROM {SUMMARY}
WHERE school_id IN ({{schools}}) AND severe = %s AND (next_due IS NULL OR next_due > %s) {{keep}}
ORDER BY has_case, first_date NULLS LAST, pupil_id, school_id
LIMIT %s OFFSET %s
"""
# What each of the worklist's views keeps, over the summary's columns.
_KEEP = {
    "all": ("", "1 = 1"),
    "overdue": ("AND next_due < %s", "1 = 1"),
    "today": ("", "not_today = 0"),
    "new": ("AND has_case = %s", "1 = 1"),
    "severe": ("", "1 = 1"),
}


def _keep_params(view: str, today: Any) -> list[Any]:
    return {"overdue": [today], "new": [False]}.get(view, [])


def children_ranked(
    *, school_ids: list[int], today: Any, view: str, offset: int, limit: int
) -> tuple[list[tuple[int, int]], dict[int, dict[str, int]]]:
    """The page of children (pupil, school) at the schools in the worklist's order for the
    view, and each school's counts (children, overdue, today, new, severe), as the worklist's
    grouped query gives them (`rollcall.casework.worklist`)."""
    if not school_ids:
        return [], {}
    schools = ", ".join(["%s"] * len(school_ids))
    groups: list[tuple[int, int, bool, bool, int, int]] = []
    with connection.cursor() as cursor:
        cursor.execute(
            _COUNTS_SQL.format(schools=schools),
            [today, today, *school_ids, today, *school_ids, today, today],
        )
        groups = [
            (part, school, bool(severe), bool(has_case), due, count)
            for part, school, severe, has_case, due, count in cursor.fetchall()
        ]
    per_school: dict[int, dict[str, int]] = {}
    for part, school, severe, has_case, due, count in groups:
        found = per_school.setdefault(
            school, {"children": 0, "overdue": 0, "today": 0, "new": 0, "severe": 0}
        )
        if part == 1:
            found["today"] += count
            continue
        found["children"] += count
        found["overdue"] += count if due == 2 else 0
        found["new"] += 0 if has_case else count
        found["severe"] += count if severe else 0

    def band_size(severe: bool, due_by_then: bool) -> int:
        if view == "today":
            return sum(g[5] for g in groups if g[0] == 1 and g[2] == severe) if due_by_then else 0
        return sum(
            count
            for part, _, is_severe, has_case, due, count in groups
            if part == 0
            and is_severe == severe
            and (due > 0) == due_by_then
            and (view != "overdue" or due == 2)
            and (view != "new" or not has_case)
            and (view != "severe" or is_severe)
        )

    keys: list[tuple[int, int]] = []
    skip, wanted = offset, limit
    for severe, due_by_then in ((True, True), (True, False), (False, True), (False, False)):
        size = band_size(severe, due_by_then)
        if wanted <= 0:
            break
        if skip >= size:
            skip -= size
            continue
        take = min(wanted, size - skip)
        keys += _band(school_ids, schools, today, view, severe, due_by_then, skip, take)
        skip, wanted = 0, wanted - take
    return keys, per_school


def _band(
    school_ids: list[int],
    schools: str,
    today: Any,
    view: str,
    severe: bool,
    due_by_then: bool,
    offset: int,
    limit: int,
) -> list[tuple[int, int]]:
    keep, keep_due = _KEEP[view]
    if due_by_then:
        sql = _DUE_BAND_SQL.format(schools=schools, keep=keep, keep_due=keep_due)
        params = [today, today, *school_ids, severe, today, *_keep_params(view, today)]
    else:
        sql = _REST_BAND_SQL.format(schools=schools, keep=keep)
        params = [*school_ids, severe, today, *_keep_params(view, today)]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, limit, offset])
        return [(pupil_id, school_id) for pupil_id, school_id in cursor.fetchall()]
