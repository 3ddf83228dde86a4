"""Feeding the engine from rollcall's database, through the analysis store.

The store is brought up to date by `analysis_matrix` (the demo loader, `rollcall store
rebuild`, the sweep and the background job in analytics.tasks), never by a page: a page reads
the store as it is (`store_reading`) and says when the registers have moved on since. Marks are
never deleted and every change of code leaves an amendment, so the marks added since (higher
ids) and the marks amended since are all that changed: they are read and laid over the
stored matrix. The store is built afresh from every mark when it is missing, was built from
elsewhere, or does not add up (its mark count, plus the marks since, is not the database's).
"""

from __future__ import annotations

import datetime as dt
import fcntl
import tempfile
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq
from django.conf import settings
from django.db import connection
from django.db.models import Max

from rollcall.analytics.figures.prepared import (
    Prepared,
    prepared_read,
    prepared_write,
    saved_law_read,
)
from rollcall.analytics.figures.threshold import LawInputs, SavedLaw
from rollcall.analytics.selectors import dates_of_birth
from rollcall.core import clock
from rollcall.engine import MarkMatrix, marks_from_table
from rollcall.engine.history import history_matrix
from rollcall.engine.matrix import overlay
from rollcall.engine.parquet import Doubtful, read_parquet_marks
from rollcall.engine.school_age import DatesOfBirth
from rollcall.engine.store import StoreError, store_info, store_load, store_save
from rollcall.organisations.models import School
from rollcall.pupils.models import Pupil
from rollcall.registers.models import Mark, MarkAmendment
from rollcall.transfers.models import EarlierSchoolMark
from rollcall.transfers.selectors import earlier_school_marks

FETCH = 200_000


def store_directory() -> Path:
    return Path(settings.ROLLCALL_STORE_DIR)


def registers_position() -> dict[str, Any]:
    """The last mark, the last amendment and the last earlier-school mark (from CTFs, which
    the threshold counts and the store keeps beside it): look-ups in primary-key indexes,
    cheap enough for every page to ask whether the store has seen them."""
    return {
        "last_mark": Mark.objects.aggregate(last=Max("id"))["last"],
        "last_amendment": MarkAmendment.objects.aggregate(last=Max("id"))["last"],
        "last_earlier_mark": EarlierSchoolMark.objects.aggregate(last=Max("id"))["last"],
    }


def registers_version() -> dict[str, Any]:
    """What the store must match to be current: mark count, last mark and last amendment."""
    return {"marks": Mark.objects.count(), **registers_position()}


_MARKS_SQL = (
    f"SELECT s.urn, p.upn, m.date, m.session, m.code "  # noqa: S608
    f"FROM {Mark._meta.db_table} m "
    f"JOIN {School._meta.db_table} s ON s.id = m.school_id "
    f"JOIN {Pupil._meta.db_table} p ON p.id = m.pupil_id"
)
_COLUMNS = ("school_urn", "upn", "date", "session", "code")
_TEXT = pa.string()
_SCHEMA = pa.schema([(name, pa.date32() if name == "date" else _TEXT) for name in _COLUMNS])
# Every mark, by the ids of its school and pupil: joining a hundred million marks to their
# schools' and pupils' rows made PostgreSQL's COPY take 1.1 µs a mark instead of 0.65.
_MARKS_BY_ID_SQL = (
    f"SELECT m.school_id, m.pupil_id, m.date, m.session, m.code "  # noqa: S608
    f"FROM {Mark._meta.db_table} m"
)
_BY_ID = pa.schema(
    [
        ("school_id", pa.int64()),
        ("pupil_id", pa.int64()),
        ("date", pa.date32()),
        ("session", _TEXT),
        ("code", _TEXT),
    ]
)
_CSV_BLOCK = 64 * 1024 * 1024  # PostgreSQL's COPY text, parsed a block at a time


class _Names:
    """Each school's URN and each pupil's UPN by id, for naming marks read by id."""

    def __init__(self) -> None:
        self.schools = self._lookup(School.objects.values_list("id", "urn"))
        self.pupils = self._lookup(Pupil.objects.values_list("id", "upn"))

    @staticmethod
    def _lookup(pairs: Any) -> tuple[np.ndarray, pa.Array]:
        ids, names = zip(*pairs, strict=True) if pairs else ((), ())
        position = np.full(max(ids, default=0) + 1, -1, dtype=np.int64)
        position[list(ids)] = np.arange(len(ids))
        return position, pa.array(names, type=_TEXT)

    def named(self, marks: pa.Table) -> pa.Table:
        """Marks by id (_BY_ID) as marks by URN and UPN (_SCHEMA)."""
        columns = [
            self._take(self.schools, marks.column("school_id")),
            self._take(self.pupils, marks.column("pupil_id")),
            marks.column("date"),
            marks.column("session"),
            marks.column("code"),
        ]
        return pa.Table.from_arrays(columns, schema=_SCHEMA)

    @staticmethod
    def _take(lookup: tuple[np.ndarray, pa.Array], ids: pa.ChunkedArray) -> pa.Array:
        position, names = lookup
        wanted = ids.to_numpy()
        if len(wanted) and (wanted.min() < 0 or wanted.max() >= len(position)):
            raise Doubtful("a mark refers to no school or pupil")
        found = position[wanted]
        if (found < 0).any():
            raise Doubtful("a mark refers to no school or pupil")
        return names.take(pa.array(found))


def matrix_from_database(
    *, after_mark: int | None = None, after_amendment: int | None = None
) -> MarkMatrix:
    """Every mark in the database as the engine's matrix or, given the last mark and
    amendment ids a store has seen, only the marks added or amended since.

    Every mark goes through a temporary Parquet file, written a block at a time and read back
    by the engine's fast road, so a local authority's hundred million marks never sit in
    Python lists: PostgreSQL sends them with COPY, as CSV that Arrow parses. Only if the fast
    road doubts them are they checked row by row (reading.marks_from_table)."""
    if after_mark is not None:
        return _marks_checked(since=(after_mark, after_amendment or 0))
    directory = store_directory()
    directory.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="marks-", dir=directory) as scratch:
        path = Path(scratch) / "marks.parquet"
        try:
            names = _Names()
            with pq.ParquetWriter(path, _SCHEMA, compression="lz4") as writer:
                if connection.vendor == "postgresql":
                    _copy_marks(writer, names)
                else:
                    _fetch_marks(writer, names)
            return read_parquet_marks(path)
        except (Doubtful, pa.ArrowInvalid):
            pass  # a date that is not one, say, written around rollcall: named below
    return _marks_checked()


def _copy_marks(writer: pq.ParquetWriter, names: _Names) -> None:
    options = (
        pa_csv.ReadOptions(column_names=_BY_ID.names),
        pa_csv.ParseOptions(),
        pa_csv.ConvertOptions(column_types=_BY_ID),
    )
    pending = bytearray()
    with (
        connection.cursor() as cursor,
        connection.wrap_database_errors,
        cursor.cursor.copy(f"COPY ({_MARKS_BY_ID_SQL}) TO STDOUT (FORMAT csv)") as copy,
    ):
        for block in copy:
            pending += block
            if len(pending) >= _CSV_BLOCK:
                end = pending.rfind(b"\n") + 1
                writer.write_table(names.named(_csv_table(bytes(pending[:end]), options)))
                del pending[:end]
    if pending:
        writer.write_table(names.named(_csv_table(bytes(pending), options)))


def _csv_table(text: bytes, options: tuple[Any, Any, Any]) -> pa.Table:
    read, parse, convert = options
    return pa_csv.read_csv(
        pa.py_buffer(text), read_options=read, parse_options=parse, convert_options=convert
    )


def _fetch_marks(writer: pq.ParquetWriter, names: _Names) -> None:
    # SQLite gives dates as text; Arrow's cast reads ISO dates far faster than Python can.
    with connection.cursor() as cursor:
        cursor.execute(_MARKS_BY_ID_SQL.replace("m.date", "CAST(m.date AS TEXT)", 1))
        while rows := cursor.fetchmany(FETCH):
            school, pupil, day, session, code = zip(*rows, strict=True)
            by_id = pa.Table.from_arrays(
                [
                    pa.array(school, type=pa.int64()),
                    pa.array(pupil, type=pa.int64()),
                    pa.array(day, type=_TEXT).cast(pa.date32()),
                    pa.array(session, type=_TEXT),
                    pa.array(code, type=_TEXT),
                ],
                schema=_BY_ID,
            )
            writer.write_table(names.named(by_id))


def _marks_checked(since: tuple[int, int] | None = None) -> MarkMatrix:
    """Marks checked row by row (reading.marks_from_table): every mark, or, given the last
    mark and amendment ids a store has seen, the few added or amended since. Dates come back
    as text: converting them into Python objects and back would cost more."""
    sql = _MARKS_SQL.replace("m.date", "CAST(m.date AS TEXT)", 1)
    parameters: list[int] = []
    if since is not None:
        sql += (
            f" WHERE m.id > %s OR m.id IN (SELECT a.mark_id FROM "  # noqa: S608
            f"{MarkAmendment._meta.db_table} a WHERE a.id > %s)"
        )
        parameters = list(since)
    columns: list[list[Any]] = [[], [], [], [], []]
    with connection.cursor() as cursor:
        cursor.execute(sql, parameters)
        while rows := cursor.fetchmany(FETCH):
            for values, column in zip(zip(*rows, strict=True), columns, strict=True):
                column.extend(values)
    table = pa.table(
        {
            name: pa.array(values, type=pa.string()).dictionary_encode()
            if name != "date"
            else pa.array(values, type=pa.string())
            for name, values in zip(_COLUMNS, columns, strict=True)
        }
    )
    return marks_from_table(table, lambda i: f"stored mark {i + 1}")


def _marks_since(last_mark: int | None) -> int:
    return Mark.objects.filter(id__gt=last_mark or 0).count()


@dataclass(frozen=True)
class StoreReading:
    """The store as a page finds it: its matrix (None when there is none yet, or it was built
    with other code tables), when it was last brought up to date, and whether marks have been
    taken or amended since."""

    matrix: MarkMatrix | None
    as_at: dt.datetime | None
    behind: bool
    loaded: _Loaded | None = None

    @property
    def current(self) -> bool:
        return self.matrix is not None and not self.behind

    @cached_property
    def prepared(self) -> Prepared | None:
        """The figures at the store's last date (figures.prepared), read when a page about the
        whole authority first asks: a page about one pupil never does."""
        return self.loaded.prepared() if self.loaded is not None else None

    @cached_property
    def saved_law(self) -> SavedLaw | None:
        """What the threshold needs beyond some pupils' rows, saved with the store
        (figures.prepared): pages about a pupil or a school count the threshold from it."""
        return self.loaded.saved_law() if self.loaded is not None else None


def store_reading() -> StoreReading:
    """The store as it is, memory-mapped, with whether the registers have moved on since: never
    builds or updates it (that is `analysis_matrix`, in the background)."""
    directory = store_directory()
    loaded = _loaded(directory)
    if loaded is None:
        return StoreReading(None, None, behind=True)
    position = registers_position()
    behind = any(loaded.meta.get(key) != value for key, value in position.items())
    return StoreReading(loaded.matrix, _as_at(loaded.meta, directory), behind, loaded)


@dataclass
class _Loaded:
    """One saved store as this process has it open: its files never change (a save puts a
    new folder in its place), so it is opened once per save, not once per request."""

    key: tuple[str, int, int]
    meta: dict[str, Any]
    matrix: MarkMatrix
    directory: Path
    _prepared: list[Prepared | None] = field(default_factory=list)
    _saved_law: list[SavedLaw | None] = field(default_factory=list)

    def prepared(self) -> Prepared | None:
        if not self._prepared:
            self._prepared.append(prepared_read(self.directory))
        return self._prepared[0]

    def saved_law(self) -> SavedLaw | None:
        if not self._saved_law:
            self._saved_law.append(saved_law_read(self.directory))
        return self._saved_law[0]


_OPEN: dict[Path, _Loaded] = {}


def _loaded(directory: Path) -> _Loaded | None:
    try:
        stat = (directory / "meta.json").stat()
    except FileNotFoundError:
        return None
    key = (str(directory), stat.st_ino, stat.st_mtime_ns)
    found = _OPEN.get(directory)
    if found is not None and found.key == key:
        return found
    info = store_info(directory)
    if info is None or info.meta.get("source") != "database":
        return None
    try:
        matrix = store_load(directory)
    except StoreError:
        return None
    _OPEN[directory] = _Loaded(key, info.meta, matrix, directory)
    return _OPEN[directory]


def _as_at(meta: dict[str, Any], directory: Path) -> dt.datetime:
    if isinstance(meta.get("built_at"), str):
        return dt.datetime.fromisoformat(meta["built_at"])
    # A store saved before it recorded the time: when its files were written.
    written = (directory / "meta.json").stat().st_mtime
    return dt.datetime.fromtimestamp(written, tz=dt.UTC)


@contextmanager
def _one_builder() -> Iterator[None]:
    """One process at a time brings the store up to date (the worker, a command, the loader):
    the second waits, then finds the store current and has nothing to do."""
    directory = store_directory()
    directory.parent.mkdir(parents=True, exist_ok=True)
    with open(directory.parent / f".{directory.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def analysis_matrix(*, rebuild: bool = False) -> MarkMatrix:
    """The store's matrix, brought up to date with the database first if it is behind (or
    built afresh if it is missing or rebuild is asked for). For commands and the background
    job: this can take minutes at a local authority's scale, so pages never call it."""
    with _one_builder():
        return _brought_up_to_date(rebuild=rebuild)


def _brought_up_to_date(*, rebuild: bool) -> MarkMatrix:
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
            return store_save_from_database(overlay(stored, patch), version=version)
    return store_save_from_database(matrix_from_database(), version=version)


def in_upn_order(matrix: MarkMatrix) -> MarkMatrix:
    """The same matrix with its pupils in UPN order, so a page finds one pupil by binary search
    (figures.matrices.pupil_index). Row p stays pupil p's first school; the rows of pupils'
    other schools stay after them, in their order."""
    pupils = np.asarray(matrix.pupils)
    if len(pupils) < 2 or bool((pupils[:-1] < pupils[1:]).all()):
        return matrix
    order = np.argsort(pupils, kind="stable")
    rank = np.empty(len(order), dtype=np.int32)
    rank[order] = np.arange(len(order), dtype=np.int32)
    rows = np.concatenate([order, np.arange(len(order), matrix.n_rows)])
    return MarkMatrix(
        ids=np.asarray(matrix.ids)[rows],
        days=matrix.days,
        row_pupil=rank[np.asarray(matrix.row_pupil)[rows]],
        row_school=np.asarray(matrix.row_school)[rows],
        pupils=pupils[order],
        schools=matrix.schools,
    )


def store_save_from_database(
    matrix: MarkMatrix, *, version: dict[str, Any] | None = None
) -> MarkMatrix:
    """Save the registers' matrix as the store, saying which marks it has seen (default: all
    the database holds now), and load it back memory-mapped."""
    directory = store_directory()
    matrix = in_upn_order(matrix)
    meta = {
        "source": "database",
        "built_at": clock.now().isoformat(),
        **(version if version is not None else registers_version()),
    }
    law = law_inputs()
    store_save(
        matrix, directory, meta=meta, beside=lambda temp: prepared_write(matrix, temp, law=law)
    )
    return store_load(directory)


def history_from_database() -> MarkMatrix | None:
    """Pupils' attendance at earlier schools, from the CTFs imported, as the matrix the
    threshold counts alongside the registers (engine.history; ADR 0009). It is read afresh
    each time: a few sessions per pupil who moved, not a school's registers."""
    return history_matrix(earlier_school_marks())


def dates_of_birth_from_database() -> DatesOfBirth:
    """Every pupil's date of birth by UPN, for the compulsory-school-age rule (EA96 s8)."""
    return DatesOfBirth(dict(Pupil.objects.values_list("upn", "date_of_birth")))


def law_inputs(*, upns: Collection[str] | None = None) -> LawInputs:
    """What the threshold needs beyond the registers, as the sweep reads it: every earlier
    school's history (their calendars come from it) and the dates of birth of these pupils
    (default: every pupil)."""
    born = dates_of_birth_from_database() if upns is None else dates_of_birth(upns=upns)
    return LawInputs(history_from_database(), born)


def pupils_law(
    saved: SavedLaw | None, *, matrix: MarkMatrix, upns: Collection[str], as_of: dt.date
) -> tuple[LawInputs, SavedLaw | None]:
    """What a page about these pupils needs for their threshold: their earlier-school marks
    and the schools' held days as saved with the store, when they apply to the page's date;
    otherwise every earlier-school mark from the database, as the sweep reads them."""
    if saved is not None and saved.applies(matrix, as_of):
        return LawInputs(saved.history_of(upns), dates_of_birth(upns=upns)), saved
    return law_inputs(upns=upns), None


def law_inputs_lazily(
    saved: SavedLaw | None = None,
) -> tuple[Callable[[], LawInputs], Callable[[], DatesOfBirth]]:
    """law_inputs for every pupil, and their dates of birth alone, each read only if asked for
    and then once: a page whose figures were prepared with the store needs neither. The
    earlier-school marks are those saved with the store when it kept them (`saved`), as the
    store's registers are; otherwise they are read from the database."""
    born = cache(dates_of_birth_from_database)
    if saved is not None:
        history = saved.history
        return (lambda: LawInputs(history, born())), born
    return (lambda: LawInputs(history_from_database(), born())), born
