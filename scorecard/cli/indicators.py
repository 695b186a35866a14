"""`scorecard indicators`: the catalogue, optionally one domain."""

from __future__ import annotations

import argparse
import textwrap
from pathlib import Path

from .common import EXIT_OK, table_text


def register(sub: argparse._SubParsersAction) -> None:
    i = sub.add_parser(
        "indicators",
        help="list the indicator catalogue",
        description="List the indicators of the catalogue (ids are the stable API).",
    )
    i.add_argument("--domain", help="only this domain, e.g. 'placement stability'")
    i.add_argument("--catalogue", type=Path, help="a catalogue file (default: the bundled one)")
    i.set_defaults(func=run)


def run(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    from ..catalogue import load_catalogue

    cat = load_catalogue(args.catalogue)
    domain = args.domain
    if domain:  # 'Placements' or ' IRO ' is the domain 'placements' or 'IRO'
        written = " ".join(domain.split()).lower()
        domain = next((d for d in cat.domains if d.lower() == written), None)
        if domain is None:
            parser.error(f"unknown domain {args.domain!r}; domains: {', '.join(cat.domains)}")
    table = cat.filter(domain=domain).to_frame()
    table["scorecard"] = ["yes" if i.on_scorecard else "" for i in cat.filter(domain=domain)]
    cols = ["id", "title", "domain", "unit", "polarity", "scorecard"]
    table["title"] = table["title"].map(lambda t: textwrap.shorten(t, 70, placeholder="..."))
    print(table_text(table[cols]))
    print(f"\n{len(table)} indicator(s).")
    return EXIT_OK
