"""Measure functions, one module per domain, registered by name for indicators.yaml."""

from ..registry import Measure, measure, registry
from . import care_leavers, education, iro, placements, population, referrals, time_in_care

__all__ = [
    "Measure",
    "care_leavers",
    "education",
    "iro",
    "measure",
    "placements",
    "population",
    "referrals",
    "registry",
    "time_in_care",
]
