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
     +-- ParameterError (ValueError)         a bad option: theta <= 0, unknown closure, ...
     +-- ConvergenceError (RuntimeError)     the solver did not reach an equilibrium
     +-- EstimationError (RuntimeError)      PPML failed or the data cannot identify it
     +-- MissingDependencyError (ImportError) an optional extra is not installed

Messages name the culprit, show its value and suggest a fix.
"""

from __future__ import annotations

__all__ = [
    "ConvergenceError",
    "DataError",
    "DomesticSalesError",
    "DuplicatePairError",
    "EstimationError",
    "MiddlepowerError",
    "MissingColumnError",
    "MissingDependencyError",
    "NegativeFlowError",
    "NonFiniteError",
    "ParameterError",
    "ScenarioError",
    "ShapeError",
    "TariffError",
    "UnknownCountryError",
    "UnknownDatasetError",
]


class MiddlepowerError(Exception):
    """Base class of every middlepower error."""


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


class EstimationError(MiddlepowerError, RuntimeError):
    """The gravity estimation failed or the data cannot identify a coefficient."""


class MissingDependencyError(MiddlepowerError, ImportError):
    """An optional dependency is needed; the message names the extra to install."""
