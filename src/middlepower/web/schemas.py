"""Request bodies of the JSON API, validated by pydantic before anything is computed.

Scenarios use the package's own :class:`middlepower.Scenario` model (the schema of the
YAML files). A dataset is named, never a path: ``data`` must be one of the shipped
datasets, so no request can make the server read a file.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ..data.datasets import datasets
from ..scenario.scenario import Scenario

__all__ = ["BriefRequest", "CoalitionRequest", "LeverageRequest", "MembersRequest",
           "SolveRequest", "ValidateRequest", "shipped_names"]

#: A country or group code as typed by a user; its meaning is checked against the world.
Code = Annotated[str, Field(min_length=1, max_length=60)]
Rate = Annotated[float, Field(ge=0, le=5, description="Ad valorem tariff, 0.25 = 25%.")]
Theta = Annotated[float, Field(gt=0, le=50, description="Trade elasticity (typically 2-10).")]
Closure = Literal["additive", "ratio"]


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
    model_config = ConfigDict(extra="forbid", frozen=True)

    data: str = Field("world2023", description="A shipped dataset (GET /api/v1/datasets).")
    theta: Theta = 5.0
    deficits: Closure = "additive"

    _data = field_validator("data")(_check_data)


class BriefRequest(_Request):
    """The coercion brief: ``against`` taxes ``target`` at ``tariff``."""

    target: Code = Field(description="The coerced economy, e.g. CAN.")
    against: Code = Field(description="The hegemon, e.g. USA.")
    tariff: Rate = 0.25
    bands: int = Field(50, ge=0, description="Draws for 5-95% bands; 0 for none.")
    sectors: list[Code] | None = Field(
        None, max_length=100, description="Sectors taxed (multi-sector datasets); all if None.")
    diversify_with: list[Code] | None = Field(None, max_length=50)
    coalition: list[Code] | None = Field(None, max_length=50)


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

    model_config = ConfigDict(extra="forbid", frozen=True)
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
