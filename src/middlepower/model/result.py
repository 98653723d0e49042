"""What ``solve`` returns: the counterfactual equilibrium of one scenario, as tidy tables."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from functools import cached_property
from typing import TYPE_CHECKING, Any, overload

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from ..data.world import World
    from ..scenario.scenario import Scenario
    from ..scenario.shocks import ShockArrays
    from .baseline import Baseline

__all__ = ["Result", "Results"]


def _pct(new: np.ndarray, old: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(old > 0, 100.0 * (new / np.where(old > 0, old, 1.0) - 1.0), np.nan)


def consumer_prices(alpha: np.ndarray, p_theta: np.ndarray, theta: np.ndarray
                    ) -> tuple[np.ndarray, np.ndarray]:
    """Sector price changes Phat^s = (Phat^s^-theta_s)^(-1/theta_s), (..., S, N), and the
    consumer price index Phat_n = prod_s (Phat^s_n)^alpha^s_n, (..., N); ``theta`` (..., S,
    1)."""
    sector = p_theta ** (-1.0 / theta)
    return sector, np.exp((alpha * np.log(sector)).sum(axis=-2))


def _offdiag_sum(x: np.ndarray, axis: int) -> np.ndarray:
    """Sum over ``axis`` of (..., N, N) without the diagonal (exports: -1, imports: -2)."""
    return x.sum(axis=axis) - np.diagonal(x, axis1=-2, axis2=-1)


class Result:
    """The counterfactual equilibrium of one scenario.

    Attributes
    ----------
    scenario : Scenario
    countries : DataFrame
        One row per economy (index ``country``). Percent changes from the baseline:
        ``welfare_pct`` (real income, (I'/I)/Phat, with Phat the consumer price index),
        ``real_gdp_pct`` (w/Phat), ``price_index_pct`` (consumer prices incl. tariffs),
        ``factory_price_pct`` (w), ``expenditure_pct`` (spending incl. tariffs),
        ``exports_pct``, ``imports_pct`` (pre-tariff values), ``terms_of_trade_pct``
        (export over import prices, pre-tariff). Levels, in the world's unit and numeraire:
        ``welfare_change`` (I_j (What_j - 1)), ``tariff_revenue``,
        ``tariff_revenue_change``; ``domestic_share``, new lambda_jj.
    flows : DataFrame
        [sector,] exporter, importer, baseline, counterfactual, change_pct,
        tariff_baseline, tariff.
    sectors : DataFrame
        One row per (country, sector): output, exports, imports (levels before and after)
        and % changes of output, exports, imports, the sector price index and unit cost.
    converged : bool
        Always True: the solver raises instead of returning an unconverged result.
    iterations : int
    max_residual : float
        Largest relative excess demand at the solution.
    w_hat, price_index_hat, welfare_hat : ndarray of shape (N,)
    """

    def __init__(self, *, scenario: Scenario, world: World, base: Baseline,
                 theta: float | np.ndarray, deficits: str, w: np.ndarray, c_theta: np.ndarray,
                 p_theta: np.ndarray, absorption: np.ndarray, income: np.ndarray,
                 iterations: int, max_residual: float,
                 prices: tuple[np.ndarray, np.ndarray] | None = None,
                 market: tuple[np.ndarray, np.ndarray, Any] | None = None) -> None:
        self.scenario = scenario
        self.world = world
        self.base = base
        self.theta = theta
        self.deficits = deficits
        self.w_hat = w
        self.c_theta = c_theta          # (S, N) chat^-theta
        self.p_theta = p_theta          # (S, N) Phat^-theta
        self.absorption = absorption    # (S, N) X'^s_n
        self.income = income            # (N,) I'_n
        self.iterations = iterations
        self.max_residual = max_residual
        self.converged = True
        if prices is None:      # a batch computes them for all its results at once
            prices = consumer_prices(base.alpha, p_theta, self._theta_s[:, None])
        self.sector_price_hat, self.price_index_hat = prices
        # labour supply, selling costs, ... (model.market): Lhat, What and the terms
        self._market = market

    @cached_property
    def spending(self) -> np.ndarray:
        """(N,) counterfactual spending, summed over sectors."""
        return self.absorption.sum(axis=0)

    @property
    def name(self) -> str:
        return self.scenario.name

    @property
    def _theta_s(self) -> np.ndarray:
        return np.broadcast_to(np.asarray(self.theta, dtype=float), (len(self.base.sectors),))

    # The (S, N, N) arrays are rebuilt on first use rather than stored: analyses keep
    # thousands of results and mostly read (N,) outcomes.
    @cached_property
    def _arrays(self) -> ShockArrays:
        return self.scenario.arrays(self.world)

    @cached_property
    def sector_tariffs(self) -> np.ndarray:
        """(S, N, N) counterfactual tariffs t'."""
        return self._arrays.tariffs

    @cached_property
    def sector_shares(self) -> np.ndarray:
        """(S, N, N) lambda'^s_ij = a^s_ij chat^s_i^-theta / Phat^s_j^-theta."""
        from ..scenario.patches import sparse_batch
        from ._coefficients import dense

        shocks = sparse_batch(self.world, [self.scenario])
        phi = None if self._market is None else self._market[2].phi
        a = dense(self.base, shocks, self._theta_s[None, :], phi).a[0]
        return a * self.c_theta[:, :, None] / self.p_theta[:, None, :]

    @cached_property
    def sector_flows_matrix(self) -> np.ndarray:
        """(S, N, N) counterfactual pre-tariff flows X'^s_ij = lambda' X'^s_j / (1 + t')."""
        return self.sector_shares * self.absorption[:, None, :] / (1.0 + self.sector_tariffs)

    @cached_property
    def flows_matrix(self) -> np.ndarray:
        """(N, N) counterfactual pre-tariff flows, summed over sectors."""
        return self.sector_flows_matrix.sum(axis=0)

    @cached_property
    def tariffs(self) -> np.ndarray:
        """(N, N) counterfactual tariffs (revenue-weighted over sectors)."""
        if self.sector_tariffs.shape[0] == 1:
            return self.sector_tariffs[0]
        from ..data.world import _weighted_tariff

        return _weighted_tariff(self.sector_tariffs, self.sector_flows_matrix)

    @cached_property
    def shares(self) -> np.ndarray:
        """(N, N) counterfactual share of j's spending (incl. tariffs) bought from i."""
        if self.sector_shares.shape[0] == 1:
            return self.sector_shares[0]
        return (self.sector_shares * self.absorption[:, None, :]).sum(axis=0) \
            / self.spending[None, :]

    @cached_property
    def welfare_hat(self) -> np.ndarray:
        """(N,) real income change, (I'_j / I_j) / Phat_j; with labour supply net of the
        disutility of work (:func:`middlepower.model.market.welfare`)."""
        if self._market is not None:
            return self._market[1]
        return self.income / self.base.income / self.price_index_hat

    @property
    def employment_hat(self) -> np.ndarray:
        """(N,) change of employment Lhat (1 where labour supply is fixed)."""
        return np.ones(len(self.base.countries)) if self._market is None else self._market[0]

    @cached_property
    def _terms_of_trade(self) -> np.ndarray:
        """Export over import prices (pre-tariff), % change; Fisher-free: CES import
        price index at baseline weights per sector, sectors weighted by trade."""
        b = self.base
        th = self._theta_s[:, None, None]
        lam0 = b.sector_shares
        foreign = lam0.copy()
        idx = np.arange(lam0.shape[1])
        foreign[:, idx, idx] = 0.0
        with np.errstate(divide="ignore", invalid="ignore"):
            # delivered pre-tariff price^-theta over baseline: (a/lambda) that^theta c^-theta
            that = (1.0 + self.sector_tariffs) / (1.0 + b.sector_tariffs)
            cost = np.where(lam0 > 0, self.sector_shares * self.p_theta[:, None, :]
                            / np.where(lam0 > 0, lam0, 1.0), 0.0) * that ** th
            weight = foreign.sum(axis=1)                                   # (S, N)
            log_pim = np.log((foreign * cost).sum(axis=1) / weight) / -th[:, 0]
            log_pim = np.where(weight > 0, log_pim, 0.0)
            log_pex = np.log(self.c_theta) / -th[:, 0]
        X = b.sector_flows
        ex_w = _offdiag_sum(X, -1)
        im_w = _offdiag_sum(X, -2)
        ex_tot, im_tot = ex_w.sum(axis=0), im_w.sum(axis=0)
        with np.errstate(divide="ignore", invalid="ignore"):
            lx = (ex_w * log_pex).sum(axis=0) / ex_tot
            lm = (im_w * log_pim).sum(axis=0) / im_tot
            tot = 100.0 * (np.exp(lx - lm) - 1.0)
        return np.where((ex_tot > 0) & (im_tot > 0) & np.isfinite(tot), tot, 0.0)

    @cached_property
    def countries(self) -> pd.DataFrame:
        b = self.base
        x_new = self.flows_matrix
        rev0 = (b.sector_tariffs * b.sector_flows).sum(axis=(0, 1))
        rev1 = (self.sector_tariffs * self.sector_flows_matrix).sum(axis=(0, 1))
        return pd.DataFrame(
            {
                "welfare_pct": 100.0 * (self.welfare_hat - 1.0),
                "real_gdp_pct": 100.0 * (self.w_hat / self.price_index_hat - 1.0),
                "price_index_pct": 100.0 * (self.price_index_hat - 1.0),
                "factory_price_pct": 100.0 * (self.w_hat - 1.0),
                "expenditure_pct": 100.0 * (self.spending / b.spending - 1.0),
                "exports_pct": _pct(_offdiag_sum(x_new, -1), _offdiag_sum(b.flows, -1)),
                "imports_pct": _pct(_offdiag_sum(x_new, -2), _offdiag_sum(b.flows, -2)),
                "terms_of_trade_pct": self._terms_of_trade,
                "welfare_change": b.income * (self.welfare_hat - 1.0),
                "tariff_revenue": rev1,
                "tariff_revenue_change": rev1 - rev0,
                "domestic_share": np.diag(self.shares).copy(),
            } | ({} if self._market is None else
                 {"employment_pct": 100.0 * (self.employment_hat - 1.0)}),
            index=pd.Index(b.countries, name="country"),
        )

    @cached_property
    def sectors(self) -> pd.DataFrame:
        """One row per (country, sector): levels and % changes of output, exports, imports,
        the sector's price index and unit cost."""
        b = self.base
        S, N = len(b.sectors), len(b.countries)
        x0, x1 = b.sector_flows, self.sector_flows_matrix
        out0, out1 = x0.sum(axis=2), x1.sum(axis=2)
        ex0, ex1 = _offdiag_sum(x0, -1), _offdiag_sum(x1, -1)
        im0, im1 = _offdiag_sum(x0, -2), _offdiag_sum(x1, -2)
        cost_hat = self.c_theta ** (-1.0 / self._theta_s[:, None])
        return pd.DataFrame({
            "country": np.tile(np.asarray(b.countries, dtype=object), S),
            "sector": np.repeat(np.asarray(b.sectors, dtype=object), N),
            "output_baseline": out0.ravel(),
            "output": out1.ravel(),
            "output_pct": _pct(out1, out0).ravel(),
            "exports_pct": _pct(ex1, ex0).ravel(),
            "imports_pct": _pct(im1, im0).ravel(),
            "price_pct": (100.0 * (self.sector_price_hat - 1.0)).ravel(),
            "cost_pct": (100.0 * (cost_hat - 1.0)).ravel(),
            "exports_baseline": ex0.ravel(),
            "exports": ex1.ravel(),
        })

    @cached_property
    def flows(self) -> pd.DataFrame:
        b = self.base
        S, n = len(b.sectors), len(b.countries)
        codes = np.asarray(b.countries, dtype=object)
        new = self.sector_flows_matrix.ravel()
        old = b.sector_flows.ravel()
        frame = pd.DataFrame({
            "exporter": np.tile(np.repeat(codes, n), S),
            "importer": np.tile(codes, n * S),
            "baseline": old,
            "counterfactual": new,
            "change_pct": _pct(new, old),
            "tariff_baseline": b.sector_tariffs.ravel(),
            "tariff": self.sector_tariffs.ravel(),
        })
        if S > 1:
            frame.insert(0, "sector", np.repeat(np.asarray(b.sectors, dtype=object), n * n))
        return frame

    def to_world(self) -> World:
        """The counterfactual equilibrium as a new, validated baseline :class:`World`."""
        from .rebase import world_from_result

        return world_from_result(self)

    def __getitem__(self, country: str) -> pd.Series:
        """The row of ``countries`` for one economy."""
        return self.countries.loc[country]

    def __repr__(self) -> str:
        th = np.asarray(self.theta)
        theta = f"{float(th):g}" if th.ndim == 0 else f"{len(th)} sectoral"
        return (f"<Result {self.name!r}: N={len(self.base.countries)}, "
                f"S={len(self.base.sectors)}, theta={theta}, {self.deficits}, "
                f"iterations={self.iterations}, max_residual={self.max_residual:.1e}>")


class Results(Sequence[Result]):
    """Results of several scenarios (what :func:`mp.solve_many` returns)."""

    def __init__(self, results: list[Result]) -> None:
        self._results = list(results)

    @overload
    def __getitem__(self, key: int | str) -> Result: ...
    @overload
    def __getitem__(self, key: slice) -> Results: ...

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, str):
            for r in self._results:
                if r.name == key:
                    return r
            raise KeyError(f"no scenario named {key!r}; have {[r.name for r in self]}")
        if isinstance(key, slice):
            return Results(self._results[key])
        return self._results[key]

    def __len__(self) -> int:
        return len(self._results)

    def __iter__(self) -> Iterator[Result]:
        return iter(self._results)

    @property
    def names(self) -> list[str]:
        return [r.name for r in self._results]

    @property
    def countries(self) -> pd.DataFrame:
        """Every result's ``countries`` stacked, with a ``scenario`` column first."""
        frames = [r.countries.reset_index().assign(scenario=r.name) for r in self._results]
        df = pd.concat(frames, ignore_index=True)
        return df[["scenario", *[c for c in df.columns if c != "scenario"]]]

    def table(self, column: str = "welfare_pct") -> pd.DataFrame:
        """One column of ``countries`` as a country x scenario table."""
        return pd.DataFrame({r.name: r.countries[column] for r in self._results})

    def __repr__(self) -> str:
        return f"<Results of {len(self)} scenarios: {', '.join(self.names[:5])}" \
               f"{', ...' if len(self) > 5 else ''}>"
