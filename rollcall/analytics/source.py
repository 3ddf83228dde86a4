"""Feeding the engine from rollcall's database, through the analysis store.

Figures never lag the record: whenever the registers have changed since the store was saved
(a new mark or an amendment), the store is brought up to date before it is read. Marks are
never deleted and every change of code leaves an amendment, so the marks added since (higher
ids) and the marks amended since are all that changed: they are read and laid over the
stored matrix. The store is built afresh from every mark when it is missing, was built from
elsewhere, or does not add up (its mark count, plus the marks since, is not the database's).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow as pa
from django.conf import settings
from django.db import connection
from django.db.models import Max

from rollcall.engine import MarkMatrix, marks_from_table
from rollcall.engine.matrix import overlay
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


def matrix_from_database(
    *, after_mark: int | None = None, after_amendment: int | None = None
) -> MarkMatrix:
    """Every mark in the database as the engine's matrix or, given the last mark and
    amendment ids a store has seen, only the marks added or amended since.

    Dates come back as text straight from the database: converting two million dates into
    Python objects and back costs far more than the rest of the rebuild."""
    sql = (
        f"SELECT s.urn, p.upn, CAST(m.date AS TEXT), m.session, m.code "  # noqa: S608
        f"FROM {Mark._meta.db_table} m "
        f"JOIN {School._meta.db_table} s ON s.id = m.school_id "
        f"JOIN {Pupil._meta.db_table} p ON p.id = m.pupil_id"
    )
    parameters: list[int] = []
    if after_mark is not None:
        sql += (
            f" WHERE m.id > %s OR m.id IN (SELECT a.mark_id FROM "  # noqa: S608
            f"{MarkAmendment._meta.db_table} a WHERE a.id > %s)"
        )
        parameters = [after_mark, after_amendment or 0]
    columns: list[list[Any]] = [[], [], [], [], []]
    with connection.cursor() as cursor:
        cursor.execute(sql, parameters)
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


def _marks_since(last_mark: int | None) -> int:
    return Mark.objects.filter(id__gt=last_mark or 0).count()


def analysis_matrix(*, rebuild: bool = False) -> MarkMatrix:
    """The store's matrix, brought up to date with the database first if it is behind (or
    built afresh if it is missing or rebuild is asked for)."""
    directory = store_directory()
    version = registers_version()
    info = store_info(directory)
    from_database = info is not None and info.meta.get("source") == "database"
    if from_database and not rebuild:
        assert info is not None
        meta = info.meta
        try:
            stored = store_load(directory)
        except StoreError:
            stored = None
        if stored is not None and all(meta.get(key) == value for key, value in version.items()):
            return stored
        adds_up = (
            stored is not None
            and isinstance(meta.get("marks"), int)
            and meta["marks"] + _marks_since(meta.get("last_mark")) == version["marks"]
        )
        if stored is not None and adds_up:
            patch = matrix_from_database(
                after_mark=meta.get("last_mark") or 0,
                after_amendment=meta.get("last_amendment") or 0,
            )
            store_save(overlay(stored, patch), directory, meta={"source": "database", **version})
            return store_load(directory)
    matrix = matrix_from_database()
    store_save(matrix, directory, meta={"source": "database", **version})
    return store_load(directory)
