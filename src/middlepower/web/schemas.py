"""Request bodies of the JSON API, validated by pydantic before anything is computed.

Scenarios use the package's own :class:`middlepower.Scenario` model (the schema of the
YAML files). A dataset is named, never a path: ``data`` must be one of the shipped
datasets, so no request can make the server read a file.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

from .._elasticity import THETA_RANGE, check_theta_number
from ..data.datasets import DEFAULT_DATASET, datasets
from ..scenario.scenario import Scenario

__all__ = ["BriefRequest", "CoalitionRequest", "CurvesRequest", "LeverageRequest",
           "MembersRequest", "NashRequest", "OptimalRequest", "SayNoRequest", "SolveRequest",
           "SuggestRequest", "ValidateRequest", "shipped_names"]

#: A country or group code as typed by a user; its meaning is checked against the world.
Code = Annotated[str, Field(min_length=1, max_length=60)]
Rate = Annotated[float, Field(ge=0, le=5, description="Ad valorem tariff, 0.25 = 25%.")]
#: One trade elasticity for every sector, in the range every door shares.
Theta = Annotated[float, AfterValidator(check_theta_number), Field(
    description=f"Trade elasticity, {THETA_RANGE[0]:g} to {THETA_RANGE[1]:g} (typically 2-10).")]
Closure = Literal["additive", "ratio"]
#: A day as YYYY-MM-DD; its range is checked against the tariff tracker's coverage.
Day = Annotated[str, Field(pattern=r"^\d{4}-\d{2}-\d{2}$", description="YYYY-MM-DD.")]
#: A player of the tariff game: an economy, or a coalition acting as one (a list, or
#: codes joined by "+").
PlayerCode = Annotated[Annotated[str, Field(min_length=1, max_length=200)] | list[Code],
                      Field(description="'USA', ['CAN', 'EU27'] or 'CAN+EU27'.")]
GameInstrument = Literal["uniform", "opponent"]


def shipped_names() -> list[str]:
    """Names of the datasets shipped in the package (the only ones a request may name)."""
    return list(datasets().index)


def _check_data(v: str | None) -> str | None:
    if v is None:
        return v
    names = shipped_names()
    if v not in names:
        raise ValueError(f"unknown dataset {v[:60]!r}; the server offers {', '.join(names)} "
                         "(files and paths are not accepted over the web)")
    return v


class _Request(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    data: str = Field(DEFAULT_DATASET, description="A shipped dataset (GET /api/v1/datasets).")
    # None: SolveOptions' default (the dataset's own elasticities; the additive closure),
    # as on the command line
    theta: Theta | None = None
    deficits: Closure | None = None

    _data = field_validator("data")(_check_data)


class BriefRequest(_Request):
    """The coercion brief: ``against`` taxes ``target`` at ``tariff``."""

    theta: Theta | None = Field(None, description="Trade elasticity; None: the dataset's own "
                                "sectoral elasticities, or 5 on a one-sector dataset.")
    target: Code = Field(description="The coerced economy, e.g. CAN.")
    against: Code = Field(description="The hegemon, e.g. USA.")
    tariff: Rate = 0.25
    bands: int = Field(50, ge=0, description="Draws for 5-95% bands; 0 for none.")
    sectors: list[Code] | None = Field(
        None, max_length=100, description="Sectors taxed (multi-sector datasets): codes, "
        "names or aliases such as 'steel'; every goods sector if None.")
    exempt: float = Field(0.0, ge=0, le=1, description="Share of the target's exports that "
                          "enters duty-free (e.g. USMCA-qualifying goods), 0-1.")
    as_of: Day | None = Field(None, description="Start from the US tariffs in force on this "
                              "day (GET /api/v1/policy/dates) instead of the data year's.")
    diversify_with: list[Code] | None = Field(None, max_length=50)
    coalition: list[Code] | None = Field(None, max_length=50)
    model: Literal["ilms2025"] | None = Field(None, description="A model preset: ilms2025 "
                                             "(the Liberation-Day paper's; one-sector data).")
    currency: str | None = Field(None, pattern=r"^[A-Za-z]{3}$", description="State amounts "
                                 "in this currency (e.g. CAD) at the data year's average rate.")


class SolveRequest(_Request):
    """A scenario, as an object in the YAML files' schema or as the YAML text itself."""

    data: str | None = Field(None, description="Overrides the scenario's data.")
    theta: Theta | None = None
    deficits: Closure | None = None
    scenario: Scenario | None = None
    yaml: str | None = Field(None, description="The scenario file's text (safe loader).")
    bands: int = Field(0, ge=0, description="Draws for 5-95% welfare bands; 0 for none.")
    flows: bool = Field(False, description="Also return the bilateral flows.")

    @model_validator(mode="after")
    def _one_source(self) -> SolveRequest:
        if (self.scenario is None) == (self.yaml is None):
            raise ValueError("give exactly one of 'scenario' (an object) or 'yaml' (text)")
        return self


class ValidateRequest(BaseModel):
    """A scenario file's text, checked as the command line checks it."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)
    yaml: str
    data: str | None = Field(None, description="Also check the codes against this dataset.")

    _data = field_validator("data")(_check_data)


class LeverageRequest(_Request):
    """Bilateral trade wars between every pair of ``countries`` (all when omitted)."""

    tariff: Rate = 0.25
    embargo: bool = False
    countries: list[Code] | None = Field(None, min_length=2, max_length=400)


class CoalitionRequest(_Request):
    """Rank coalitions of ``candidates`` answering ``against``'s tariff on ``target``."""

    target: Code
    against: Code
    candidates: list[Code] = Field(min_length=1, max_length=400)
    instrument: Literal["free_trade", "retaliation", "both"] = "both"
    objective: Literal["target", "coalition"] = "target"
    tariff: Rate = 0.25
    max_size: int | None = Field(None, ge=1, le=64)
    require_all_gain: bool = False
    top: int = Field(20, ge=1, le=500)


class MembersRequest(_Request):
    """A coalition of ``target`` and ``members``: Shapley split, or stability."""

    target: Code
    against: Code
    members: list[Code] = Field(min_length=1, max_length=400)
    instrument: Literal["free_trade", "retaliation", "both"] = "both"
    tariff: Rate = 0.25


class SuggestRequest(BaseModel):
    """A news story; the scenarios it implies are built and checked on ``data``."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)
    text: str = Field(description="The story as plain text (at most 100,000 characters).")
    data: str = Field(DEFAULT_DATASET, description="A shipped dataset.")
    min_confidence: float = Field(0.0, ge=0, le=1)

    _data = field_validator("data")(_check_data)


class _GameRequest(_Request):
    theta: Theta | None = None
    bounds: tuple[Rate, Rate] = Field((0.0, 2.0), description="Rates searched, 0.25 = 25%.")
    local: bool = Field(False, description="Return the interior peak when welfare keeps "
                        "rising toward the upper bound (fixed deficits; docs/game.md).")

    @model_validator(mode="after")
    def _ordered(self) -> _GameRequest:
        if not self.bounds[0] < self.bounds[1]:
            raise ValueError(f"bounds {list(self.bounds)}: the lower rate must be below the upper")
        return self


class OptimalRequest(_GameRequest):
    """``player``'s optimal tariffs on ``on``, everyone else's at their baseline."""

    player: PlayerCode
    on: list[PlayerCode] | None = Field(None, max_length=12,
                                        description="Whom it taxes; every other economy if None.")
    instrument: GameInstrument = "uniform"


class NashRequest(_GameRequest):
    """A Nash equilibrium in tariffs among ``players`` (2 to 6)."""

    players: list[PlayerCode] = Field(min_length=2, max_length=6)
    instrument: GameInstrument = "opponent"
    targets: Literal["all", "players"] = "players"


class SayNoRequest(_GameRequest):
    """Can ``target`` say no to ``against``: give in, retaliate, or a (coalition) war."""

    target: Code
    against: Code
    coalitions: list[PlayerCode] = Field(default_factory=list, max_length=4,
                                         description="Partners fighting with the target as "
                                         "one player, each a code or a list ('EU27+GBR').")
    objective: Literal["total", "worst"] = "total"


class CurvesRequest(_GameRequest):
    """Both sides' bilateral best responses to a grid of the other's rate."""

    a: Code
    b: Code
    rates: list[Rate] | None = Field(None, min_length=2, max_length=13,
                                     description="The other side's rates (default 0-60%).")
