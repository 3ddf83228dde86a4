"""The nightly sweep: which triggers each school should act on (WTISA; REG24 regs 9 and 13).

Pupils are grouped by their current school (the school of their latest mark) and the engine's
triggers are found for each group with that school's policy profile, so a trust's local
letters apply to its academies only. A trigger becomes work only while the pupil is still on
that school's roll. Events (a threshold met, an unauthorised holiday) become work from the
start of the school year, unless asked for from an earlier date; every occasion on which the
national threshold is met is work of its own (engine.threshold). School weeks are the
schools' own, worked out once over every pupil (figures.threshold.threshold_calendar), so a
group of pupils sees the whole calendar of the schools they were at; the attendance pages count
the threshold through the same definition (figures.threshold.group_threshold).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection, Mapping
from dataclasses import dataclass

import numpy as np

from rollcall import statutory
from rollcall.analytics.figures.matrices import rows_of_pupils, submatrix
from rollcall.analytics.figures.threshold import threshold_calendar
from rollcall.engine import MarkMatrix
from rollcall.engine.school_age import DatesOfBirth
from rollcall.engine.triggers import (
    HOLIDAY,
    LOCAL_THRESHOLD,
    NATIONAL_THRESHOLD,
    current_school,
    find_triggers,
)
from rollcall.policies import load_profile
from rollcall.statutory.years import school_year_start


@dataclass(frozen=True)
class Candidate:
    upn: str
    urn: str
    kind: str
    met_on: dt.date
    detail: str
    provisional: bool = False


@dataclass(frozen=True)
class Findings:
    candidates: list[Candidate]
    triggers: int  # every trigger the engine found
    not_on_roll: int  # of those, for pupils who have since left the school
    earlier: int  # of those, events before `since` (already history)
    since: dt.date
    # (UPN, kind, met on) of every threshold occasion from `since`, on roll or not: an open
    # item for one no longer here no longer holds (services.worklist_items_record).
    thresholds_met: frozenset[tuple[str, str, dt.date]] = frozenset()


# Triggers that happen on a date and are then history. The others describe the pupil as of the
# sweep date (a run of absence still going, an N still uncorrected, this year's absence rate).
EVENTS = frozenset({NATIONAL_THRESHOLD, LOCAL_THRESHOLD, HOLIDAY})
THRESHOLDS = frozenset({NATIONAL_THRESHOLD, LOCAL_THRESHOLD})


def sweep_candidates(
    matrix: MarkMatrix,
    *,
    on: dt.date,
    profile_of: Mapping[str, str],
    on_roll: Collection[tuple[str, str]],
    since: dt.date | None = None,
    default_profile: str = "national",
    history: MarkMatrix | None = None,
    dates_of_birth: DatesOfBirth | None = None,
) -> Findings:
    """Triggers met up to `on`, each for the pupil's current school. `profile_of` maps URN to
    policy profile key; `on_roll` holds (UPN, URN) of enrolments current on `on`. Events
    before `since` (default: the start of the school year) are left out. `history` holds the
    pupils' attendance at earlier schools, which the thresholds count (engine.history);
    `dates_of_birth` limits the statutory triggers to compulsory school age."""
    since = since or school_year_start(on)
    columns = matrix.columns_between(None, on)
    if columns.stop == columns.start or matrix.n_pupils == 0:
        return Findings([], 0, 0, 0, since)
    met: set[tuple[str, str, dt.date]] = set()
    now_at = matrix.schools[current_school(matrix, columns)].astype(str)
    groups: dict[str, list[int]] = defaultdict(list)
    for pupil, urn in enumerate(now_at.tolist()):
        groups[profile_of.get(urn, default_profile)].append(pupil)
    calendar = threshold_calendar(matrix, history, as_of=on) if _threshold_in_force(on) else None
    candidates: list[Candidate] = []
    found = left = earlier = 0
    for key, pupils in sorted(groups.items()):
        profile = load_profile(key)
        group = submatrix(matrix, rows_of_pupils(matrix, np.asarray(pupils)))
        hits = find_triggers(
            group,
            as_of=on,
            profile=profile,
            history=history,
            dates_of_birth=dates_of_birth,
            calendar=calendar,
        )
        for hit in hits:
            found += 1
            upn, urn = str(group.pupils[hit.pupil]), str(group.schools[hit.school])
            if hit.kind in EVENTS and hit.met_on < since:
                earlier += 1
                continue
            if hit.kind in THRESHOLDS:
                met.add((upn, hit.kind, hit.met_on))
            if (upn, urn) not in on_roll:
                left += 1
                continue
            candidates.append(
                Candidate(upn, urn, hit.kind, hit.met_on, hit.detail, hit.provisional)
            )
    return Findings(candidates, found, left, earlier, since, frozenset(met))


def _threshold_in_force(on: dt.date) -> bool:
    return statutory.on(on).threshold is not None
