"""Best-response curves of a two-player war as a self-contained SVG / HTML page.

Rendering only: the numbers come from :func:`best_response_curves` and :func:`nash`.
"""

from __future__ import annotations

from html import escape

import pandas as pd

__all__ = ["curves_html", "curves_svg"]

_W, _H, _M = 520, 420, 56
_COLOURS = ("#1f77b4", "#d62728")


def curves_svg(curves: pd.DataFrame, nash_rates: tuple[float, float] | None = None) -> str:
    """SVG of both best-response curves in one plane.

    curves : DataFrame from :func:`best_response_curves` (player, opponent, opponent_rate,
    best_rate). Player a's tariff is on the x axis, b's on the y axis; a's curve is
    x = BR_a(y), b's is y = BR_b(x); they cross at the Nash equilibrium ``nash_rates``.
    """
    a, b = list(dict.fromkeys(curves["player"]))[:2]
    top = float(max(curves["opponent_rate"].max(), curves["best_rate"].max())) * 1.05 or 1.0

    def px(x: float) -> float:
        return _M + x / top * (_W - 2 * _M)

    def py(y: float) -> float:
        return _H - _M - y / top * (_H - 2 * _M)

    # viewBox: the drawing scales down to a narrow screen instead of overflowing it
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{_W}" height="{_H}" '
             f'viewBox="0 0 {_W} {_H}" style="max-width:100%;height:auto" '
             'font-family="sans-serif" font-size="12">',
             f'<rect width="{_W}" height="{_H}" fill="white"/>',
             f'<line x1="{_M}" y1="{_H - _M}" x2="{_W - _M}" y2="{_H - _M}" stroke="black"/>',
             f'<line x1="{_M}" y1="{_M}" x2="{_M}" y2="{_H - _M}" stroke="black"/>']
    for k in range(6):
        v = top * k / 5
        parts.append(f'<text x="{px(v):.1f}" y="{_H - _M + 16}" text-anchor="middle">'
                     f'{v:.0%}</text>')
        parts.append(f'<text x="{_M - 6}" y="{py(v) + 4:.1f}" text-anchor="end">{v:.0%}</text>')
    parts.append(f'<text x="{_W / 2}" y="{_H - 12}" text-anchor="middle">{escape(a)} tariff '
                 f'on {escape(b)}</text>')
    parts.append(f'<text x="14" y="{_H / 2}" text-anchor="middle" transform="rotate(-90 14 '
                 f'{_H / 2})">{escape(b)} tariff on {escape(a)}</text>')
    for colour, name in zip(_COLOURS, (a, b), strict=True):
        d = curves[curves["player"] == name].sort_values("opponent_rate")
        pts = [(px(r.best_rate), py(r.opponent_rate)) if name == a else
               (px(r.opponent_rate), py(r.best_rate)) for r in d.itertuples()]
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in pts)
        parts.append(f'<polyline points="{path}" fill="none" stroke="{colour}" '
                     'stroke-width="2"/>')
        lx, ly = pts[-1]
        # anchor the label's end at the curve's end when it would run off the right edge
        anchor, dx = ("end", -4) if lx > _W / 2 else ("start", 4)
        parts.append(f'<text x="{lx + dx:.1f}" y="{ly - 6:.1f}" fill="{colour}" '
                     f'text-anchor="{anchor}">best response of {escape(name)}</text>')
    if nash_rates is not None:
        parts.append(f'<circle cx="{px(nash_rates[0]):.1f}" cy="{py(nash_rates[1]):.1f}" r="5" '
                     'fill="black"/>')
        parts.append(f'<text x="{px(nash_rates[0]) + 8:.1f}" y="{py(nash_rates[1]) + 14:.1f}">'
                     f'Nash ({nash_rates[0]:.1%}, {nash_rates[1]:.1%})</text>')
    parts.append("</svg>")
    return "\n".join(parts)


def curves_html(curves: pd.DataFrame, nash_rates: tuple[float, float] | None = None,
                title: str = "Best-response curves") -> str:
    """A standalone HTML page holding :func:`curves_svg` and the table behind it."""
    table = curves.to_html(index=False, float_format=lambda v: f"{v:.4f}")
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>{escape(title)}</title>"
            "</head><body style='font-family:sans-serif'>"
            f"<h1>{escape(title)}</h1>{curves_svg(curves, nash_rates)}"
            "<p>Each curve is one side's welfare-maximising tariff against every tariff of "
            "the other; they cross at the Nash equilibrium of the tariff war.</p>"
            f"{table}</body></html>\n")
