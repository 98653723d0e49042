"""The world map: every country shape given to its economy, the others as "rest of world".

Shapes: ``_assets/countries-110m.json`` (world-atlas 2.0.2, Natural Earth 1:110m). A shape
belongs to the economy whose code, or one of whose region members (EU27: its 27), has the
shape's ISO numeric id. Every other shape is the **rest of the world**: countries the
dataset does not model on their own (world2023 lists them as members of ROW; wiod2014 and
cp1993 only have a ROW economy, with no members). They are drawn in one shade, labelled
"rest of world", and show the ROW economy's change in their tooltip when the dataset has
one. Antarctica is left out: no economy trades there, and it would take a fifth of the
map's height on a phone.

The map is as tall as its width asks for (:data:`ASPECT`): with the projection fitted to
the box, a fixed height leaves empty bands above and below the world on a narrow screen.
The web app (``web/static/app.js``) draws the same two layers from ``map_ids``.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    import altair as alt

    from ..data.world import World

__all__ = ["ANTARCTICA", "ASPECT", "REST", "REST_COLOUR", "colour_limit", "map_ids",
           "shape_key_expr", "world_map"]

#: Label and shade of the shapes not modelled on their own.
REST = "rest of world"
REST_COLOUR = "#c3c8cf"
#: World-atlas id of Antarctica, left off the map.
ANTARCTICA = "010"
#: Width over height of the drawn world (Equal Earth, Antarctica left out): the plot is
#: made this much less tall than wide, so that the fitted world fills the width.
ASPECT = 2.3
#: Percentile of |change| at which the map's colours saturate.
CLIP_PERCENTILE = 95.0
#: Shapes world-atlas gives no id, keyed by name, with the economy that holds them.
_NO_ID = {"N. Cyprus": "CYP", "Somaliland": "SOM", "Kosovo": "XKX"}
#: Vega expression of a shape's key: its id, else its name (the three of ``_NO_ID``).
shape_key_expr = "datum.id != null ? datum.id : datum.properties.name"


@lru_cache(maxsize=1)
def topology() -> dict[str, Any]:
    path = resources.files("middlepower").joinpath("report/_assets/countries-110m.json")
    return json.loads(path.read_text(encoding="utf-8"))


def _shape_keys() -> list[str]:
    shapes = topology()["objects"]["countries"]["geometries"]
    keys = [g.get("id") if g.get("id") is not None else g["properties"]["name"]
            for g in shapes]
    return [k for k in keys if k != ANTARCTICA]


def map_ids(world: World) -> list[dict[str, Any]]:
    """``{"id", "economy", "rest"}`` for every shape of the map but Antarctica.

    ``economy``: the economy drawn there; for a rest-of-world shape (``rest``: True) the
    dataset's ROW economy, or None when it has none. Rule: a shape is an economy's when
    the ISO3 code of the economy or of one of its region members converts to the shape's
    id; the first economy listed wins (a country is in one economy only).
    """
    from ..data._countries import _coco

    pairs = [(m, code) for code in world.countries for m in world.regions.get(code, (code,))
             if code != "ROW"]
    nums = _coco().convert([m for m, _ in pairs], src="ISO3", to="ISOnumeric",
                           not_found=None) if pairs else []
    nums = nums if isinstance(nums, list) else [nums]
    owner: dict[str, str] = {}
    for n, (_, econ) in zip(nums, pairs, strict=True):
        if isinstance(n, int | float) and n == n:
            owner.setdefault(f"{int(n):03d}", econ)
    members = {m: econ for m, econ in pairs}
    for name, iso3 in _NO_ID.items():
        if iso3 in members:
            owner.setdefault(name, members[iso3])
    rest = "ROW" if "ROW" in world.countries else None
    return [{"id": k, "economy": owner.get(k, rest), "rest": k not in owner}
            for k in _shape_keys()]


def colour_limit(values: pd.DataFrame) -> float:
    """Where the map's symmetric colour scale saturates: the :data:`CLIP_PERCENTILE`
    percentile of |change| over every economy and option, at least 0.05 (% points)."""
    a = np.abs(values.to_numpy(dtype=float))
    a = a[np.isfinite(a)]
    if not a.size:
        return 0.05
    return float(max(np.percentile(a, CLIP_PERCENTILE), 0.05))


def world_map(world: World, values: pd.DataFrame, title: str) -> alt.LayerChart:
    """Choropleth of one column per option in ``values`` (index: economy).

    The option shown is the Vega parameter ``option`` (``option_0`` first); the page's
    own selector sets it. Colours are symmetric around zero and clipped at
    :func:`colour_limit`; the rest of the world is one shade with its own legend entry.
    The page sets the height from the width (``ASPECT``); 420 px is the fallback.
    """
    import altair as alt

    names = dict(zip(world.countries, world.names, strict=True))
    options = [f"option_{k}" for k in range(values.shape[1])]
    table = values.set_axis(options, axis=1).replace([np.inf, -np.inf], np.nan)
    rows = []
    for m in map_ids(world):
        econ = m["economy"]
        vals = table.loc[econ] if econ in table.index else pd.Series(np.nan, index=options)
        label = (f"{REST} (modelled as one economy, {econ})" if m["rest"] and econ
                 else f"{REST} (not in the data)" if m["rest"] else names.get(econ, econ))
        rows.append({"id": m["id"], "economy": econ, "name": label, "rest": m["rest"],
                     "kind": REST,
                     **{o: (None if pd.isna(vals[o]) else float(vals[o])) for o in options}})
    lim = colour_limit(values)
    topo = alt.InlineData(values=topology(), format=alt.DataFormat(type="topojson",
                                                                     feature="countries"))
    tooltip = [alt.Tooltip("name:N", title="economy"),
               alt.Tooltip("change:Q", format="+.2f", title="real income, %")]
    base = (alt.Chart(topo)
            .transform_filter(f"datum.id !== '{ANTARCTICA}'")
            .transform_calculate(key=shape_key_expr)
            .transform_lookup(lookup="key", from_=alt.LookupData(
                alt.InlineData(values=rows), "id", ["name", "economy", "rest", "kind",
                                                    *options]))
            .transform_calculate(change="datum[option]"))
    rest = (base.transform_filter("datum.rest !== false")
            .mark_geoshape(stroke="white", strokeWidth=0.3)
            .encode(color=alt.Color("kind:N", title=None,
                                    scale=alt.Scale(domain=[REST], range=[REST_COLOUR]),
                                    legend=alt.Legend(orient="bottom", symbolType="square")),
                    tooltip=tooltip))
    modelled = (base.transform_filter("datum.rest === false")
                .mark_geoshape(stroke="white", strokeWidth=0.3)
                .encode(color=alt.Color("change:Q", title="real income, %",
                                        scale=alt.Scale(scheme="redblue", domain=[-lim, lim],
                                                        clamp=True),
                                        legend=alt.Legend(orient="bottom", gradientLength=200)),
                        tooltip=tooltip))
    pick = alt.param(name="option", value=options[0])
    return (alt.layer(rest, modelled, title=title)
            .resolve_scale(color="independent")
            .add_params(pick)
            .project("equalEarth")
            .properties(width="container", height=420))
