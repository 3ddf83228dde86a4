import json

import numpy as np
import pytest

from rollcall.engine import analyse
from rollcall.engine.store import StoreError, store_load, store_save
from tests.engine_internals.helpers import day_marks, matrix_of, school_days


def test_a_saved_store_gives_the_same_figures(tmp_path):
    import datetime as dt

    days = school_days(dt.date(2025, 1, 6), 10)
    matrix = matrix_of(day_marks(days[:8], "present") + day_marks(days[8:], "O"))
    store_save(matrix, tmp_path / "store")
    loaded = store_load(tmp_path / "store")
    assert np.array_equal(loaded.ids, matrix.ids)
    assert analyse(loaded).equals(analyse(matrix))


def test_a_store_built_with_other_code_tables_is_refused(tmp_path):
    import datetime as dt

    matrix = matrix_of(day_marks(school_days(dt.date(2025, 1, 6), 1), "present"))
    store_save(matrix, tmp_path / "store")
    meta = tmp_path / "store" / "meta.json"
    info = json.loads(meta.read_text())
    info["codes"] = info["codes"][1:]
    meta.write_text(json.dumps(info))
    with pytest.raises(StoreError, match="rebuild"):
        store_load(tmp_path / "store")
