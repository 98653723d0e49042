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
    from .solve import Baseline

__all__ = ["Result", "Results"]


def _pct(new: np.ndarray, old: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(old > 0, 100.0 * (new / np.where(old > 0, old, 1.0) - 1.0), np.nan)


class Result:
    """The counterfactual equilibrium of one scenario.

    Attributes
    ----------
    scenario : Scenario
    countries : DataFrame
        One row per economy (index ``country``). Percent changes from the baseline:
        ``welfare_pct`` (real expenditure, (E'/E)/Phat), ``real_gdp_pct`` (w/Phat),
        ``price_index_pct`` (consumer prices incl. tariffs), ``factory_price_pct`` (w),
        ``expenditure_pct``, ``exports_pct``, ``imports_pct`` (pre-tariff values),
        ``terms_of_trade_pct`` (w over a CES index of pre-tariff import prices). Levels,
        in the world's unit and numeraire: ``welfare_change`` (E_j (What_j - 1)),
        ``tariff_revenue``, ``tariff_revenue_change``; ``domestic_share``, new lambda_jj.
    flows : DataFrame
        exporter, importer, baseline, counterfactual, change_pct, tariff_baseline, tariff.
    converged : bool
        Always True: the solver raises instead of returning an unconverged result.
    iterations : int
    max_residual : float
        Largest relative excess demand at the solution.
    w_hat, price_index_hat, welfare_hat : ndarray of shape (N,)
    """

    def __init__(self, *, scenario: Scenario, world: World, base: Baseline, theta: float,
                 deficits: str, w: np.ndarray, p_theta: np.ndarray, spending: np.ndarray,
                 iterations: int, max_residual: float) -> None:
        self.scenario = scenario
        self.world = world
        self.base = base
        self.theta = theta
        self.deficits = deficits
        self.w_hat = w
        self.p_theta = p_theta
        self.price_index_hat = p_theta ** (-1.0 / theta)
        self.spending = spending
        self.iterations = iterations
        self.max_residual = max_residual
        self.converged = True

    @property
    def name(self) -> str:
        return self.scenario.name

    # The (N, N) arrays are rebuilt on first use rather than stored: analyses keep
    # thousands of results and mostly read (N,) outcomes.
    @cached_property
    def _arrays(self) -> ShockArrays:
        return self.scenario.arrays(self.world)

    @cached_property
    def tariffs(self) -> np.ndarray:
        """(N, N) counterfactual tariffs t'."""
        return self._arrays.tariffs

    @cached_property
    def shares(self) -> np.ndarray:
        """(N, N) counterfactual spending shares lambda'_ij = a_ij w_i^-theta / Phat_j^-theta."""
        from .solve import _stack

        a = _stack(self.base, [self._arrays], np.array([[self.theta]])).a[0]
        return a * (self.w_hat ** -self.theta)[:, None] / self.p_theta[None, :]

    @cached_property
    def flows_matrix(self) -> np.ndarray:
        """(N, N) counterfactual pre-tariff flows X'_ij = lambda'_ij E'_j / (1 + t'_ij)."""
        return self.shares * self.spending[None, :] / (1.0 + self.tariffs)

    @cached_property
    def welfare_hat(self) -> np.ndarray:
        """(N,) (E'_j / E_j) / Phat_j."""
        return self.spending / self.base.spending / self.price_index_hat

    @cached_property
    def countries(self) -> pd.DataFrame:
        b = self.base
        x_new = self.flows_matrix
        exp0 = b.flows.sum(1) - np.diag(b.flows)
        imp0 = b.flows.sum(0) - np.diag(b.flows)
        exp1 = x_new.sum(1) - np.diag(x_new)
        imp1 = x_new.sum(0) - np.diag(x_new)
        rev0 = (b.tariffs * b.flows).sum(0)
        rev1 = (self.tariffs * x_new).sum(0)
        foreign = b.shares.copy()
        np.fill_diagonal(foreign, 0.0)
        # CES index of pre-tariff import prices at baseline weights: cost shocks count,
        # tariffs do not; terms of trade = own factory-gate price over it.
        cost = self.shares / np.where(b.shares > 0, b.shares, 1.0) \
            * (self.price_index_hat ** -self.theta)[None, :] \
            * ((1.0 + self.tariffs) / (1.0 + b.tariffs)) ** self.theta
        weight = foreign.sum(0)
        with np.errstate(divide="ignore", invalid="ignore"):
            pim = ((foreign * cost).sum(0) / weight) ** (-1.0 / self.theta)
            tot = np.where(weight > 0, 100.0 * (self.w_hat / pim - 1.0), 0.0)
        return pd.DataFrame(
            {
                "welfare_pct": 100.0 * (self.welfare_hat - 1.0),
                "real_gdp_pct": 100.0 * (self.w_hat / self.price_index_hat - 1.0),
                "price_index_pct": 100.0 * (self.price_index_hat - 1.0),
                "factory_price_pct": 100.0 * (self.w_hat - 1.0),
                "expenditure_pct": 100.0 * (self.spending / b.spending - 1.0),
                "exports_pct": _pct(exp1, exp0),
                "imports_pct": _pct(imp1, imp0),
                "terms_of_trade_pct": tot,
                "welfare_change": b.spending * (self.welfare_hat - 1.0),
                "tariff_revenue": rev1,
                "tariff_revenue_change": rev1 - rev0,
                "domestic_share": np.diag(self.shares).copy(),
            },
            index=pd.Index(b.countries, name="country"),
        )

    @cached_property
    def flows(self) -> pd.DataFrame:
        b = self.base
        n = len(b.countries)
        codes = np.asarray(b.countries, dtype=object)
        new = self.flows_matrix.ravel()
        old = b.flows.ravel()
        return pd.DataFrame({
            "exporter": np.repeat(codes, n),
            "importer": np.tile(codes, n),
            "baseline": old,
            "counterfactual": new,
            "change_pct": _pct(new, old),
            "tariff_baseline": b.tariffs.ravel(),
            "tariff": self.tariffs.ravel(),
        })

    def __getitem__(self, country: str) -> pd.Series:
        """The row of ``countries`` for one economy."""
        return self.countries.loc[country]

    def __repr__(self) -> str:
        return (f"<Result {self.name!r}: N={len(self.base.countries)}, theta={self.theta:g}, "
                f"{self.deficits}, iterations={self.iterations}, "
                f"max_residual={self.max_residual:.1e}>")


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
