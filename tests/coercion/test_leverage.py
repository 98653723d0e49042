"""Leverage matrix, best retaliation, and the Dask path giving the local answer."""

from __future__ import annotations

import numpy as np
import pytest

import middlepower as mp
from middlepower import coercion


def test_leverage_symmetry_and_reciprocity():
    flows = np.full((3, 3), 5.0) + np.eye(3) * 90
    world = mp.World.from_matrix(["A", "B", "C"], flows)
    lev = coercion.leverage(world)
    np.testing.assert_allclose(lev.matrix.loc["A", "B"], 1.0, rtol=1e-9)
    m = lev.matrix.to_numpy()
    off = ~np.eye(3, dtype=bool)
    np.testing.assert_allclose(m[off] * m.T[off], 1.0, rtol=1e-9)


def test_us_has_leverage_over_canada(world2023):
    lev = coercion.leverage(world2023, countries=["USA", "CAN", "MEX", "CHN"])
    assert len(lev.table) == 6
    p = lev.pair("USA", "CAN")
    assert p["loss_b"] > 10 * p["loss_a"] > 0
    assert lev.matrix.loc["USA", "CAN"] == pytest.approx(1 / lev.matrix.loc["CAN", "USA"])
    emb = coercion.leverage(world2023, embargo=True, countries=["USA", "CAN"])
    assert emb.pair("USA", "CAN")["loss_b"] > p["loss_b"]


def test_best_retaliation_is_interior(world2023):
    table = coercion.best_retaliation(world2023, "CAN", "USA")
    best = table.iloc[0]
    assert 0 < best.rate < 1
    zero = table.set_index("rate").loc[0.0, "target_welfare_pct"]
    assert best.target_welfare_pct > zero


def test_dask_cluster_gives_the_local_answer(world2023):
    distributed = pytest.importorskip("distributed")
    scen = [coercion.trade_war(a, "USA") for a in ("CAN", "MEX", "CHN", "JPN", "EU27")]
    local = mp.model.batch.run_many(world2023, scen)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        remote = mp.model.batch.run_many(world2023, scen, executor=client, chunk_size=2)
        lev = coercion.leverage(world2023, countries=["USA", "CAN", "MEX"], executor=client)
    for a, b in zip(local, remote, strict=True):
        assert a.name == b.name
        np.testing.assert_allclose(a.w_hat, b.w_hat, atol=1e-12)
    np.testing.assert_allclose(
        lev.matrix.loc["USA", "CAN"],
        coercion.leverage(world2023, countries=["USA", "CAN", "MEX"]).matrix.loc["USA", "CAN"])


def test_responses_with_best_rate(world2023):
    table, _ = coercion.responses(world2023, "CAN", "USA", best_rate=True)
    assert "retaliate (best rate)" in table.index
    assert table.loc["retaliate (best rate)", "target_welfare_pct"] >= \
        table.loc["retaliate", "target_welfare_pct"]
    assert (table.third_countries_welfare_pct.abs() < 5).all()
