"""The equilibrium system of :mod:`middlepower.model`, written once.

Arrays are (batch, S, N) or (batch, S, N, N) with axes (scenario, sector, exporter,
importer); one scenario is batch = 1 and a one-sector world is S = 1. A new model option
is a field of :class:`SolveOptions` carried in :class:`_Spec` and its terms here.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import market as mk
from ._coefficients import Dense, Shared
from .baseline import Baseline

__all__ = ["Coefficients"]


@dataclass(frozen=True)
class _Spec:
    """Settings of one batch solve, checked by :func:`_check_options`."""

    theta: np.ndarray      # (b, S): one trade elasticity per scenario and sector
    deficits: str
    conditional: bool
    ref: int | None        # numeraire country, None for world output
    ref_price: bool        # True: its consumer price index is fixed, else its factory price
    tol: float
    max_iter: int
    damping: float
    backend: str = "auto"  # SolveOptions.backend
    market: mk.Market | None = None   # labour, revenue, selling-cost, ... terms (:mod:`.market`)


#: What a batch's coefficients may be.
Coefficients = Dense | Shared


def _io_sum(m: np.ndarray, v: np.ndarray) -> np.ndarray:
    """out[b, s, n] = sum_k m[n, s, k] v[b, k, n], (b, S, N): one (S, S) matrix product
    per country (``m`` is :attr:`Baseline.io_by_country` or ``io_used_by_country``)."""
    return np.ascontiguousarray(np.matmul(m, v.transpose(2, 1, 0)).transpose(2, 1, 0))


@dataclass
class _State:
    """Where the iteration stands: log w (b, N); with input-output links also the log
    sector prices (b, S, N) and sector spending relative to the baseline (b, S, N); with
    labour supply (one sector) log Lhat (b, N)."""

    x: np.ndarray
    p: np.ndarray | None = None
    e: np.ndarray | None = None
    l: np.ndarray | None = None

    def flat(self) -> np.ndarray:
        if self.l is not None:
            return np.concatenate([self.x, self.l], axis=1)
        if self.p is None:
            return self.x
        b = self.x.shape[0]
        return np.concatenate([self.x, self.p.reshape(b, -1), self.e.reshape(b, -1)], axis=1)

    def unflat(self, z: np.ndarray) -> _State:
        n = self.x.shape[1]
        if self.l is not None:
            return _State(z[:, :n], l=z[:, n:])
        if self.p is None:
            return _State(z)
        k = self.p[0].size
        return _State(z[:, :n], z[:, n:n + k].reshape(self.p.shape),
                      z[:, n + k:].reshape(self.e.shape))

    def take(self, rows: np.ndarray) -> _State:
        if self.l is not None:
            return _State(self.x[rows], l=self.l[rows])
        if self.p is None:
            return _State(self.x[rows])
        return _State(self.x[rows], self.p[rows], self.e[rows])

    def log_labour(self) -> np.ndarray:
        """log Lhat, (b, N): zero where labour is fixed."""
        return self.l if self.l is not None else np.zeros_like(self.x)


@dataclass
class _Eval:
    """Everything the equations give at a state (see :func:`_evaluate`)."""

    w: np.ndarray          # (b, N)
    c_theta: np.ndarray    # (b, S, N) chat^-theta
    p_theta: np.ndarray    # (b, S, N) Phat^-theta
    absorption: np.ndarray  # (b, S, N) X' used for sales
    income: np.ndarray     # (b, N) I'
    sales: np.ndarray      # (b, S, N) Y'^s_i, pre-tariff
    ratio: np.ndarray      # (b, N) value-added sales over w VA (1 in equilibrium)
    p_next: np.ndarray | None = None   # (b, S, N) log Phat implied by the state
    e_next: np.ndarray | None = None   # (b, S, N) X'/X implied by the state
    labour: np.ndarray | None = None   # (b, N) Lhat (with the market options)
    price: np.ndarray | None = None    # (b, N) Phat incl. the pass-through term (idem)
    rho: np.ndarray | None = None      # (b, N) tariff share of spending (idem)
    l_next: np.ndarray | None = None   # (b, N) log Lhat implied by the state (idem)


def _deficits(w: np.ndarray, base: Baseline, spec: _Spec) -> np.ndarray:
    """D'_n under the closure: additive in units of world value added, a ratio to VA, or
    zero (trade balanced in the counterfactual). With the market options ``w`` is the
    change of labour income w Lhat, and VA and D are the labour income Y and transfer T."""
    VA, D = base.value_added, base.deficit
    if spec.market is not None:
        VA, D = spec.market.labour, spec.market.deficit
    if spec.deficits == "zero":
        return np.zeros_like(w)
    if spec.deficits == "additive":
        return D[None, :] * ((w @ VA) / VA.sum())[:, None]
    wva = w * VA  # D'_n / VA'_n = D_n / VA_n - c, with c keeping world deficits at zero
    return D * w - wva * ((w @ D) / wva.sum(axis=1))[:, None]


def _evaluate(st: _State, c: Coefficients, base: Baseline, spec: _Spec) -> _Eval:
    """The equations of :mod:`middlepower.model` at a state.

    log chat^s_n = gamma^s_n log w_n + sum_k io[s, k, n] log Phat^k_n;
    Phat^s_j^-theta = sum_i a^s_ij chat^s_i^-theta;
    without input-output links X'^s_n = alpha^s_n I'_n in closed form,
    I'_n = (w_n VA_n + D'_n) / (1 - sum_s alpha^s_n rho^s_n), rho the tariff share of
    spending; with them X' comes from the state and the map returns its update
    X'^s_n = sum_u io[u, s, n] Y'^u_n + alpha^s_n I'_n, I'_n = w_n VA_n + D'_n + R'_n.
    Sales Y'^s_i = sum_j lambda'^s_ij X'^s_j / (1 + t'^s_ij); ratio = sum_s gamma^s Y'^s
    over w VA (sales over output, Y'/(w Y), in one sector).
    """
    if spec.market is not None:
        return _evaluate_market(st, c, base, spec)
    th = spec.theta[:, :, None]                       # (b, S, 1)
    w = np.exp(st.x)
    log_c = st.x[:, None, :] if not base.has_io else base.va_share * st.x[:, None, :]
    if st.p is not None:
        log_c = log_c + _io_sum(base.io_by_country, st.p)
    c_theta = np.exp(-th * log_c)
    p_theta = c.importer("a", c_theta)
    if spec.conditional:
        absorption = np.broadcast_to(base.absorption, p_theta.shape)
        income = np.broadcast_to(base.income, w.shape)
    else:
        rho = c.importer("a_tau", c_theta) / p_theta
        d_new = _deficits(w, base, spec)
        if st.p is None:
            income = (w * base.value_added + d_new) / (1.0 - (base.alpha * rho).sum(axis=1))
            absorption = base.alpha * income[:, None, :]
        else:
            absorption = st.e * base.scale
            income = w * base.value_added + d_new + (rho * absorption).sum(axis=1)
    sales = c_theta * c.exporter("a_sale", absorption / p_theta)
    if spec.conditional:
        ratio = sales[:, 0, :] / base.value_added
    else:
        ratio = (base.va_share * sales).sum(axis=1) / (w * base.value_added)
    out = _Eval(w, c_theta, p_theta, absorption, income, sales, ratio)
    if st.p is not None:
        with np.errstate(divide="ignore", invalid="ignore"):
            out.p_next = np.log(p_theta) / -th
        x_next = _io_sum(base.io_used_by_country, sales) + base.alpha * income[:, None, :]
        out.e_next = x_next / base.scale
    return out


def _evaluate_market(st: _State, c: Coefficients, base: Baseline, spec: _Spec) -> _Eval:
    """The one-sector equations with the terms of :mod:`.market`: unit costs w Lhat^-psi,
    labour income Y'_i = w_i Lhat_i Y_i, spending E' = (Y' + T') / (1 - rho) (revenue
    R' = rho E'), and labour demand sum_n (1 - nu_n) X'_in + nu_i (1 - rho_i) E'_i over
    Y'_i as the ratio; the price index and labour supply of the state."""
    m = spec.market
    th = spec.theta[:, :, None]
    w, log_l = np.exp(st.x), st.log_labour()
    lab = np.exp(log_l)
    c_theta = np.exp(-th * (st.x - m.psi * log_l)[:, None, :])
    p_theta = c.importer("a", c_theta)
    rho = c.importer("a_tau", c_theta)[:, 0, :] / p_theta[:, 0, :]
    wl = w * lab
    y_new = wl * m.labour
    income = (y_new + _deficits(wl, base, spec)) / (1.0 - rho)
    absorption = income[:, None, :]
    q = absorption / p_theta
    sales = c_theta * c.exporter("a_sale", q)
    demand = (c_theta * c.exporter("a_sale", (1.0 - m.nu) * q))[:, 0, :] \
        + m.nu * (1.0 - rho) * income
    price = mk.price_index(income, w, p_theta, spec.theta, m)
    out = _Eval(w, c_theta, p_theta, absorption, income, sales, demand / y_new,
                labour=lab, price=price, rho=rho)
    if m.labour_moves:
        with np.errstate(invalid="ignore", divide="ignore"):
            out.l_next = m.kappa * (mk.take_home(rho, income, y_new, m) + np.log(w / price))
    return out


def _step(ev: _Eval, c: Coefficients, base: Baseline, spec: _Spec) -> np.ndarray:
    """Jacobi-Newton step on log w: log(ratio) / (1 + sum_s omega^s theta_s gamma^s (1 - s^s)).

    s^s_i = sum_j (sales^s_ij / sales^s_i) lambda'^s_ij, how much of i's market moves with
    its own price; omega^s_i the sector's part of i's value-added sales. In one sector:
    log(ratio) / (1 + theta (1 - s)).
    """
    q = ev.absorption / ev.p_theta
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        # sum_j a_sale_ij q_j is sales / chat^-theta (:func:`_evaluate`): not formed again
        own = ev.c_theta * ev.c_theta * c.exporter("a_pair", q / ev.p_theta) / ev.sales
        if ev.sales.shape[1] == 1 and not base.has_io:   # one sector: omega = gamma = 1
            return np.log(ev.ratio) / (1.0 + spec.theta * (1.0 - own[:, 0, :]))
        own = np.where(np.isfinite(own), own, 1.0)
        va_sales = base.va_share * ev.sales
        omega = va_sales / va_sales.sum(axis=1, keepdims=True)
        slope = (omega * spec.theta[:, :, None] * base.va_share * (1.0 - own)).sum(axis=1)
        return np.log(ev.ratio) / (1.0 + slope)


def _normalise(st: _State, c: Coefficients, base: Baseline, spec: _Spec) -> _State:
    """Impose the numeraire: shift every price (and spending, homogeneous of degree one)."""
    x = st.x
    if spec.ref is None:
        shift = np.log((np.exp(x) @ base.value_added) / base.value_added.sum())
    elif spec.ref_price:  # prod_s Phat^s_ref^alpha^s_ref = 1
        r = spec.ref
        if st.p is not None:
            shift = st.p[:, :, r] @ base.alpha[:, r]
        else:
            th = spec.theta                                           # (b, S)
            z = np.exp(-th[:, :, None] * base.va_share[None, :, :] * x[:, None, :])
            pt = (c.column(r) * z).sum(axis=2)
            shift = (np.log(pt) / -th) @ base.alpha[:, r]
    else:
        shift = x[:, spec.ref]
    if st.l is not None:
        return _State(x - shift[:, None], l=st.l)
    if st.p is None:
        return _State(x - shift[:, None])
    return _State(x - shift[:, None], st.p - shift[:, None, None],
                  st.e * np.exp(-shift)[:, None, None])


def _map(st: _State, c: Coefficients, base: Baseline, spec: _Spec
         ) -> tuple[_State, np.ndarray, _Eval]:
    """One sweep G of the fixed point, and each scenario's residual (b,).

    The residual is the largest relative excess demand, max_i |ratio_i - 1|; with
    input-output links also the largest change of a log sector price or of relative
    sector spending over the sweep.
    """
    ev = _evaluate(st, c, base, spec)
    res = np.max(np.abs(ev.ratio - 1.0), axis=1)
    x_new = st.x + spec.damping * _step(ev, c, base, spec)
    if st.l is not None:
        nxt = _State(x_new, l=st.l + spec.damping * (ev.l_next - st.l))
        with np.errstate(invalid="ignore"):
            res = np.maximum(res, np.max(np.abs(ev.l_next - st.l), axis=1))
    elif st.p is None:
        nxt = _State(x_new)
    else:
        nxt = _State(x_new, ev.p_next, ev.e_next)
        with np.errstate(invalid="ignore"):
            dp = np.max(np.abs(ev.p_next - st.p), axis=(1, 2))
            de = np.max(np.abs(ev.e_next - st.e), axis=(1, 2))
        res = np.maximum(res, np.maximum(dp, de))
    res = np.where(np.isfinite(res), res, np.inf)
    with np.errstate(invalid="ignore", over="ignore"):
        return _normalise(nxt, c, base, spec), res, ev
