"""Child-level attributes of the SSDA903 header: ethnicity and unique pupil numbers."""

from __future__ import annotations

import numpy as np

ETHNIC = (
    [
        "WBRI",
        "WIRI",
        "WIRT",
        "WOTH",
        "WROM",
        "MWBC",
        "MWBA",
        "MWAS",
        "MOTH",
        "AIND",
        "APKN",
        "ABAN",
        "AOTH",
        "BCRB",
        "BAFR",
        "BOTH",
        "CHNE",
        "OOTH",
        "REFU",
        "NOBT",
    ],
    [70, 0.5, 0.8, 5, 0.7, 3.5, 1.5, 1.5, 3, 0.8, 1.2, 0.5, 1, 1.5, 2.5, 0.8, 0.2, 2, 0.5, 0.5],
)
ETHNIC_UASC = (["AOTH", "BAFR", "OOTH", "BOTH", "WOTH"], [35, 35, 20, 5, 5])


def upns(rng: np.random.Generator, la: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """Fictional unique pupil numbers: check letter, LA code, school, year and serial."""
    n = len(la)
    letters = np.array(list("ABCDEFGHJKLMNPQRTUVWXYZ"))
    body = (
        letters[rng.integers(0, len(letters), n)]
        + codes[la]
        + np.char.zfill(rng.integers(0, 10000, n).astype(str), 4)
        + np.char.zfill(rng.integers(0, 100, n).astype(str), 2)
        + np.char.zfill(rng.integers(0, 1000, n).astype(str), 3)
    )
    return body.astype(object)
