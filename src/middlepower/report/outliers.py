"""Economies whose baseline data are unusual enough to drive a table: flag them.

A goods-trade baseline built from gross trade and GDP (``world2023``) gives a few
economies shapes that no model can read well: a goods deficit larger than a fifth of
output (a re-export hub whose re-exports were not netted, or a transfer-financed
economy), a surplus of that size, or a domestic share so low that nearly all output is
exported (gross exports of processing economies such as Vietnam, 95% of GDP, count
imported parts that value added does not). Their welfare changes are large for data
reasons as much as economic ones. :func:`flag` lists them with the reason; the brief and
``middlepower run`` mark them in tables and say why, and the build script stores the
list in the dataset's JSON.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..data.world import World

__all__ = ["MAX_BALANCE_SHARE", "MIN_DOMESTIC_SHARE", "flag"]

#: Largest goods deficit or surplus, as a share of output, read as ordinary.
MAX_BALANCE_SHARE = 0.20
#: Smallest share of spending on home goods read as ordinary.
MIN_DOMESTIC_SHARE = 0.15


def flag(world: World) -> dict[str, str]:
    """``{code: reason}`` for economies with implausible baseline shapes.

    Rules: a deficit or surplus above :data:`MAX_BALANCE_SHARE` of output, or a domestic
    share (spending on home goods over total spending) below
    :data:`MIN_DOMESTIC_SHARE`. Regions such as ``ROW`` are left out: they are sums of
    many economies, not an economy.

    Examples
    --------
    >>> import middlepower as mp
    >>> sorted(flag(mp.load("world2023")))
    ['MYS', 'VNM']
    """
    s = world.summary()
    out: dict[str, str] = {}
    for code, r in s.iterrows():
        if code in world.regions or code == "ROW" or not r.output > 0:
            continue
        reasons = []
        bal = r.deficit / r.output
        if bal > MAX_BALANCE_SHARE:
            reasons.append(f"goods deficit {bal:.0%} of output")
        elif bal < -MAX_BALANCE_SHARE:
            reasons.append(f"goods surplus {-bal:.0%} of output")
        if r.domestic_share < MIN_DOMESTIC_SHARE:
            reasons.append(f"domestic share {r.domestic_share:.0%} (gross exports near "
                           "output)")
        if reasons:
            out[str(code)] = "; ".join(reasons)
    return out
