"""When the national threshold was met on or after a date (WTISA national framework).

A pupil who met the threshold in an earlier school year can meet it again, and that is the
time the school must consider now: engine.threshold finds the first session on or after
`since` (the window may still reach back before `since`).
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from rollcall.engine import MarkMatrix
from rollcall.engine.threshold import ThresholdRule, national_threshold


def threshold_met_since(
    matrix: MarkMatrix, *, as_of: dt.date, since: dt.date | None, rule: ThresholdRule | None = None
) -> np.ndarray:
    """Per pupil, the column of the first session from `since` to `as_of` at which the
    threshold is met; -1 where it is not."""
    if matrix.n_pupils == 0 or matrix.columns_between(None, as_of).stop == 0:
        return np.full(matrix.n_pupils, -1, dtype=np.int64)
    return national_threshold(matrix, as_of=as_of, rule=rule, since=since).met_column
