"""DfE-comparable persistent and severe absence: per enrolment, pupils aged 5 to 15 on 31
August at the start of the year, over the academic year from 1 August (DfE methodology)."""

from __future__ import annotations

import datetime as dt

from rollcall.engine.dfe_comparable import DEFINITION, dfe_comparable
from rollcall.engine.school_age import DatesOfBirth
from rollcall.statutory.upn import upn_make
from tests.engine_internals.helpers import matrix_of

MONDAY = dt.date(2025, 1, 13)


def _week(upn: str, codes: list[str], school: str = "100001"):
    rows = []
    for k, code in enumerate(codes):
        day = MONDAY + dt.timedelta(days=k // 2)
        rows.append((school, upn, day, "AM" if k % 2 == 0 else "PM", code))
    return rows


def test_only_enrolments_of_pupils_aged_5_to_15_count():
    absent = ["O"] * 10  # 100% absence: persistent and severe
    present = ["/", "\\"] * 5
    born = {
        "R": dt.date(2020, 6, 1),  # 4 on 31 Aug 2024: Reception, left out
        "Y1": dt.date(2019, 6, 1),  # 5: counted
        "Y11": dt.date(2009, 6, 1),  # 15: counted
        "Y12": dt.date(2008, 6, 1),  # 16: left out
    }
    upns = {key: upn_make("989", "1234", 20, n) for n, key in enumerate(born, start=1)}
    rows = _week(upns["R"], absent) + _week(upns["Y1"], absent)
    rows += _week(upns["Y11"], present) + _week(upns["Y12"], absent)
    matrix = matrix_of(rows)
    found = dfe_comparable(
        matrix,
        as_of=MONDAY + dt.timedelta(days=4),
        dates_of_birth=DatesOfBirth({upns[k]: v for k, v in born.items()}),
    )
    assert (found.enrolments, found.persistent, found.severe) == (2, 1, 1)
    assert found.persistent_pct == 50.0
    assert found.year_from == dt.date(2024, 8, 1)
    assert "aged 5 to 15 on 31 August" in DEFINITION
