"""Feeding the engine from rollcall's database, through the analysis store.

The store is rebuilt whenever the registers have changed since it was built (a new mark or an
amendment), so figures never lag the record.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow as pa
from django.conf import settings
from django.db import connection
from django.db.models import Max

from rollcall.engine import MarkMatrix, marks_from_table
from rollcall.engine.store import StoreError, store_info, store_load, store_save
from rollcall.organisations.models import School
from rollcall.pupils.models import Pupil
from rollcall.registers.models import Mark, MarkAmendment

FETCH = 200_000


def store_directory() -> Path:
    return Path(settings.ROLLCALL_STORE_DIR)


def registers_version() -> dict[str, Any]:
    """What the store must match to be current: mark count, last mark and last amendment."""
    marks = Mark.objects.aggregate(last=Max("id"))
    return {
        "marks": Mark.objects.count(),
        "last_mark": marks["last"],
        "last_amendment": MarkAmendment.objects.aggregate(last=Max("id"))["last"],
    }


def matrix_from_database() -> MarkMatrix:
    """Every mark in the database, as the engine's matrix.

    Dates come back as text straight from the database: converting two million dates into
    Python objects and back costs far more than the rest of the rebuild."""
    sql = (
        f"SELECT s.urn, p.upn, CAST(m.date AS TEXT), m.session, m.code "  # noqa: S608
        f"FROM {Mark._meta.db_table} m "
        f"JOIN {School._meta.db_table} s ON s.id = m.school_id "
        f"JOIN {Pupil._meta.db_table} p ON p.id = m.pupil_id"
    )
    columns: list[list[Any]] = [[], [], [], [], []]
    with connection.cursor() as cursor:
        cursor.execute(sql)
        while rows := cursor.fetchmany(FETCH):
            for values, column in zip(zip(*rows, strict=True), columns, strict=True):
                column.extend(values)
    names = ("school_urn", "upn", "date", "session", "code")
    table = pa.table(
        {
            name: pa.array(values, type=pa.string()).dictionary_encode()
            if name != "date"
            else pa.array(values, type=pa.string())
            for name, values in zip(names, columns, strict=True)
        }
    )
    return marks_from_table(table, lambda i: f"stored mark {i + 1}")


def analysis_matrix(*, rebuild: bool = False) -> MarkMatrix:
    """The store's matrix, rebuilt from the database first if it is missing or out of date."""
    directory = store_directory()
    version = registers_version()
    info = store_info(directory)
    current = (
        info is not None
        and info.meta.get("source") == "database"
        and all(info.meta.get(key) == value for key, value in version.items())
    )
    if current and not rebuild:
        try:
            return store_load(directory)
        except StoreError:
            pass
    matrix = matrix_from_database()
    store_save(matrix, directory, meta={"source": "database", **version})
    return store_load(directory)
