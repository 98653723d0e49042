"""``SolveOptions``: how an equilibrium is solved, in one frozen object.

Every default of the solver lives here and nowhere else: :func:`mp.solve`,
:func:`mp.solve_many`, the analyses, the command line and the web API all take or build a
``SolveOptions``, so that the same scenario gives the same number whichever door it comes
in by. Keyword arguments that a caller leaves at ``None`` mean "the option's default".

A scenario file may set ``theta`` and ``deficits``; :meth:`SolveOptions.for_scenario`
merges them with the caller's choices in the one order every door uses: an explicit
option beats the file, the file beats the default.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any, ClassVar, Literal, get_args

from ..errors import ParameterError
from ..scenario.scenario import DeficitClosure

__all__ = ["Backend", "DeficitClosure", "Horizon", "Mode", "Revenue", "SolveOptions"]

Mode = Literal["full", "conditional"]

#: What a government does with tariff revenue: hand it back as a lump sum, or cut the
#: labour-income tax with it (which moves labour supply when ``labour_supply`` > 0).
Revenue = Literal["lump_sum", "income_tax"]

#: Long run (the model's elasticities) or the first year after a change.
Horizon = Literal["long", "short"]

#: How the equations are iterated; every backend solves the same system to the same
#: tolerance (tested to 1e-12 against each other).
Backend = Literal["auto", "numpy", "compiled", "reference"]


@dataclass(frozen=True, slots=True)
class SolveOptions:
    """Options of a solve; see :mod:`middlepower.model` for the equations they select.

    Parameters
    ----------
    theta : float, array of shape (S,), or None, default None
        Trade elasticity (sigma - 1). None: the world's own sectoral elasticities
        (``world.sector_theta``) where it has them, else :attr:`DEFAULT_THETA`.
    deficits : {"additive", "ratio", "zero"}, default "additive"
        Closure for trade imbalances.
    mode : {"full", "conditional"}, default "full"
    numeraire : str, default "world"
        ``"world"``, a country code, or ``"price:CODE"``.
    tol : float, default 1e-10
    max_iter : int, default 10000
    damping : float, default 1.0
    backend : {"auto", "numpy", "compiled", "reference"}, default "auto"
        ``"reference"``: the plain dense engine (every scenario its own coefficient
        matrices; the reference the others are tested against). ``"numpy"``: the shared
        baseline with sparse shock patches, iterated in NumPy. ``"compiled"``: the same,
        iterated in the compiled kernel (numba) from the first solve, where it applies
        (one sector; see :mod:`middlepower.model.onesector`). ``"auto"``: ``"numpy"`` until a
        process has spent half a second iterating, then ``"compiled"`` (loading the kernel
        costs about 0.4 s, more than a one-shot command saves).
    labour_supply : float, default 0.0
        Frisch elasticity kappa of labour supply, Lhat = ((1 - tau)^ w / P)^kappa
        (0: labour fixed). Welfare is then net of the disutility of work.
    revenue : {"lump_sum", "income_tax"}, default "lump_sum"
        Tariff revenue handed back as a lump sum, or used to cut the labour-income tax
        (tau = R'/Y'), which raises take-home pay by 1 / (1 - tau).
    selling_cost : float, mapping code -> float, array of shape (N,), or "calibrated"; default 0
        nu_n: the share of every sale in destination n paid to n's own labour (marketing
        and distribution). ``"calibrated"``: two values, the US and everyone else, set so
        that SG&A is 26% of US firms' sales and 12% of other firms' (Ignatenko et al.
        2025, from Compustat/Worldscope).
    pass_through : float, default 1.0
        Firm-level tariff pass-through phi~; the importer-level pass-through is
        phi_n = phi~ + nu_n (1 + psi) / (1 - nu_n), the exponent of (1 + t) in trade shares
        being -theta phi_n, and the price index gains the factor (Ehat / what)^(1 - phi_n).
    scale : float, default 0.0
        Scale-economies elasticity psi: unit costs w / L^psi.

    horizon : {"long", "short"}, default "long"
        ``"long"``: the trade elasticities as given (gravity estimates are long-run).
        ``"short"``: the first year after the change, every elasticity times
        ``short_run_ratio``.
    short_run_ratio : float, default 0.38
        Short-run over long-run trade elasticity: Boehm, Levchenko & Pandalai-Nayar (2023,
        AER 113(4)) estimate -0.76 in the year after a tariff change and about -2 in the
        long run (reached after 7-10 years): 0.76 / 2 = 0.38.

    The five before these are the features of Ignatenko, Lashkaripour, Macedoni & Simonovska
    (2025); ``SolveOptions.preset("ilms2025")`` sets them as that paper does. They are
    one-sector options: the reference equations carry them (:mod:`.market`).

    Examples
    --------
    >>> from middlepower.model import SolveOptions
    >>> SolveOptions(theta=4.0).deficits
    'additive'
    >>> SolveOptions().merged(deficits="ratio", theta=None).deficits
    'ratio'
    """

    #: The trade elasticity of a world without its own (one-sector worlds).
    DEFAULT_THETA = 5.0

    theta: Any = None
    deficits: DeficitClosure = "additive"
    mode: Mode = "full"
    numeraire: str = "world"
    tol: float = 1e-10
    max_iter: int = 10_000
    damping: float = 1.0
    backend: Backend = "auto"
    labour_supply: float = 0.0
    revenue: Revenue = "lump_sum"
    selling_cost: Any = 0.0
    pass_through: float = 1.0
    scale: float = 0.0
    horizon: Horizon = "long"
    short_run_ratio: float = 0.38

    #: The presets :meth:`preset` knows, each with its source.
    PRESETS: ClassVar[dict[str, str]] = {
        "ilms2025": "Ignatenko, Lashkaripour, Macedoni & Simonovska (2025), 'Making America "
                    "Great Again? The Economic Impacts of Liberation Day Tariffs', JIE: "
                    "epsilon = 4, kappa = 0.5, psi = 0.67/4, nu calibrated to SG&A shares, "
                    "full firm-level pass-through, revenue cutting the income tax",
    }

    @classmethod
    def preset(cls, name: str, **overrides: Any) -> SolveOptions:
        """Options as a published model sets them (:attr:`PRESETS`), with overrides.

        >>> SolveOptions.preset("ilms2025").labour_supply
        0.5
        """
        if name != "ilms2025":
            raise ParameterError(f"unknown preset {name!r}; expecting one of "
                                 f"{sorted(cls.PRESETS)}.")
        return cls(theta=4.0, labour_supply=0.5, revenue="income_tax",
                   selling_cost="calibrated", pass_through=1.0,
                   scale=0.67 / 4.0).merged(**overrides)

    @property
    def theta_factor(self) -> float:
        """What the horizon multiplies every trade elasticity by (1 in the long run)."""
        return self.short_run_ratio if self.horizon == "short" else 1.0

    @property
    def market(self) -> bool:
        """Is any of the labour, revenue, selling-cost, pass-through or scale options on?"""
        nu = self.selling_cost
        no_nu = isinstance(nu, int | float) and not isinstance(nu, bool) and nu == 0
        return not (no_nu and self.labour_supply == 0 and self.revenue == "lump_sum"
                    and self.pass_through == 1.0 and self.scale == 0)

    def __post_init__(self) -> None:
        for name, kind in (("backend", Backend), ("deficits", DeficitClosure), ("mode", Mode),
                           ("revenue", Revenue), ("horizon", Horizon)):
            if getattr(self, name) not in get_args(kind):
                raise ParameterError(f"{name}={getattr(self, name)!r}: expecting one of "
                                     f"{get_args(kind)}.")
        for name, lo, hi in (("labour_supply", 0.0, 5.0), ("pass_through", 0.0, 1.0),
                             ("scale", 0.0, 0.5), ("short_run_ratio", 0.05, 1.0)):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, int | float) or not lo <= v <= hi:
                raise ParameterError(f"{name}={v!r} must be a number in [{lo:g}, {hi:g}] "
                                     f"(published estimates lie well inside).")

    def merged(self, **overrides: Any) -> SolveOptions:
        """A copy with every override that is not None applied."""
        names = {f.name for f in fields(self)}
        unknown = sorted(set(overrides) - names)
        if unknown:
            raise ParameterError(f"unknown solve option(s) {unknown}; expecting "
                                 f"{sorted(names)}.")
        given = {k: v for k, v in overrides.items() if v is not None}
        return replace(self, **given) if given else self

    @classmethod
    def of(cls, options: SolveOptions | None = None, **overrides: Any) -> SolveOptions:
        """``options`` (or the defaults) with the non-None keyword arguments applied."""
        if options is not None and not isinstance(options, SolveOptions):
            raise ParameterError(f"options must be an mp.SolveOptions; got "
                                 f"{type(options).__name__}.")
        return (options or cls()).merged(**overrides)

    @classmethod
    def for_scenario(cls, scenario: Any, options: SolveOptions | None = None,
                     **overrides: Any) -> SolveOptions:
        """The options of a scenario file: explicit overrides, then the file's ``theta``
        and ``deficits``, then ``options`` or the defaults."""
        base = cls.of(options).merged(theta=getattr(scenario, "theta", None),
                                      deficits=getattr(scenario, "deficits", None))
        return base.merged(**overrides)

    def theta_label(self, world: Any) -> str:
        """How the trade elasticity is set, in a few words (for tables and pages)."""
        if self.theta is not None:
            try:
                return f"{float(self.theta):g}"
            except (TypeError, ValueError):
                return "per sector (given)"
        return "sectoral" if world.sector_theta is not None else f"{self.DEFAULT_THETA:g}"
