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
    already written with another code (SAME_CELL: two codes for one session)."""
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
        held = cells[row, column]
        if held == mark:
            continue  # the same mark twice: kept once, as the careful road keeps it
        if held != 0:
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
    """Per row and calendar week: qualifying sessions in columns row_lo..row_hi-1, and whether
    a session was held (sessions held anywhere make the week a school week)."""
    # One lookup per session: qualifying sessions in the low 32 bits, held ones above.
    size = qualifying.shape[0]
    both = np.zeros(size, dtype=np.int64)
    held_only = np.zeros(size, dtype=np.int64)
    for code in range(size):
        held_only[code] = np.int64(held[code]) << 32
        both[code] = held_only[code] + np.int64(qualifying[code])
    n_weeks = week_starts.shape[0]
    for r in range(start, stop):
        source = rows[r]
        if source < 0 or source >= ids.shape[0]:
            continue  # (callers pass rows of ids; a bad one is never read through)
        row = ids[source]
        lo = row_lo[r]
        hi = row_hi[r]
        for w in range(n_weeks):
            first = week_starts[w]
            last = week_starts[w + 1] if w + 1 < n_weeks else end
            counted_from = min(max(lo, first), last)  # columns counted_from..counted_to-1 count
            counted_to = min(max(hi, counted_from), last)
            total = np.int64(0)
            for j in range(first, counted_from):
                total += held_only[row[j]]
            for j in range(counted_from, counted_to):
                total += both[row[j]]
            for j in range(counted_to, last):
                total += held_only[row[j]]
            q_out[r, w] = total & 0xFFFFFFFF
            held_out[r, w] = (total >> 32) > 0


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
        if hi - lo == 1:  # one school (most pupils): its weeks and their own
            r = order[lo]
            s = row_school[r]
            if s >= 0 and s < n_schools:
                for w in range(n_weeks):
                    out[p, w] = held[r, w] or school_held[s, w]
            else:
                for w in range(n_weeks):
                    out[p, w] = held[r, w]
            continue
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
def threshold_occasions(
    ids: np.ndarray,  # (rows, columns) uint8 code ids
    order: np.ndarray,  # int64: rows grouped by pupil
    bounds: np.ndarray,  # int64 per pupil + 1: pupil p's rows are order[bounds[p]:bounds[p+1]]
    pupils: np.ndarray,  # int64: the pupils looked at; output row k is pupil pupils[k]
    school_weeks: np.ndarray,  # (pupils, weeks) bool: the week was a school week for the pupil
    q: np.ndarray,  # (pupils, weeks) int16: sessions counted per week (columns lo..hi-1)
    week_starts: np.ndarray,  # int64 per week: its first column; the last week ends at `end`
    end: int,
    lo: np.ndarray,  # int64 per pupil: the first column whose sessions count
    hi: np.ndarray,  # int64 per pupil: the column after the last one that counts
    window: int,  # school weeks in the rolling period (at least 1)
    sessions: int,  # sessions that meet the threshold
    qualifying: np.ndarray,  # bool per code id
    provisional: np.ndarray,  # bool per code id
    in_window_out: np.ndarray,  # int64 per output row: sessions counted in the last window
    count_out: np.ndarray,  # int64 per output row: occasions found (may exceed the capacity)
    met_out: np.ndarray,  # (output rows, capacity) int64: the session at which each was met
    first_out: np.ndarray,  # (output rows, capacity) int64: its first session counted
    provisional_out: np.ndarray,  # (output rows, capacity) int64: sessions counted that are N
    start: int,
    stop: int,
) -> None:
    """Every occasion on which each pupil met the threshold, in one pass over their weeks.

    A rolling window of `window` school weeks (calendar weeks that are not school weeks for
    the pupil are skipped) is carried week by week from the per-week counts `q`; only a week
    in which the count could reach `sessions` is looked at session by session (all the
    pupil's rows at once). At the session where it is reached an occasion is recorded and
    counting starts afresh after it, so no session counts towards two occasions. The first
    `capacity` occasions of a pupil are written; count_out says how many there were. Also
    the count now: sessions counted in the window ending with the pupil's last school week,
    occasions or not."""
    n_weeks = q.shape[1]
    n_pupils = bounds.shape[0] - 1
    capacity = met_out.shape[1]
    usable = end <= ids.shape[1] and school_weeks.shape[1] == n_weeks
    usable = usable and week_starts.shape[0] == n_weeks
    for w in range(week_starts.shape[0]):
        if week_starts[w] < 0 or week_starts[w] > end:
            usable = False
    if not usable:  # (callers pass the matrix's own weeks; bad ones are never read through)
        for k in range(start, stop):
            in_window_out[k] = 0
            count_out[k] = 0
        return
    ring = np.zeros(window, dtype=np.int64)  # the last `window` school weeks, from the reset
    plain = np.zeros(window, dtype=np.int64)  # the same, never reset (the count now)
    for k in range(start, stop):
        in_window_out[k] = 0
        count_out[k] = 0
        p = pupils[k]
        if p < 0 or p >= n_pupils or p >= q.shape[0] or p >= school_weeks.shape[0]:
            continue
        row_lo = bounds[p]
        row_hi = bounds[p + 1]
        bad = row_lo < 0 or row_hi > order.shape[0]
        for i in range(row_lo, row_hi):
            if not bad and (order[i] < 0 or order[i] >= ids.shape[0]):
                bad = True
        if bad:
            continue
        possible = 0
        for w in range(n_weeks):
            possible += q[p, w]
        if possible < sessions:  # never reached (most pupils): only the count now
            w = n_weeks - 1
            seen = 0
            while w >= 0 and seen < window:
                if school_weeks[p, w]:
                    in_window_out[k] += q[p, w]
                    seen += 1
                w -= 1
            continue
        ring[:] = 0
        plain[:] = 0
        total = 0
        plain_total = 0
        position = 0
        found = 0
        counted_from = lo[p]
        until = min(hi[p], end)
        for w in range(n_weeks):
            if not school_weeks[p, w]:
                continue
            plain_total += q[p, w] - plain[position]
            plain[position] = q[p, w]
            earlier = total - ring[position]  # the window's other school weeks
            this_week = int(q[p, w])
            if earlier + this_week >= sessions:
                # Reached in this week: find the session, perhaps more than one occasion.
                week_start = week_starts[w]
                week_end = week_starts[w + 1] if w + 1 < n_weeks else end
                this_week = 0
                for j in range(max(week_start, counted_from), min(week_end, until)):
                    c = 0
                    for i in range(row_lo, row_hi):
                        c += qualifying[ids[order[i], j]]
                    if c == 0:
                        continue
                    this_week += c
                    if earlier + this_week < sessions:
                        continue
                    # The window's first week: `window` school weeks back, or the first week.
                    v = w
                    seen = 0
                    while v >= 0:
                        if school_weeks[p, v]:
                            seen += 1
                            if seen == window:
                                break
                        v -= 1
                    begin = max(week_starts[max(v, 0)], counted_from)
                    first = j
                    n_marks = 0
                    for i in range(row_lo, row_hi):
                        row = ids[order[i]]
                        for jj in range(begin, j + 1):
                            code = row[jj]
                            if qualifying[code]:
                                if jj < first:
                                    first = jj
                                if provisional[code]:
                                    n_marks += 1
                    if found < capacity:
                        met_out[k, found] = j
                        first_out[k, found] = first
                        provisional_out[k, found] = n_marks
                    found += 1
                    counted_from = j + 1  # counting starts afresh after this session
                    ring[:] = 0
                    total = 0
                    earlier = 0
                    this_week = 0
            total = earlier + this_week
            ring[position] = this_week
            position += 1
            if position == window:
                position = 0
        in_window_out[k] = plain_total
        count_out[k] = found


@njit(cache=True, nogil=True)
def first_uses(index: np.ndarray, n_values: int) -> np.ndarray:
    """For each value 0..n_values-1, the first position of index that holds it (-1 if none)."""
    first = np.full(n_values, -1, dtype=np.int64)
    for i in range(index.shape[0]):
        value = index[i]
        if 0 <= value < n_values and first[value] < 0:
            first[value] = i
    return first


SHORT_TABLE = 1 << 12  # slots of encode_short's table: up to half as many distinct values


@njit(cache=True, nogil=True)
def encode_short(
    offsets: np.ndarray,  # int32 per row + 1: where each string starts in data
    data: np.ndarray,  # uint8: the strings' bytes
    entries: np.ndarray,  # uint64 (SHORT_TABLE // 2,): written: each distinct value, packed
    index: np.ndarray,  # int32 per row: written: the number of its value in entries
) -> int:
    """Number the distinct values of a column of short strings (at most 7 bytes: URNs,
    sessions, codes) in the order met, each packed into a 64-bit word with its length.
    Returns how many there are, or -1 when a string is longer or there are too many (the
    caller then hashes the column with Arrow)."""
    slots = np.zeros(SHORT_TABLE, dtype=np.uint64)  # 0: empty; else a packed value
    numbers = np.zeros(SHORT_TABLE, dtype=np.int32)
    found = 0
    previous = np.uint64(0)
    previous_number = -1
    for i in range(index.shape[0]):
        start, stop = offsets[i], offsets[i + 1]
        length = stop - start
        if length > 7 or length < 0:
            return -1
        key = np.uint64(length + 1) << np.uint64(56)
        for j in range(length):
            key |= np.uint64(data[start + j]) << np.uint64(8 * j)
        if key == previous:
            index[i] = previous_number
            continue
        slot = (key * np.uint64(0x9E3779B97F4A7C15)) >> np.uint64(52)
        while True:
            held = slots[slot]
            if held == key:
                number = numbers[slot]
                break
            if held == 0:
                if found >= entries.shape[0]:
                    return -1
                slots[slot] = key
                numbers[slot] = found
                entries[found] = key
                number = found
                found += 1
                break
            slot = (slot + np.uint64(1)) & np.uint64(SHORT_TABLE - 1)
        index[i] = number
        previous, previous_number = key, number
    return found
