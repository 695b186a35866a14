"""Writing the yearly returns as councils' folders hold them: the names and formats vary.

`write_returns(out_dir)` writes Wealdshire's ten collection years (2015-16 to 2024-25) as
SSDA903 returns and CIN census XML files, named the ways councils name them (`PLAN`):

    SSDA903_2015-16.xml               903 XML                                    2015-16
    903_201617.xml                    903 XML                                    2016-17
    2017-header.csv ...               CSV, the year the collection starts in     2017-18
    903_201819_header.xlsx ...        one workbook per table, Excel dates        2018-19
    header_2019-20.csv ...            CSV                                        2019-20
    2020-21/header.csv ...            a folder per year, CIN census beside       2020-21
    SSDA903_2021-22.xml               903 XML                                    2021-22
    2023/header.csv ...               a folder named by the year's end           2022-23
    SSDA903_2024_header.csv ...       CSV, the year the collection ends in;      2023-24
    SSDA903_2025_header.csv ...         these two carry OC3's YEAR               2024-25
    CIN_Census_2016.xml ...           CIN census XML, by its reference date's year

The 903 tables are header, episodes, uasc and oc3. CSV and Excel episodes carry the derived
PL_DISTANCE, PL_LOCATION and PL_LA (the 3-digit LA code up to 2019-20, the 9-character code
after) as an extract from the council's system has them; the XML has the DfE layout, which
has none of them. OC3 has no YEAR except where said (real returns have none). The county's
other tables (IRO, KS4, population, districts) are written beside, as in the sample.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .authorities import authorities
from .county import generate
from .dfe_xml import write_cin_census_xml, write_ssda903_xml
from .episodes import DERIVED_COLUMNS, EPISODE_COLUMNS
from .files import csv_ready, write_tables
from .returns import YearlyReturn, yearly_returns

LAST_YEAR = 2025  # the sample's last collection year ends 31 March 2025
LOCAL_TABLES = ("iro_allocations", "iro_staff", "ks4_cla", "ks4_all", "population", "districts")
_COLUMNS = {
    "header": ["CHILD", "SEX", "DOB", "ETHNIC", "UPN"],
    "episodes": list(EPISODE_COLUMNS),
    "uasc": ["CHILD", "SEX", "DOB", "DUC"],
    "oc3": ["CHILD", "DOB", "IN_TOUCH", "ACTIV", "ACCOM"],
}


@dataclass(frozen=True)
class Layout:
    """How one collection year's SSDA903 return is kept.

    `name`: the XML file, or the pattern of the table files with `{table}`; a folder in it
    holds that year's CIN census too. `oc3_year`: OC3 carries YEAR. `la3`: PL_LA as the
    3-digit code (else the 9-character one).
    """

    form: str  # csv | xlsx | xml
    name: str
    oc3_year: bool = False
    la3: bool = False

    def folder(self) -> str:
        return self.name.rpartition("/")[0]


PLAN: dict[int, Layout] = {  # collection year's end -> layout
    2016: Layout("xml", "SSDA903_2015-16.xml"),
    2017: Layout("xml", "903_201617.xml"),
    2018: Layout("csv", "2017-{table}.csv", la3=True),
    2019: Layout("xlsx", "903_201819_{table}.xlsx", la3=True),
    2020: Layout("csv", "{table}_2019-20.csv", la3=True),
    2021: Layout("csv", "2020-21/{table}.csv"),
    2022: Layout("xml", "SSDA903_2021-22.xml"),
    2023: Layout("csv", "2023/{table}.csv"),
    2024: Layout("csv", "SSDA903_2024_{table}.csv", oc3_year=True),
    2025: Layout("csv", "SSDA903_2025_{table}.csv", oc3_year=True),
}


def layout(year: int) -> Layout:
    """The layout of collection year `year` (its end); years outside the plan: plain CSV."""
    return PLAN.get(year, Layout("csv", f"SSDA903_{year}_{{table}}.csv"))


def cin_census_name(year: int) -> str:
    """The CIN census file of `year`, in the 903 return's folder when it has one."""
    folder = layout(year).folder()
    return f"{folder}/CIN_Census_{year}.xml" if folder else f"CIN_Census_{year}.xml"


def write_returns(
    out_dir: str | Path,
    seed: int = 2025,
    *,
    years: int = 10,
    children_scale: float = 1.0,
    local_tables: bool = True,
) -> list[Path]:
    """Generate Wealdshire (as `generate(seed, children_scale=..., years=...)`) and write it
    as yearly SSDA903 returns and CIN censuses into `out_dir`; returns the paths written.

    With `local_tables`, the county's IRO, KS4, population and districts tables are written
    beside, so the folder is a whole dataset. Same arguments, same files.
    """
    out = Path(out_dir)
    tables = generate(seed, children_scale=children_scale, years=years)
    returns = yearly_returns(tables, seed, range(LAST_YEAR - years + 1, LAST_YEAR + 1))
    code3 = authorities(seed).set_index("new_code")["LA"]
    paths: list[Path] = []
    for ret in returns:  # ten collection years
        paths += write_ssda903(ret, out, layout(ret.year), code3)
        paths.append(write_cin_census_xml(ret, out / cin_census_name(ret.year)))
    if local_tables:
        paths += write_tables({name: tables[name] for name in LOCAL_TABLES}, out)
    return paths


def write_ssda903(ret: YearlyReturn, out: Path, how: Layout, code3: pd.Series) -> list[Path]:
    """One year's SSDA903 return in its layout (one XML file, or a file per table)."""
    if how.form == "xml":
        return [write_ssda903_xml(ret, out / how.name)]
    paths = []
    for table, frame in ret.ssda903.items():
        cols = list(_COLUMNS[table])
        if table == "episodes":
            cols += DERIVED_COLUMNS
            if how.la3:
                frame = frame.assign(PL_LA=frame["PL_LA"].map(code3).fillna(frame["PL_LA"]))
        if table == "oc3" and how.oc3_year:
            cols.append("YEAR")
        path = out / how.name.format(table=table)
        path.parent.mkdir(parents=True, exist_ok=True)
        if how.form == "xlsx":
            _write_xlsx(frame[cols], path, table, ret.year)
        else:
            frame = csv_ready(frame[cols])
            frame.to_csv(path, index=False, encoding="utf-8", lineterminator="\n")
        paths.append(path)
    return paths


def _write_xlsx(frame: pd.DataFrame, path: Path, sheet: str, year: int) -> None:
    """A workbook with one sheet: real Excel dates (dd/mm/yyyy), a fixed creation date so the
    same data gives the same bytes."""
    with pd.ExcelWriter(
        path, engine="xlsxwriter", datetime_format="dd/mm/yyyy", date_format="dd/mm/yyyy"
    ) as writer:
        writer.book.set_properties({"created": dt.datetime(year, 5, 2, 9, 0, 0)})
        frame.to_excel(writer, sheet_name=sheet, index=False)
