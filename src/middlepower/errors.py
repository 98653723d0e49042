"""Every exception middlepower raises, in one place.

Each error subclasses :class:`MiddlepowerError` and the builtin a caller would already
catch, so ``except ValueError`` keeps working::

    MiddlepowerError
     +-- DataError (ValueError)              bad baseline data
     |    +-- ShapeError                     flows not square, tariffs of another shape
     |    +-- DuplicatePairError             an (exporter, importer) pair twice
     |    +-- MissingColumnError             a named column absent from a table
     |    +-- NonFiniteError                 NaN or infinity in flows, tariffs or betas
     |    +-- NegativeFlowError              a flow below zero
     |    +-- DomesticSalesError             zero or negative domestic sales
     |    +-- TariffError                    a tariff below zero
     +-- UnknownCountryError (KeyError)      a code the world does not know
     +-- UnknownDatasetError (KeyError)      a dataset name mp.load does not know
     +-- ScenarioError (ValueError)          a scenario or YAML file that does not validate
     |    +-- ScenarioLimitError             a file beyond a size, alias or nesting limit
     |    +-- DuplicateKeyError              a YAML key or variant name given twice
     +-- ParameterError (ValueError)         a bad option: theta <= 0, unknown closure, ...
     |    +-- DateRangeError                 a date outside the data it looks up
     |    +-- NoInteriorOptimumError         an optimal tariff at a bound of its search
     +-- ConvergenceError (RuntimeError)     the solver did not reach an equilibrium
     |    +-- NashCycleError                 best responses that do not settle
     +-- EstimationError (RuntimeError)      PPML failed or the data cannot identify it
     +-- MissingDependencyError (ImportError) an optional extra is not installed
     +-- OutputError (OSError)               an output file that cannot be written

Messages name the culprit, show its value and suggest a fix.
"""

from __future__ import annotations

__all__ = [
    "ConvergenceError",
    "DataError",
    "DateRangeError",
    "DomesticSalesError",
    "DuplicateKeyError",
    "DuplicatePairError",
    "EstimationError",
    "InadmissibleEquilibriumError",
    "MiddlepowerError",
    "MissingColumnError",
    "MissingDependencyError",
    "NashCycleError",
    "NegativeFlowError",
    "NoInteriorOptimumError",
    "NonConvergenceError",
    "NonFiniteError",
    "OutputError",
    "ParameterError",
    "ScenarioError",
    "ScenarioLimitError",
    "SeparationError",
    "ShapeError",
    "TariffError",
    "UnknownCountryError",
    "UnknownDatasetError",
    "UnknownSectorError",
]


class MiddlepowerError(Exception):
    """Base class of every middlepower error."""

    #: The message as each door words its remedies ("cli": flags, "web": JSON fields),
    #: where it differs from ``str(self)`` (the Python API's keyword arguments).
    doors: dict[str, str] | None = None

    def for_door(self, door: str) -> str:
        """The message for ``door`` ("python", "cli" or "web")."""
        return (self.doors or {}).get(door, str(self))


class DataError(MiddlepowerError, ValueError):
    """Baseline trade data that cannot describe an economy."""


class ShapeError(DataError):
    """Arrays of the wrong shape: flows not N x N, tariffs not matching flows."""


class DuplicatePairError(DataError):
    """A long table holds the same (exporter, importer) pair more than once."""


class MissingColumnError(DataError):
    """A column named by the caller is not in the table."""


class NonFiniteError(DataError):
    """NaN or infinite values where numbers are needed."""


class NegativeFlowError(DataError):
    """A trade flow below zero."""


class DomesticSalesError(DataError):
    """A country whose domestic sales (flows[i, i]) are zero or negative.

    The hat-algebra model needs every country to buy something from itself; merge the
    country into a region (``world.aggregate``) or supply its domestic sales.
    """


class TariffError(DataError):
    """A tariff below zero (a subsidy of more than the good's value is not a tariff)."""


class UnknownCountryError(MiddlepowerError, KeyError):
    """A country or group code that the world in use does not contain."""

    def __str__(self) -> str:  # KeyError would quote the whole message
        return str(self.args[0]) if self.args else ""


class UnknownSectorError(MiddlepowerError, KeyError):
    """A sector name or alias that the world in use does not contain."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class UnknownDatasetError(MiddlepowerError, KeyError):
    """A dataset name that :func:`middlepower.load` does not know."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class ScenarioError(MiddlepowerError, ValueError):
    """A scenario, or a scenario file, that does not validate."""


class ParameterError(MiddlepowerError, ValueError):
    """An option outside its allowed values (theta <= 0, unknown closure, ...)."""


class ConvergenceError(MiddlepowerError, RuntimeError):
    """The equilibrium solver stopped before the equations held.

    Attributes
    ----------
    iterations : int
        Iterations run.
    max_residual : float
        Largest relative excess demand left.
    country : str
        Country with that residual.
    """

    def __init__(self, message: str, *, iterations: int = 0, max_residual: float = float("nan"),
                 country: str = "") -> None:
        super().__init__(message)
        self.iterations = iterations
        self.max_residual = max_residual
        self.country = country


class InadmissibleEquilibriumError(ConvergenceError):
    """The solver's fixed point is not an economy: negative or non-finite spending,
    output, prices or flows, or markets that do not clear.

    Attributes are those of :class:`ConvergenceError`, plus ``quantity`` (what is wrong)
    and ``scenario`` (its name).
    """

    def __init__(self, message: str, *, quantity: str = "", scenario: str = "",
                 **kw: object) -> None:
        super().__init__(message, **kw)  # type: ignore[arg-type]
        self.quantity = quantity
        self.scenario = scenario


class EstimationError(MiddlepowerError, RuntimeError):
    """The gravity estimation failed or the data cannot identify a coefficient."""


class SeparationError(EstimationError):
    """PPML estimates that do not exist: some zero flows are perfectly predicted.

    Raised by :func:`middlepower.estimate.ppml` with ``separation="raise"``; the message
    names how many observations are separated and by which fixed effect or covariates
    (Correia, Guimaraes & Zylkin 2021).
    """


class NonConvergenceError(EstimationError):
    """The PPML iterations stopped at ``maxiter`` before the deviance settled."""


class MissingDependencyError(MiddlepowerError, ImportError):
    """An optional dependency is needed; the message names the extra to install."""


class ScenarioLimitError(ScenarioError):
    """A scenario file beyond a safety limit (bytes, aliases, nodes or nesting depth).

    The limits are checked before or while the YAML is composed, so a hostile file (an
    alias bomb, ``/dev/zero``) is refused without exhausting memory or the stack.
    """


class DuplicateKeyError(ScenarioError):
    """A key given twice in one YAML mapping, or two variants with one name.

    YAML loaders usually keep the last value silently; middlepower refuses instead.
    """


class OutputError(MiddlepowerError, OSError):
    """An output file that cannot be written: a missing folder, a directory in the way,
    two outputs on one path, or a failed write.

    Outputs are written atomically, so the message also says which files were left as
    they were.
    """


class DateRangeError(ParameterError):
    """A date before the first or after the last day a dated table covers (e.g. the US
    tariff tracker of :mod:`middlepower.policy`); the message names the range."""


class NoInteriorOptimumError(ParameterError):
    """A player's optimal tariff lies at a bound of the search, not inside it.

    Attributes: ``player`` (its name), ``label`` (which rate), ``bound`` ("lower" or
    "upper"), ``rate`` (where the search stopped).
    """

    def __init__(self, message: str, *, player: str = "", label: str = "", bound: str = "",
                 rate: float = float("nan"), doors: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.player, self.label, self.bound, self.rate = player, label, bound, rate
        self.doors = doors


class NashCycleError(ConvergenceError):
    """Iterated best responses of a tariff game did not settle on a Nash equilibrium.

    Attributes are those of :class:`ConvergenceError`, plus ``player`` (whose rates moved
    most in the last iteration) and ``history`` (a DataFrame of the iterations).
    """

    def __init__(self, message: str, *, player: str = "", history: object = None,
                 **kw: object) -> None:
        super().__init__(message, **kw)  # type: ignore[arg-type]
        self.player = player
        self.history = history
