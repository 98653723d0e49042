"""Partial effects shipped with middlepower, each with its source, sample and standard error.

Re-estimate on your own data with :func:`middlepower.estimate.ppml` and pass
``effect=`` to :func:`middlepower.agreement`, or a table to
:func:`middlepower.partial_effect`.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["RTA_EFFECT", "PartialEffectEstimate"]


@dataclass(frozen=True, slots=True)
class PartialEffectEstimate:
    """A coefficient of a gravity regression, the log change of flows it implies."""

    name: str
    beta: float
    se: float
    source: str
    sample: str
    specification: str

    @property
    def trade_change_pct(self) -> float:
        """Implied change of bilateral flows at constant prices, in percent."""
        import math

        return 100.0 * (math.exp(self.beta) - 1.0)


#: Average effect of a regional trade agreement. Reproduced by
#: ``tests/estimate/test_ppml.py::test_rta_default_is_reproduced``.
RTA_EFFECT = PartialEffectEstimate(
    name="RTA",
    beta=0.557185,
    se=0.103753,
    source="Yotov, Piermartini, Monteiro & Larch (2016), An Advanced Guide to Trade Policy "
           "Analysis, ch. 2 application 2 data (Chapter2Application2.dta, CC BY 4.0); "
           "re-estimated with pyfixest",
    sample="69 countries, manufacturing incl. domestic flows, 1986-2006 every 4 years "
           "(28,566 observations)",
    specification="PPML, trade ~ RTA | exporter-year + importer-year + pair FE, "
                  "standard errors clustered by pair",
)
