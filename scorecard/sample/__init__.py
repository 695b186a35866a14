"""Seeded synthetic sample: the fictional county of Wealdshire (LA 650) and pooled national data.

    python -m scorecard.sample [--out DIR] [--returns DIR] [--seed N]

`generate(seed, n_las=..., children_scale=..., years=...)` builds the SPEC section 3 tables in
memory; `write_sample(out_dir, seed)` writes them as councils' extracts look (CSV with
dd/mm/YYYY dates, the big tables as Parquet) plus a synthetic national benchmark panel in the
LAIT long layout and a synthetic statistical-neighbour list in `benchmarks/`.
`write_returns(out_dir, seed)` writes the same county as ten yearly SSDA903 returns and CIN
census XML files, as councils hold them.

Everything is drawn with numpy over whole arrays of periods of care, episodes and referrals
(no Python loop over children), so a pooled run of 150 authorities takes about a minute.
Nothing here is real: names, codes, postcodes and children are invented. The parameters are
tuned so that Wealdshire's headline indicators at 31 March 2025 sit near England's published
ones (3+ placements ~10%, long-term stability ~69%, re-referrals ~22%, NEET 19-21 ~40%, ~67
per 10,000, ~72% fostered, IRO caseload ~60, Attainment 8 ~20 against ~46 for all pupils).

Modules, one job each: `authorities` (Wealdshire and the others), `periods_of_care`,
`episodes` (and short breaks), `children` (header attributes), `referrals`, `iro`, `outcomes`
(care leavers and KS4), `county` (`generate`: the tables assembled), `headline` (an independent
reading of the definitions), `benchmarks` (national panel and neighbours), `files` (writing),
`returns` (what each yearly return holds), `dfe_xml` (the 903 and CIN census XML layouts),
`return_files` (the returns written as councils name them), `cli`; `arrays` holds the
day-number and drawing helpers they share.
"""

from .county import generate
from .files import write_sample
from .return_files import write_returns

__all__ = ["generate", "write_returns", "write_sample"]
