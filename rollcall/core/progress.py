"""A progress bar for long commands, shown only to a person watching a terminal.

`rollcall analyse`, `rollcall store import` and `rollcall import-marks` read files of up to a
hundred million rows, and `rollcall letters-bulk` renders a thousand letters. On a terminal they
show how much is done, the rate and the time left (tqdm); piped or redirected, or run by cron or
a test, they print nothing extra.
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from tqdm import tqdm

# Told the rows done so far and the rows expected in all (which may be revised as it goes).
Progress = Callable[[int, int], None]


def on_terminal(*streams: Any) -> bool:
    """True when every stream is a terminal (a person is watching, nothing is piped)."""
    return all(bool(getattr(stream, "isatty", lambda: False)()) for stream in streams)


@contextmanager
def progress_bar(label: str, *, shown: bool, unit: str = " rows") -> Iterator[Progress | None]:
    """A Progress drawing a bar on standard error while the block runs, or None when not
    shown. The bar is cleared when the block ends, so the command's own output follows."""
    if not shown:
        yield None
        return
    size = shutil.get_terminal_size()
    bar = tqdm(
        total=0,
        desc=label,
        unit=unit,
        unit_scale=True,
        # A terminal that has not told its size (0 x 0) gets 80 x 24, not an empty bar.
        ncols=size.columns,
        nrows=size.lines,
        leave=False,
        file=sys.stderr,
        mininterval=0.2,
    )

    def advance(done: int, expected: int) -> None:
        if expected != bar.total:
            bar.total = expected
        bar.update(done - bar.n)

    try:
        yield advance
    finally:
        bar.close()
