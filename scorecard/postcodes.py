"""Postcodes: the outward code ('ME14' of 'ME14 1XX') and the sector ('ME14 1') by which the
`districts` lookup names a child's home district; shared by the breakdowns and the loader's
check that the lookup knows the districts the data holds. A lookup may be written by outward
code (the usual) or by sector (as a GIS team exports it); a postcode takes its sector's
district where the lookup has the sector, else its outward code's."""

from __future__ import annotations

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

INWARD = 3  # characters of the inward code ('1XX'), dropped from a postcode without a space


def _text(postcode: pd.Series) -> pa.Array:
    """Upper case, trimmed, each run of spaces inside one space ('me14  1xx' -> 'ME14 1XX')."""
    text = pc.utf8_trim_whitespace(pc.utf8_upper(pa.array(postcode.astype("string").array)))
    return pc.replace_substring_regex(text, r"\s+", " ")


def _series(values: pa.Array, index: pd.Index) -> pd.Series:
    return pd.Series(values.to_pandas(types_mapper=pd.ArrowDtype), index=index).astype("string")


def _parts(text: pa.Array) -> tuple[pa.Array, pa.Array]:
    """(outward code, inward code) of normalised postcodes; the inward code is '' when the
    postcode has none ('ME14')."""
    spaced = pc.match_substring(text, " ")
    split = pc.split_pattern(text, " ", max_splits=1)
    short = pc.less_equal(pc.utf8_length(text), INWARD + 1)
    bare_out = pc.if_else(short, text, pc.utf8_slice_codeunits(text, 0, -INWARD))
    bare_in = pc.if_else(short, "", pc.utf8_slice_codeunits(text, -INWARD))
    outward = pc.if_else(spaced, pc.list_element(split, 0), bare_out)
    rest = pc.replace_substring_regex(text, r"^\S+ ", "")  # after the space
    inward = pc.if_else(spaced, rest, bare_in)
    return outward, inward


def outward_code(postcode: pd.Series) -> pd.Series:
    """Outward code of a postcode ('ME14 1XX' -> 'ME14'; 'ME141XX' -> 'ME14'; 'ME14' -> 'ME14'),
    in Arrow's kernels (a national table's 1.4 million postcodes in a fraction of a second)."""
    return _series(_parts(_text(postcode))[0], postcode.index)


def sector_code(postcode: pd.Series) -> pd.Series:
    """Postcode sector ('ME14 1XX' -> 'ME14 1'; 'ME141XX' -> 'ME14 1'); <NA> for a postcode
    with no inward code ('ME14')."""
    return postcode_parts(postcode)[1]


def postcode_parts(postcode: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(`outward_code`, `sector_code`) of each postcode, the text cleaned once for both."""
    outward, inward = _parts(_text(postcode))
    first = pc.utf8_slice_codeunits(inward, 0, 1)
    sector = pc.if_else(
        pc.equal(first, ""),
        pa.scalar(None, outward.type),
        pc.binary_join_element_wise(outward, first, pa.scalar(" ", outward.type)),
    )
    return _series(outward, postcode.index), _series(sector, postcode.index)


def district_lookup(keys: pd.Series, districts: pd.Series) -> pd.Series:
    """The `districts` lookup as key (outward code or sector, as `_text` writes it) ->
    district. A key given two districts is left out: which is meant cannot be told (loading
    reports it as an error, and its rows as left out)."""
    key = _series(_text(keys), keys.index)
    pairs = pd.DataFrame({"k": key.to_numpy(), "d": districts.astype("string").to_numpy()})
    pairs = pairs.dropna().drop_duplicates()
    pairs = pairs.loc[~pairs["k"].duplicated(keep=False)]
    return pd.Series(pairs["d"].to_numpy(), index=pd.Index(pairs["k"].to_numpy()), dtype="string")


def district_for(postcode: pd.Series, lookup: pd.Series) -> pd.Series:
    """Each postcode's district in `lookup` (`district_lookup`): its sector's where the lookup
    has the sector, else its outward code's; <NA> where it has neither."""
    return district_of_parts(*postcode_parts(postcode), lookup)


def district_of_parts(outward: pd.Series, sector: pd.Series, lookup: pd.Series) -> pd.Series:
    """`district_for` from the postcodes' `postcode_parts`."""
    return sector.map(lookup).fillna(outward.map(lookup)).astype("string")
