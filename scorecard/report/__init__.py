"""The quarterly Corporate Parenting Panel scorecard: frame, HTML page and Excel workbook.

sc = build_scorecard(quarter="2024-25 Q4")          # the bundled sample
sc.frame                                           # one row per indicator
write_outputs(sc, "out/")                           # HTML + XLSX, written atomically
"""

from __future__ import annotations

from .atomic import atomic_write, write_outputs
from .builder import (
    AuthorityMismatchWarning,
    IndicatorFailedWarning,
    OutsideCoverageError,
    build_scorecard,
)
from .comparison import comparison_summary
from .scorecard import FRAME_COLUMNS, Scorecard

__all__ = [
    "FRAME_COLUMNS",
    "AuthorityMismatchWarning",
    "IndicatorFailedWarning",
    "OutsideCoverageError",
    "Scorecard",
    "atomic_write",
    "build_scorecard",
    "comparison_summary",
    "write_outputs",
]
