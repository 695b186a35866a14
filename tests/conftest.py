"""Fixtures shared by the test modules: the SPEC's indicator ids, the real DfE data folder,
the bundled sample (loaded once per session) and the three-children case the scorecard and
privacy tests build on."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

import scorecard as sc
from scorecard.inputs import bundled_sample_path

# SPEC section 5: the required indicator ids (a stable API, spelt out here on purpose so that
# renaming one in the catalogue fails the tests)
SPEC_IDS = (
    "cla_count",
    "cla_rate_per_10k",
    "cla_rate_per_10k_excl_uasc",
    "placement_stability_short",
    "placement_stability_long",
    "time_in_care_ceased",
    "time_in_care_ceased_median",
    "time_in_care_current",
    "re_referral_rate",
    "iro_caseload",
    "iro_caseload_weighted",
    "care_leavers_neet_19_21",
    "care_leavers_eet_19_21",
    "care_leavers_suitable_accom_19_21",
    "care_leavers_neet_17_18",
    "care_leavers_eet_17_18",
    "care_leavers_suitable_accom_17_18",
    "attainment_gap_att8",
    "attainment_gap_em94",
)

# the real DfE files: the `shared/` folder beside the repo's folder, never copied into it
DFE_DIR = Path(__file__).resolve().parents[2] / "shared" / "data" / "dfe"


@pytest.fixture(scope="session")
def spec_ids() -> tuple[str, ...]:
    """The indicator ids SPEC section 5 requires."""
    return SPEC_IDS


@pytest.fixture(scope="session")
def dfe_dir() -> Path:
    """The folder of real DfE files; the test is skipped when it is not there."""
    if not DFE_DIR.is_dir():
        pytest.skip(f"the real DfE data folder is not available ({DFE_DIR})")
    return DFE_DIR


@pytest.fixture(scope="session")
def sample_dataset() -> sc.Dataset:
    """The bundled sample (Wealdshire), loaded once for the whole session. Read-only: the
    Dataset is frozen; do not change its tables in place."""
    folder = bundled_sample_path()
    if not any(folder.glob("episodes.*")):
        pytest.skip("the bundled sample has not been generated (python -m scorecard.sample)")
    return sc.load_dataset()


@pytest.fixture(scope="session")
def sample_scorecard(sample_dataset: sc.Dataset):
    """The bundled sample's scorecard at its default quarter (2024-25 Q4), with the sample's
    synthetic benchmark panel, built once."""
    from scorecard.report import build_scorecard

    return build_scorecard(sample_dataset)


@pytest.fixture(scope="session")
def three_children() -> Callable[[], dict[str, pd.DataFrame]]:
    """A maker of fresh `header` and `episodes` frames: three children, all looked after at
    31 March 2025, none has left.

    WS100001 (born 14/02/2012) from 01/05/2023 in foster care (U1); WS100002 (born
    03/07/2015) from 10/09/2023 in foster care (U4); WS100003 (born 21/11/2009) from
    15/01/2024 in a children's home (K2, legal status V2). One placement each.
    """

    def make() -> dict[str, pd.DataFrame]:
        header = pd.DataFrame(
            {
                "CHILD": ["WS100001", "WS100002", "WS100003"],
                "SEX": ["1", "2", "1"],
                "DOB": ["14/02/2012", "03/07/2015", "21/11/2009"],
            }
        )
        episodes = pd.DataFrame(
            {
                "CHILD": ["WS100001", "WS100002", "WS100003"],
                "DECOM": ["01/05/2023", "10/09/2023", "15/01/2024"],
                "RNE": ["S", "S", "S"],
                "LS": ["C2", "C2", "V2"],
                "PLACE": ["U1", "U4", "K2"],
                "DEC": [None, None, None],
                "REC": [None, None, None],
            }
        )
        return {"header": header, "episodes": episodes}

    return make


@pytest.fixture
def break_indicator(monkeypatch: pytest.MonkeyPatch) -> Callable[[str, Exception], None]:
    """`break_indicator(id, error)`: from then on in the test, `scorecard.engine.compute`
    and `compute_each` raise `error` for that indicator (every other indicator computes as
    usual)."""
    import scorecard.engine as engine

    real, real_each = engine.compute, engine.compute_each

    def breaker(ind_id: str, error: Exception) -> None:
        def broken(ind, ds, at=None, by=None, **kw):
            if getattr(ind, "id", ind) == ind_id:
                raise error
            return real(ind, ds, at=at, by=by, **kw)

        def broken_each(ind, ds, views, **kw):
            if getattr(ind, "id", ind) == ind_id:
                raise error
            return real_each(ind, ds, views, **kw)

        monkeypatch.setattr(engine, "compute", broken)
        monkeypatch.setattr(engine, "compute_each", broken_each)

    return breaker
