"""rollcall's analysis store: the engine's matrix saved as numpy files, loaded memory-mapped.

The database holds the record of every mark and amendment; the store is a columnar copy for
fast figures, rebuilt from the database when marks change (see `rollcall store`). Code ids
depend on the statutory code table, so the store records the table it was built with and
refuses to load under another.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from rollcall.engine.codes import code_table
from rollcall.engine.matrix import MarkMatrix

FORMAT_VERSION = 1
ARRAYS = ("ids", "days", "row_pupil", "row_school", "pupils", "schools")


class StoreError(RuntimeError):
    pass


def code_fingerprint() -> list[str]:
    return [
        f"{era.code}|{era.in_force_from}|{era.in_force_to or ''}|{era.category}"
        for era in code_table().eras
    ]


@dataclass(frozen=True)
class StoreInfo:
    path: Path
    meta: dict[str, Any]


def store_save(
    matrix: MarkMatrix,
    directory: Path,
    *,
    meta: dict[str, Any] | None = None,
    beside: Callable[[Path], None] | None = None,
) -> None:
    """Write the matrix to directory atomically (a sibling temp dir, then a rename). `beside`
    writes whatever else belongs with this matrix into the temp dir, so it is moved into place
    with it (figures worked out from it, say) and never sits beside another matrix."""
    directory = directory.resolve()
    directory.parent.mkdir(parents=True, exist_ok=True)
    # A private temporary directory, so two rebuilds at once cannot mix their files.
    temp = Path(tempfile.mkdtemp(dir=directory.parent, prefix=f".{directory.name}.new-"))
    matrix_write(matrix, temp)
    info = {"format": FORMAT_VERSION, "codes": code_fingerprint(), **(meta or {})}
    (temp / "meta.json").write_text(json.dumps(info, indent=1, default=str))
    if beside is not None:
        beside(temp)
    old = Path(tempfile.mkdtemp(dir=directory.parent, prefix=f".{directory.name}.old-"))
    if directory.exists():
        directory.rename(old / "store")
    temp.rename(directory)
    shutil.rmtree(old, ignore_errors=True)


def store_info(directory: Path) -> StoreInfo | None:
    meta_file = directory / "meta.json"
    if not meta_file.exists():
        return None
    return StoreInfo(directory, json.loads(meta_file.read_text()))


def store_load(directory: Path) -> MarkMatrix:
    info = store_info(directory)
    if info is None:
        raise StoreError(f"there is no analysis store at {directory}")
    if info.meta.get("format") != FORMAT_VERSION or info.meta.get("codes") != code_fingerprint():
        raise StoreError(
            f"the analysis store at {directory} was built with other code tables; rebuild it "
            "with `rollcall store rebuild`"
        )
    return matrix_read(directory)


def matrix_write(matrix: MarkMatrix, folder: Path) -> None:
    """The matrix as numpy files in folder (ARRAYS), for `matrix_read`. Schools are named by
    URN in the registers and by LAESTAB in a pupil's history (engine.history)."""
    np.save(folder / "ids.npy", np.ascontiguousarray(matrix.ids))
    np.save(folder / "days.npy", matrix.days.astype("datetime64[D]"))
    np.save(folder / "row_pupil.npy", matrix.row_pupil.astype(np.int32))
    np.save(folder / "row_school.npy", matrix.row_school.astype(np.int32))
    np.save(folder / "pupils.npy", matrix.pupils.astype("U13"))
    np.save(folder / "schools.npy", matrix.schools.astype(str))


def matrix_read(folder: Path) -> MarkMatrix:
    """The matrix `matrix_write` saved in folder, its marks memory-mapped."""
    arrays = {name: np.load(folder / f"{name}.npy", mmap_mode="r") for name in ARRAYS}
    return MarkMatrix(
        ids=arrays["ids"],
        days=np.asarray(arrays["days"]),
        row_pupil=np.asarray(arrays["row_pupil"]),
        row_school=np.asarray(arrays["row_school"]),
        pupils=np.asarray(arrays["pupils"]),
        schools=np.asarray(arrays["schools"]),
    )
