r"""Labour supply, revenue use, selling costs, tariff pass-through and scale economies: the
terms the options of :class:`SolveOptions` add to the one-sector equations.

They are those of Ignatenko, Lashkaripour, Macedoni & Simonovska (2025), with the
paper's symbols (rows exporters j, columns importers i; hats are changes):

* **Selling costs** nu_i: a share nu_i of every sale in i is paid to i's own labour, so
  labour income is Y_i = sum_n (1 - nu_n) X_in + nu_i sum_j X_ji (sales at producer
  prices), and the baseline transfer is T_i = E_i - R_i - Y_i.
* **Pass-through**: trade shares move with (1 + t_ji)^(-theta phi_i), phi_i = phi~ +
  nu_i (1 + psi) / (1 - nu_i); the price index is
  Phat_i = (Ehat_i / what_i)^(1 - phi_i) (sum_j lambda_ji (what_j Lhat_j^-psi)^-theta
  that^(-theta phi_i))^(-1/theta).
* **Scale**: unit costs what_j / Lhat_j^psi.
* **Labour supply**: Lhat_i = ((1 - tau_i)^ what_i / Phat_i)^kappa, the take-home factor
  (1 - tau)^ = (1 - R_i / Y_i) / (1 - R'_i / Y'_i) when revenue cuts the income tax (the
  paper has no baseline tariffs, R = 0), else 1.
* **Welfare** with disutility of work: What_i = delta_i Ehat_i / Phat_i + (1 - delta_i)
  what_i Lhat_i / Phat_i, delta_i = E_i / (E_i - kappa (1 - tau_i) Y_i / (1 + kappa)).

Labour-market clearing is sum_n (1 - nu_n) X'_in + nu_i sum_j X'_ji = what_i Lhat_i Y_i;
the budget E'_i = R'_i + what_i Lhat_i Y_i + T'_i, with T' under the deficit closure
(additive: T_i sum Y' / sum Y, as the paper). With every option off these are the
equations of :mod:`.equations` term for term.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from ..errors import ParameterError
from .baseline import Baseline
from .options import SolveOptions

__all__ = ["Market", "calibrated_selling_cost", "market_of"]

#: SG&A as a share of manufacturing firms' sales (Compustat/Worldscope), the targets of
#: the calibration of nu in Ignatenko et al. (2025): the US, and every other economy.
SGA_TARGETS = {"USA": 0.26, "rest": 0.12}


@dataclass(frozen=True)
class Market:
    """The resolved terms of one world under the options (arrays (N,))."""

    nu: np.ndarray
    phi: np.ndarray        # importer-level pass-through, the exponent's multiplier
    psi: float
    kappa: float
    income_tax: bool
    labour: np.ndarray     # Y_i, baseline labour income
    deficit: np.ndarray    # T_i = E_i - R_i - Y_i
    spending: np.ndarray   # E_i, incl. tariffs
    tax: np.ndarray        # tau_i = R_i / Y_i, the baseline labour tax revenue replaces

    @property
    def labour_moves(self) -> bool:
        return self.kappa > 0


def calibrated_selling_cost(base: Baseline, us: str = "USA") -> np.ndarray:
    """nu with one value for ``us`` and one for every other economy, solving

    r_R nu_R + (1 - r_R) nu_US = 0.12 and r_US nu_US + (1 - r_US) nu_R = 0.26,

    r_R and r_US the share of each region's sales made at home (the world summed into the
    two regions, trade within the rest counting as home sales)."""
    if us not in base.countries:
        raise ParameterError(f"selling_cost='calibrated' needs {us} in the world (its SG&A "
                             "share is a calibration target).")
    k = base.countries.index(us)
    X = base.flows
    rest = np.ones(len(base.countries), dtype=bool)
    rest[k] = False
    to_us, from_us = X[rest, k].sum(), X[k, rest].sum()
    home_r, home_us = X[np.ix_(rest, rest)].sum(), X[k, k]
    r_r, r_us = home_r / (home_r + to_us), home_us / (home_us + from_us)
    A = np.array([[r_r, 1.0 - r_r], [1.0 - r_us, r_us]])
    nu_r, nu_us = np.linalg.solve(A, [SGA_TARGETS["rest"], SGA_TARGETS["USA"]])
    nu = np.full(len(base.countries), max(nu_r, 0.0))
    nu[k] = max(nu_us, 0.0)
    return nu


def _selling_cost(base: Baseline, value: object) -> np.ndarray:
    n = len(base.countries)
    if isinstance(value, str):
        if value != "calibrated":
            raise ParameterError(f"selling_cost={value!r}: expecting a number, a table by "
                                 "country, or 'calibrated'.")
        return calibrated_selling_cost(base)
    if isinstance(value, Mapping):
        unknown = sorted(set(value) - set(base.countries))
        if unknown:
            raise ParameterError(f"selling_cost names economies not in the world: {unknown}.")
        nu = np.zeros(n)
        for code, v in value.items():
            nu[base.countries.index(code)] = float(v)
    else:
        nu = np.broadcast_to(np.asarray(value, dtype=float), (n,)).copy() \
            if np.ndim(value) in (0, 1) and np.size(value) in (1, n) else None
        if nu is None:
            raise ParameterError(f"selling_cost has {np.size(value)} values for {n} economies.")
    if not np.all(np.isfinite(nu)) or (nu < 0).any() or (nu >= 0.9).any():
        raise ParameterError("selling_cost must lie in [0, 0.9) for every economy (the "
                             "calibrated values are 0.11 and 0.27).")
    return nu


def market_of(base: Baseline, options: SolveOptions) -> Market | None:
    """The terms of ``options`` on this baseline, or None when every option is off."""
    if not options.market:
        return None
    if len(base.sectors) > 1 or base.has_io:
        raise ParameterError("labour_supply, revenue, selling_cost, pass_through and scale "
                             "are one-sector options; use world.collapse() for them.")
    if options.mode != "full":
        raise ParameterError("the labour and selling-cost options need mode='full'.")
    if options.numeraire.startswith("price:"):
        raise ParameterError("numeraire='price:CODE' is not available with the labour and "
                             "selling-cost options; use 'world' or a country code.")
    nu = _selling_cost(base, options.selling_cost)
    psi = float(options.scale)
    phi = options.pass_through + nu * (1.0 + psi) / (1.0 - nu)
    X, t0 = base.flows, base.tariffs
    sold = X.sum(axis=0)                                   # sum_j X_ji, producer prices
    labour = ((1.0 - nu)[None, :] * X).sum(axis=1) + nu * sold
    if (labour <= 0).any():
        raise ParameterError("an economy has no labour income under these selling costs.")
    revenue = (X * t0).sum(axis=0)
    spending = sold + revenue
    income_tax = options.revenue == "income_tax"
    return Market(nu, phi, psi, float(options.labour_supply), income_tax, labour,
                  spending - revenue - labour, spending,
                  revenue / labour if income_tax else np.zeros_like(labour))


def take_home(rho: np.ndarray, income: np.ndarray, y_new: np.ndarray, m: Market
              ) -> np.ndarray:
    """log (1 - tau)^ = log (1 - tau_0) - log (1 - tau'): revenue R' = rho E' cutting the
    labour tax, tau' = R' / Y', against the baseline's tau_0 = R / Y (zero where the
    baseline has no tariffs, as in the paper)."""
    if not m.income_tax:
        return np.zeros_like(y_new)
    return np.log1p(-m.tax) - np.log1p(-(rho * income) / y_new)


def price_index(income: np.ndarray, w: np.ndarray, p_theta: np.ndarray, theta: np.ndarray,
                m: Market) -> np.ndarray:
    """Phat = (Ehat / what)^(1 - phi) S^(-1/theta), (b, N); S = p_theta of one sector."""
    e_hat = income / m.spending
    return (e_hat / w) ** (1.0 - m.phi) * p_theta[:, 0, :] ** (-1.0 / theta)


def welfare(income: np.ndarray, w: np.ndarray, labour: np.ndarray, price: np.ndarray,
            rho: np.ndarray, m: Market) -> np.ndarray:
    """What = delta Ehat / Phat + (1 - delta) what Lhat / Phat, (b, N)."""
    e_hat = income / m.spending
    if m.kappa == 0:
        return e_hat / price
    y_new = w * labour * m.labour
    tau = (rho * income) / y_new if m.income_tax else np.zeros_like(y_new)
    delta = m.spending / (m.spending - m.kappa * (1.0 - tau) * m.labour / (1.0 + m.kappa))
    return delta * e_hat / price + (1.0 - delta) * w * labour / price
