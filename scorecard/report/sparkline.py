"""Sparklines as small inline SVG (no scripts, fonts or images), for the HTML scorecard.

Missing or withheld quarters break the line rather than being joined across, so a gap in
the data is visible as a gap.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape


def _number(v: object) -> float | None:
    if isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(float(v)):
        return float(v)
    return None


def sparkline_svg(
    values: Sequence[object],
    width: int = 112,
    height: int = 28,
    target: float | None = None,
    label: str = "",
    colour: str = "#1d3557",
) -> str:
    """An inline SVG line of `values` (oldest first), with the target as a dashed line.

    `label` becomes the accessible name (e.g. the indicator title with its values).
    """
    nums = [_number(v) for v in values]
    known = [v for v in nums if v is not None]
    title = escape(label or "Trend")
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="spark" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" role="img" aria-label="{title}">'
        f"<title>{title}</title>"
    )
    if not known:
        return head + "</svg>"
    pad = 3.0
    tgt = _number(target)
    lo = min([*known, tgt] if tgt is not None else known)
    hi = max([*known, tgt] if tgt is not None else known)
    if hi == lo:
        hi, lo = hi + 1.0, lo - 1.0
    n = len(nums)
    step = (width - 2 * pad) / max(n - 1, 1)

    def xy(i: int, v: float) -> tuple[float, float]:
        y = pad + (hi - v) / (hi - lo) * (height - 2 * pad)
        return round(pad + i * step, 1), round(y, 1)

    parts = [head]
    if tgt is not None:
        _, ty = xy(0, tgt)
        parts.append(
            f'<line x1="{pad}" y1="{ty}" x2="{width - pad}" y2="{ty}" stroke="#8d99ae" '
            'stroke-width="1" stroke-dasharray="3 2"/>'
        )
    segment: list[str] = []
    segments: list[list[str]] = []
    for i, v in enumerate(nums):
        if v is None:
            if segment:
                segments.append(segment)
            segment = []
            continue
        x, y = xy(i, v)
        segment.append(f"{x},{y}")
    if segment:
        segments.append(segment)
    for seg in segments:
        if len(seg) == 1:
            x, y = seg[0].split(",")
            parts.append(f'<circle cx="{x}" cy="{y}" r="1.5" fill="{colour}"/>')
        else:
            parts.append(
                f'<polyline points="{" ".join(seg)}" fill="none" stroke="{colour}" '
                'stroke-width="1.6" stroke-linejoin="round" stroke-linecap="round"/>'
            )
    last = max(i for i, v in enumerate(nums) if v is not None)
    x, y = xy(last, nums[last])  # type: ignore[arg-type]
    parts.append(f'<circle cx="{x}" cy="{y}" r="2.6" fill="{colour}"/>')
    parts.append("</svg>")
    return "".join(parts)
