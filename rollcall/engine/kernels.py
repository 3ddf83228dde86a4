"""The engine's few compiled loops (numba), where one pass over the marks must do the work of
several numpy passes (docs/adr/0007-compiled-engine-loops.md).

Each loop is compiled once and cached on disk, checks every index it is given (a bad index is
reported, never written through), and lets go of the interpreter lock, so callers may run it
on several row ranges in threads at once. Nothing here knows about law or policy: the callers
pass lookup tables built from rollcall.statutory.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np
from numba import njit

PLACED, OUT_OF_RANGE, NOT_IN_FORCE, SAME_CELL = 0, 1, 2, 3
ROWS_PER_THREAD = 16_384  # fewer rows than this are not worth a second thread


def by_rows(kernel: Callable[..., None], n_rows: int, *args: Any) -> None:
    """Run kernel(*args, start, stop) over the rows 0..n_rows-1, split between threads (one
    per core, at most four); the kernels let go of the interpreter lock."""
    threads = max(1, min(os.cpu_count() or 1, 4, n_rows // ROWS_PER_THREAD))
    if threads == 1:
        kernel(*args, 0, n_rows)
        return
    bounds = np.linspace(0, n_rows, threads + 1).astype(np.int64).tolist()
    with ThreadPoolExecutor(max_workers=threads) as pool:
        runs = [
            pool.submit(kernel, *args, start, stop) for start, stop in itertools.pairwise(bounds)
        ]
        for run in runs:
            run.result()


@njit(cache=True, nogil=True)
def place_marks(
    cells: np.ndarray,  # (slots, 2 * span) uint8: written in place
    seen: np.ndarray,  # (span,) bool: set for each day with a mark
    slot_of: np.ndarray,  # (UPN entries, school entries) int64: the row of cells for each pair
    upn: np.ndarray,  # int32 per mark: its UPN entry
    urn: np.ndarray,  # int32 per mark: its school entry
    pm_of: np.ndarray,  # int32 per session entry: 1 for PM
    session: np.ndarray,  # int32 per mark: its session entry
    ids_of: np.ndarray,  # (code entries, span) uint8: code id by code entry and day; 0 = none
    code: np.ndarray,  # int32 per mark: its code entry
    day: np.ndarray,  # int32 per mark: days since 1970-01-01
    first_day: int,
) -> tuple[int, int]:
    """Write each mark's code id into its cell. Returns (outcome, mark): PLACED, or the first
    mark that is OUT_OF_RANGE, has a code NOT_IN_FORCE on its date, or lands in a cell
    already written (SAME_CELL: the same mark twice, or two codes for one session)."""
    span = seen.shape[0]
    n_slots = cells.shape[0]
    for i in range(day.shape[0]):
        d = day[i] - first_day
        u, k, s, c = upn[i], urn[i], session[i], code[i]
        if (
            d < 0
            or d >= span
            or u < 0
            or u >= slot_of.shape[0]
            or k < 0
            or k >= slot_of.shape[1]
            or s < 0
            or s >= pm_of.shape[0]
            or c < 0
            or c >= ids_of.shape[0]
        ):
            return OUT_OF_RANGE, i
        row = slot_of[u, k]
        if row < 0 or row >= n_slots:
            return OUT_OF_RANGE, i
        mark = ids_of[c, d]
        if mark == 0:
            return NOT_IN_FORCE, i
        column = 2 * d + pm_of[s]
        if cells[row, column] != 0:
            return SAME_CELL, i
        cells[row, column] = mark
        seen[d] = True
    return PLACED, -1


@njit(cache=True, nogil=True)
def first_marks(first: np.ndarray, upn: np.ndarray, urn: np.ndarray) -> bool:
    """first[u, s] = the index of the first mark of UPN entry u at school entry s (left as it
    is, -1, where there is none). False if an entry is out of range."""
    previous_u, previous_s = -1, -1
    for i in range(upn.shape[0]):
        u, s = upn[i], urn[i]
        if u == previous_u and s == previous_s:
            continue  # marks come mostly pupil by pupil: most rows repeat the pair before
        if u < 0 or u >= first.shape[0] or s < 0 or s >= first.shape[1]:
            return False
        if first[u, s] < 0:
            first[u, s] = i
        previous_u, previous_s = u, s
    return True


@njit(cache=True, nogil=True)
def gather_days(
    source: np.ndarray, rows: np.ndarray, days: np.ndarray, out: np.ndarray, start: int, stop: int
) -> None:
    """out[r, j] = source[rows[r], days[j]] for r in start..stop-1: uint16 day pairs (AM and
    PM of one day) of the chosen rows and days."""
    for r in range(start, stop):
        row = source[rows[r]]
        target = out[r]
        for j in range(days.shape[0]):
            target[j] = row[days[j]]


LANE_LIMIT = 65_535  # a 16-bit lane holds this many sessions


@njit(cache=True, nogil=True)
def count_lanes(
    ids: np.ndarray,  # (rows, columns) uint8 code ids
    lo: int,
    hi: int,  # the columns counted: lo..hi-1
    low: np.ndarray,  # uint64 per code id: a 1 in each 16-bit lane (0-3) the code adds to
    high: np.ndarray,  # uint64 per code id: the same for lanes 4-7
    out: np.ndarray,  # (rows, 8) int64: written for rows start..stop-1
    start: int,
    stop: int,
) -> None:
    """Per row, how many of its sessions add to each of eight lanes (categories, L, U).

    Each code id maps to two 64-bit words holding a 1 in the 16-bit lane of each count it
    adds to; adding the words adds every lane at once. The words are emptied into `out`
    before a lane could overflow."""
    for r in range(start, stop):
        row = ids[r]
        for lane in range(8):
            out[r, lane] = 0
        for chunk in range(lo, hi, LANE_LIMIT):
            a = np.uint64(0)
            b = np.uint64(0)
            for j in range(chunk, min(chunk + LANE_LIMIT, hi)):
                code = row[j]
                a += low[code]
                b += high[code]
            for lane in range(4):
                shift = np.uint64(16 * lane)
                out[r, lane] += np.int64((a >> shift) & np.uint64(0xFFFF))
                out[r, 4 + lane] += np.int64((b >> shift) & np.uint64(0xFFFF))


@njit(cache=True, nogil=True)
def count_weeks(
    ids: np.ndarray,  # (rows, columns) uint8 code ids
    week_starts: np.ndarray,  # int64 per week: its first column; the last week ends at `end`
    end: int,
    qualifying: np.ndarray,  # bool per code id
    held: np.ndarray,  # bool per code id: the session was held (makes a school week)
    q_out: np.ndarray,  # (rows, weeks) int16: qualifying sessions per week
    held_out: np.ndarray,  # (rows, weeks) bool: a session held that week
    start: int,
    stop: int,
) -> None:
    """Per row and calendar week: qualifying sessions, and whether a session was held."""
    n_weeks = week_starts.shape[0]
    for r in range(start, stop):
        row = ids[r]
        for w in range(n_weeks):
            last = week_starts[w + 1] if w + 1 < n_weeks else end
            q = 0
            h = False
            for j in range(week_starts[w], last):
                code = row[j]
                q += qualifying[code]
                h = h or held[code]
            q_out[r, w] = q
            held_out[r, w] = h


@njit(cache=True, nogil=True)
def window_totals(
    q: np.ndarray,  # (pupils, weeks) int16: qualifying sessions per calendar week
    held: np.ndarray,  # (pupils, weeks) bool: the week was a school week for the pupil
    window: int,  # school weeks in the rolling period (at least 1)
    totals: np.ndarray,  # out (pupils, weeks) int32: see below
    start: int,
    stop: int,
) -> None:
    """totals[p, w]: qualifying sessions in the `window` school weeks ending with week w, for
    each school week w (0 in calendar weeks without a session held, which are skipped)."""
    n_weeks = q.shape[1]
    ring = np.zeros(window, dtype=np.int64)  # the last `window` school weeks' counts
    for p in range(start, stop):
        ring[:] = 0
        total = 0
        position = 0
        for w in range(n_weeks):
            if not held[p, w]:
                totals[p, w] = 0
                continue
            total += q[p, w] - ring[position]
            ring[position] = q[p, w]
            position = (position + 1) % window
            totals[p, w] = total


@njit(cache=True, nogil=True)
def count_weeks_between(
    ids: np.ndarray,  # (rows, columns) uint8 code ids
    rows: np.ndarray,  # int64: the rows of ids counted; output row r is ids row rows[r]
    week_starts: np.ndarray,  # int64 per week: its first column; the last week ends at `end`
    end: int,
    qualifying: np.ndarray,  # bool per code id
    held: np.ndarray,  # bool per code id: the session was held (makes a school week)
    row_lo: np.ndarray,  # int64 per output row: the first column whose qualifying sessions count
    row_hi: np.ndarray,  # int64 per output row: the column after the last one that counts
    q_out: np.ndarray,  # (rows, weeks) int16: qualifying sessions per week
    held_out: np.ndarray,  # (rows, weeks) bool: a session held that week
    start: int,
    stop: int,
) -> None:
    """count_weeks, counting a row's qualifying sessions only in columns row_lo..row_hi-1
    (sessions held anywhere still make the week a school week)."""
    n_weeks = week_starts.shape[0]
    for r in range(start, stop):
        source = rows[r]
        if source < 0 or source >= ids.shape[0]:
            continue  # (callers pass rows of ids; a bad one is never read through)
        row = ids[source]
        lo = row_lo[r]
        hi = row_hi[r]
        for w in range(n_weeks):
            last = week_starts[w + 1] if w + 1 < n_weeks else end
            q = 0
            h = False
            for j in range(week_starts[w], last):
                code = row[j]
                if j >= lo and j < hi:
                    q += qualifying[code]
                h = h or held[code]
            q_out[r, w] = q
            held_out[r, w] = h


@njit(cache=True, nogil=True)
def pupil_school_weeks(
    held: np.ndarray,  # (rows, weeks) bool: the row's own sessions held that week
    school_held: np.ndarray,  # (schools, weeks) bool: the school held a session that week
    row_school: np.ndarray,  # int32 per row
    row_first: np.ndarray,  # int64 per row: its first week with a session held (weeks if none)
    order: np.ndarray,  # int64: rows grouped by pupil
    bounds: np.ndarray,  # int64 per pupil + 1: pupil p's rows are order[bounds[p]:bounds[p+1]]
    out: np.ndarray,  # (pupils, weeks) bool: written for pupils start..stop-1
    start: int,
    stop: int,
) -> None:
    """Per pupil and week: a school week for the pupil. It is one when any of the pupil's rows
    held a session that week, or when the school the pupil belonged to that week held one:
    the school most recently joined (first session held) by then, or before the first school
    is joined, that first school."""
    n_weeks = held.shape[1]
    n_schools = school_held.shape[0]
    for p in range(start, stop):
        lo = bounds[p]
        hi = bounds[p + 1]
        for w in range(n_weeks):
            h = False
            best = -1
            best_first = -1
            earliest = -1
            earliest_first = n_weeks + 1
            for k in range(lo, hi):
                r = order[k]
                h = h or held[r, w]
                f = row_first[r]
                if f <= w and f > best_first:
                    best = r
                    best_first = f
                if f < earliest_first:
                    earliest = r
                    earliest_first = f
            if best < 0:
                best = earliest
            if best >= 0:
                s = row_school[best]
                if s >= 0 and s < n_schools:
                    h = h or school_held[s, w]
            out[p, w] = h


@njit(cache=True, nogil=True)
def occasion_spans(
    ids: np.ndarray,  # (rows, columns) uint8 code ids
    order: np.ndarray,  # int64: rows grouped by pupil
    bounds: np.ndarray,  # int64 per pupil + 1
    school_weeks: np.ndarray,  # (pupils, weeks) bool
    week_starts: np.ndarray,  # int64 per week: its first column
    met: np.ndarray,  # int64 per pupil: the column at which the threshold was met, -1 if not
    met_week: np.ndarray,  # int64 per pupil: the week of that column
    lo: np.ndarray,  # int64 per pupil: the first column that counts
    window: int,  # school weeks in the rolling period
    qualifying: np.ndarray,  # bool per code id
    provisional: np.ndarray,  # bool per code id
    first_out: np.ndarray,  # int64 per pupil: the first session counted in the window
    provisional_out: np.ndarray,  # int64 per pupil: provisional sessions counted
    start: int,
    stop: int,
) -> None:
    """For each pupil that met the threshold: the first session counted in the window that
    met it, and how many of the sessions counted carry a provisional code."""
    for p in range(start, stop):
        first_out[p] = -1
        provisional_out[p] = 0
        if met[p] < 0:
            continue
        w = met_week[p]
        seen = 0
        v = w
        while v >= 0:
            if school_weeks[p, v]:
                seen += 1
                if seen == window:
                    break
            v -= 1
        if v < 0:
            v = 0
        begin = max(week_starts[v], lo[p])
        first = met[p]
        count = 0
        for k in range(bounds[p], bounds[p + 1]):
            row = ids[order[k]]
            for j in range(begin, met[p] + 1):
                code = row[j]
                if qualifying[code]:
                    if j < first:
                        first = j
                    if provisional[code]:
                        count += 1
        first_out[p] = first
        provisional_out[p] = count
