"""The brief's sentences and small tables: the headline, the notes on leverage, agreements
and sectors, chosen from the numbers (see :func:`middlepower.report.brief.brief`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from ..data.world import World
from ..errors import ParameterError
from ..model.options import SolveOptions
from ..model.result import Results
from .text import possessive


def _verb(change_pct: float) -> str:
    return "loses" if change_pct < 0 else "gains"


def _cut_phrase(loss: float, base_loss: float) -> str:
    """How much of the loss of giving in a response removes, in words."""
    cut = 1.0 - loss / base_loss if base_loss > 0 else 0.0
    if cut >= 0.95:
        return "all but removes the loss"
    if 0.42 <= cut <= 0.58:
        return "halves the loss"
    if 0.28 <= cut < 0.42:
        return "cuts the loss by about a third"
    if 0.2 <= cut < 0.28:
        return "cuts the loss by about a quarter"
    return f"cuts the loss by {cut:.0%}" if cut > 0 else "does not cut the loss"


def _headline(t_name: str, h_name: str, table: pd.DataFrame, tariff: float,
              money_of: Any) -> tuple[str, list[str]]:
    """The story in one sentence (what giving in costs, whether retaliation helps, what
    helps most), then the details as notes, none repeating the headline. Every word is
    chosen from the numbers; a loss is written as a loss and a gain as a gain."""
    give = table.loc["give in"]
    ret = table.loc["retaliate"]
    options = table.drop(index=["no coercion", "give in"], errors="ignore")
    best = str(options["target_welfare_pct"].idxmax())
    g_loss = -give.target_welfare_pct
    r_loss = -ret.target_welfare_pct
    gain = ret.target_welfare_pct - give.target_welfare_pct
    if gain < 0:
        verdict = f"makes things worse for {t_name}"
    elif g_loss > 0 and gain < 0.15 * g_loss:
        verdict = f"barely helps {t_name}"
    else:
        verdict = f"helps {t_name}, {_cut_phrase(r_loss, g_loss).replace('cuts', 'cutting')}"
        verdict = verdict.replace("halves", "halving").replace("removes", "removing") \
            .replace("does not cut", "not cutting")
    text = (f"Saying no by retaliating {verdict}: {_loss_words(r_loss)}, against "
            f"{_loss_words(g_loss).removesuffix(' of real income lost')} "
            f"({money_of(abs(g_loss))} a year) for giving in to a "
            f"{tariff:.0%} {h_name} tariff")
    b = options.loc[best]
    if best != "retaliate" and b.target_welfare_pct > give.target_welfare_pct:
        what = {"diversify": "diversifying through new agreements",
                "coalition": "a coalition"}.get(best, best)
        if round(b.target_welfare_pct, 2) > 0:
            text += f"; {what} turns the loss into a gain ({b.target_welfare_pct:+.2f}%)"
        elif round(b.target_welfare_pct, 2) == 0:
            text += (f"; {what} all but removes the loss (a change of "
                     f"{b.target_welfare_pct:+.3f}%)")
        else:
            text += f"; {what} {_cut_phrase(-b.target_welfare_pct, g_loss)} (to " \
                    f"{-b.target_welfare_pct:.2f}%)"
    elif best != "retaliate":
        text += "; no response does better than giving in"
    text += "."
    notes = [f"If {t_name} retaliates, {h_name} {_verb(ret.against_welfare_pct)} "
             f"{abs(ret.against_welfare_pct):.2f}% of real income; if {t_name} gives in, it "
             f"{_verb(give.against_welfare_pct)} {abs(give.against_welfare_pct):.2f}%.",
             f"Best response for {t_name}: {best} "
             f"({_small_pct(options.loc[best, 'target_welfare_pct'])} real income, "
             f"{money_of(options.loc[best, 'target_welfare_pct'], True)} a year)."]
    if "coalition" in table.index:
        c = table.loc["coalition"]
        if c.target_welfare_pct > give.target_welfare_pct:
            change = (f"turns {possessive(t_name)} loss of {g_loss:.2f}% into a gain of "
                      f"{c.target_welfare_pct:.2f}%" if round(c.target_welfare_pct, 2) > 0
                      else f"cuts {possessive(t_name)} loss from {g_loss:.2f}% to "
                           f"{max(-c.target_welfare_pct, 0):.2f}%")
            notes.append(f"The coalition {change}, and {h_name} "
                         f"{_verb(c.against_welfare_pct)} {abs(c.against_welfare_pct):.2f}%.")
        else:
            notes.append(f"The coalition does not beat giving in for {t_name} "
                         f"({c.target_welfare_pct:+.2f}% vs {give.target_welfare_pct:+.2f}%): "
                         "the partners' markets are too small to replace the one lost, and "
                         "joint retaliation raises prices at home.")
    return text, notes


def _loss_words(loss: float) -> str:
    """``1.79% of real income lost``, or ``a gain of 0.12% of real income``."""
    if round(loss, 2) < 0:
        return f"a gain of {-loss:.2f}% of real income"
    digits = 2 if round(loss, 2) > 0 else 3
    return f"{max(loss, 0):.{digits}f}% of real income lost"


def _leverage_note(lev: dict[str, float], tariff: float, t_name: str, h_name: str) -> str:
    """The bilateral trade war in words; a ratio only when both sides lose, said as one
    loss a multiple of the other ("X times less" reads both ways)."""
    lt, lh = lev["target_loss_pct"], lev["against_loss_pct"]
    head = f"In a bilateral {tariff:.0%} tariff war {t_name} would "
    if lt > 0 and lh > 0:
        (big, small), ratio = ((t_name, h_name), lt / lh) if lt >= lh else \
            ((h_name, t_name), lh / lt)
        return (head + f"lose {lt:.2f}% of real income and {h_name} {lh:.2f}%: "
                f"{possessive(big)} loss is {ratio:.1f} times that of {small}.")
    return (head + f"{_verb(-lt)} {abs(lt):.2f}% and {h_name} {_verb(-lh)} {abs(lh):.2f}%; "
            "with a side that gains, a loss ratio means nothing.")


def _agreement_notes(t_name: str, pairs: dict[str, dict[str, list[str]]]) -> list[str]:
    """Which agreement pairs the diversify and coalition responses add, and which they do
    not because an agreement is already in force."""
    out = []
    for name, p in pairs.items():
        if not p["new"] and not p["in_force"]:
            continue
        new = ", ".join(p["new"][:8]) if p["new"] else "none"
        if len(p["new"]) > 8:
            new += f" and {len(p['new']) - 8} more"
        have = len(p["in_force"])
        text = f"{name.capitalize()}: new agreement pairs {new}"
        if have:
            text += (f"; {have} pair{'s' if have > 1 else ''} already "
                     f"trade{'' if have > 1 else 's'} under an agreement "
                     f"in force, so no effect is added there ("
                     + "; ".join(p["in_force"][:4]) + ("; ..." if have > 4 else "") + ")")
        out.append(text + ".")
    return out


def _theta_range(theta: float | None) -> tuple[float, float] | None:
    """Range of the uniform theta draw (+-20% within the accepted range); None: the
    world's own elasticities scaled by 0.8-1.2 (see :func:`mp.uncertainty`)."""
    from .._elasticity import theta_band

    return None if theta is None else theta_band(theta)


def _present_codes(world: World, codes: Sequence[str]) -> list[str]:
    out: list[str] = []
    for c in codes:
        try:
            out += [world.countries[k] for k in world.resolve(c)]
        except Exception:  # a bad candidate was already reported by the search
            continue
    return out


def _top_movers(results: Results, k: int) -> list[str]:
    out: set[str] = set()
    for r in results:
        out |= set(r.countries["welfare_pct"].abs().nlargest(k).index)
    return sorted(out)


def _no_worse_than_response(best: pd.DataFrame, table: pd.DataFrame, world: World,
                            target: str, coalition: Sequence[str]) -> pd.DataFrame:
    """The coalition search ranks subsets of the candidates; the full set is the brief's
    own "coalition" response. Should the search miss it (a beam search on many
    candidates), put the response in front, so the brief never reports a best
    coalition worse than its own coalition."""
    if "coalition" not in table.index or best is None:
        return best
    own = float(table.loc["coalition", "target_welfare_pct"])
    if len(best) and float(best.iloc[0].target_welfare_pct) >= own - 1e-9:
        return best
    members = [m for m in _present_codes(world, coalition) if m != target]
    row: dict[str, Any] = {c: float("nan") for c in best.columns}
    row.update({"all_gain": False, "worst_member": "",
                "coalition": "+".join(sorted(members)), "partners": tuple(sorted(members)),
                "size": len(members), "target_welfare_pct": own,
                "against_welfare_pct": float(table.loc["coalition", "against_welfare_pct"])})
    if "target_gain_pp" in best.columns:
        row["target_gain_pp"] = own - float(table.loc["give in", "target_welfare_pct"])
    return pd.concat([pd.DataFrame([row]), best], ignore_index=True)


def _sector_effects(result: Any, target: str, against: str) -> pd.DataFrame:
    """Output change by sector in the target and the hegemon under "give in"."""
    sec = result.sectors
    rows = sec[sec.country.isin([target, against])]
    return rows[["country", "sector", "output_baseline", "output_pct", "exports_pct",
                 "price_pct"]].reset_index(drop=True)


def _sector_notes(fx: pd.DataFrame, target: str, against: str, target_name: str,
                  against_name: str) -> list[str]:
    out = []
    for country, who in ((target, target_name), (against, against_name)):
        rows = fx[(fx.country == country) & (fx.output_baseline > 0)]
        lose = rows.nsmallest(3, "output_pct")
        gain = rows.nlargest(3, "output_pct")
        out.append(f"{who}: sectors losing most output (give in): " + ", ".join(
            f"{r.sector} {r.output_pct:+.2f}%" for r in lose.itertuples())
            + "; gaining most: " + ", ".join(f"{r.sector} {r.output_pct:+.2f}%"
                                             for r in gain.itertuples()) + ".")
    return out


def _model_note(world: World, target: str, against: str, tariff: float, table: pd.DataFrame,
                names: dict[str, str], sectors: Any, exempt: float) -> str | None:
    """How the headline moves under the Liberation-Day paper's model (labour supply,
    revenue cutting the income tax, selling costs, pass-through, scale; its theta of 4):
    give in and retaliate solved again under ``SolveOptions.preset("ilms2025")``. None
    where the preset does not apply (several sectors, or no US to calibrate on)."""
    from ..coercion.responses import response_scenarios
    from ..model import SolveOptions, solve_many

    if world.n_sectors > 1 or "USA" not in world.countries:
        return None
    scen = [s for s in response_scenarios(world, target, against, tariff, (), (),
                                          sectors=sectors, exempt=exempt)
            if s.name in ("give in", "retaliate")]
    got = solve_many(world, scen, options=SolveOptions.preset("ilms2025"))
    k = world.index(target)
    pct = {s.name: 100 * (r.welfare_hat[k] - 1) for s, r in zip(scen, got, strict=True)}
    here = table["target_welfare_pct"]
    return (f"How much the model matters: under the Liberation-Day paper's model (Ignatenko "
            f"et al. 2025: labour supply, tariff revenue cutting the income tax, selling "
            f"costs, scale economies, theta 4), giving in costs {names[target]} "
            f"{-pct['give in']:.2f}% and retaliating {-pct['retaliate']:.2f}% (here "
            f"{-here['give in']:.2f}% and {-here['retaliate']:.2f}%); --model ilms2025 runs "
            f"the whole brief under it.")


def _horizon_note(t_name: str, table: pd.DataFrame, ratio: float) -> str:
    """This year beside the long run: the short-run elasticities (``horizon="short"``)."""
    give, ret = table.loc["give in"], table.loc["retaliate"]
    return (f"This year and the long run: trade responds less in the first year (elasticities "
            f"x{ratio:g}, Boehm, Levchenko & Pandalai-Nayar 2023), so giving in costs "
            f"{t_name} {-give.target_welfare_short_pct:.2f}% this year against "
            f"{-give.target_welfare_pct:.2f}% in the long run, and retaliating "
            f"{-ret.target_welfare_short_pct:.2f}% against {-ret.target_welfare_pct:.2f}%.")


def _this_year(table: pd.DataFrame, world: World, target: str, against: str, tariff: float,
               opts: SolveOptions | None, **kw: Any) -> SolveOptions:
    """Add this year's numbers to the responses: the same responses solved with the
    short-run elasticities (``SolveOptions.horizon="short"``); returns those options."""
    year = (opts or SolveOptions()).merged(horizon="short")
    from ..coercion.responses import responses

    short, _ = responses(world, target, against, tariff, options=year, **kw)
    for who in ("target", "against"):
        table[f"{who}_welfare_short_pct"] = short[f"{who}_welfare_pct"]
    return year


def _currency(world: World, currency: str | None) -> tuple[str, float, str]:
    """(unit, rate from the data's unit, note) for amounts in ``currency``: the data year's
    average rate from the shipped ECB table (:mod:`middlepower.data.fx`)."""
    unit = world.unit or ""
    cur, _, scale = unit.partition(" ")
    if not currency or currency.upper() == cur:
        return unit, 1.0, ""
    if cur != "USD":
        raise ParameterError(f"currency={currency!r}: the data's amounts are in {unit!r}, not "
                             "US dollars, so no rate applies.")
    from ..data.fx import per_usd

    code = currency.upper()
    rate = per_usd(code, world.year)
    return (f"{code} {scale}".strip(), rate,
            f"Amounts in {code} of {world.year}: {world.year} prices at that year's average "
            f"rate of {rate:.4g} {code} per US dollar (ECB reference rates).")


def _small_pct(x: float) -> str:
    """``+1.28%``; a change that rounds to zero at two decimals keeps three (``+0.002%``),
    so a tiny gain is not printed as ``+0.00%`` beside a headline that names it."""
    return f"{x:+.3f}%" if abs(x) < 0.005 else f"{x:+.2f}%"
