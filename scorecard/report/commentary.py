"""Commentary for the card from a file the analyst keeps: the workbook of an earlier build
(its Commentary column, typed in Excel), a CSV or workbook with `indicator` and
`commentary` columns, or a YAML mapping of indicator ids to text.

Indicators may be named by id or by title; a name the catalogue does not know is refused
with the close matches, so a comment never silently goes missing.
"""

from __future__ import annotations

import difflib
import warnings
from pathlib import Path

import pandas as pd

from ..catalogue import Catalogue
from .excel import HEADER_ROW, SCORECARD_COLUMNS

# the scorecard workbook's own headers over its indicator ids and commentary
WORKBOOK_SHEET = "Scorecard"
_HEADERS = {col: name for name, col, _ in SCORECARD_COLUMNS}
WORKBOOK_COLUMNS = (_HEADERS["indicator"], _HEADERS["commentary"])
PLAIN_COLUMNS = ("indicator", "commentary")
FORMS = (
    "a scorecard workbook from an earlier build (its Commentary column), a CSV or workbook "
    "with columns 'indicator' (id or title) and 'commentary', or a YAML file of "
    "'indicator_id: text' lines"
)


class CommentaryError(ValueError):
    """A commentary file that cannot be read, or names an indicator the catalogue lacks."""


def read_commentary(path: str | Path, catalogue: Catalogue) -> dict[str, str]:
    """{indicator id: text} from `path` (see the module docstring); blank texts are left
    out, so an empty cell never wipes a comment given elsewhere."""
    path = Path(path)
    if not path.is_file():
        raise CommentaryError(f"Commentary file not found: {path}. Give {FORMS}.")
    pairs = _pairs(path)
    out: dict[str, str] = {}
    by_title = {ind.title.casefold(): ind.id for ind in catalogue}
    for name, text in pairs:
        if not isinstance(text, str) or not text.strip():
            continue
        key = str(name).strip()
        ind_id = key if key in catalogue else by_title.get(key.casefold())
        if ind_id is None:
            known = [i.id for i in catalogue] + [i.title for i in catalogue]
            close = difflib.get_close_matches(key, known, n=3)
            hint = f" Did you mean {', '.join(repr(c) for c in close)}?" if close else ""
            raise CommentaryError(f"{path.name}: no indicator {key!r} in the catalogue.{hint}")
        out[ind_id] = text.strip()
    return out


def _pairs(path: Path) -> list[tuple[object, object]]:
    """(indicator, text) pairs as the file holds them."""
    suffix = path.suffix.lower()
    if suffix in (".yaml", ".yml"):
        import yaml

        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        if not isinstance(data, dict):
            raise CommentaryError(f"{path.name}: expected 'indicator_id: text' lines.")
        return list(data.items())
    if suffix == ".csv":
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    elif suffix == ".xlsx":
        frame = _workbook(path)
    else:
        raise CommentaryError(f"{path.name}: not a commentary file. Give {FORMS}.")
    columns = {str(c).strip().casefold(): c for c in frame.columns}
    for name, text in (WORKBOOK_COLUMNS, PLAIN_COLUMNS):
        if name.casefold() in columns and text.casefold() in columns:
            pick = frame[[columns[name.casefold()], columns[text.casefold()]]]
            return list(pick.itertuples(index=False, name=None))
    raise CommentaryError(
        f"{path.name}: no 'indicator' and 'commentary' columns (found "
        f"{', '.join(map(str, frame.columns))}). Give {FORMS}."
    )


def _workbook(path: Path) -> pd.DataFrame:
    """The scorecard sheet of an earlier build, else the first sheet."""
    with warnings.catch_warnings():  # openpyxl cannot read the sheet's sparklines; no matter
        warnings.filterwarnings("ignore", "Sparkline Group extension", UserWarning)
        with pd.ExcelFile(path) as book:
            if WORKBOOK_SHEET in book.sheet_names:
                return pd.read_excel(book, sheet_name=WORKBOOK_SHEET, header=HEADER_ROW, dtype=str)
            return pd.read_excel(book, sheet_name=0, dtype=str)
