"""The attendance engine: pure, vectorised figures over a dense matrix of marks (no Django).

from rollcall.engine import read_marks, analyse
matrix = read_marks(Path("marks.parquet"))
frame = analyse(matrix, as_of=date(2025, 7, 22))
"""

from rollcall.engine.analysis import FIELDS, analyse
from rollcall.engine.figures import Figures, enrolment_figures, pupil_figures
from rollcall.engine.matrix import MarkMatrix
from rollcall.engine.reading import MarksInputError, marks_from_table, read_marks
from rollcall.engine.threshold import ThresholdResult, ThresholdRule, national_threshold

__all__ = [
    "FIELDS",
    "Figures",
    "MarkMatrix",
    "MarksInputError",
    "ThresholdResult",
    "ThresholdRule",
    "analyse",
    "enrolment_figures",
    "marks_from_table",
    "national_threshold",
    "pupil_figures",
    "read_marks",
]
