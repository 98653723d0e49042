"""Named groups of economies (trade agreements, clubs, alliances), with the date they hold for.

``mp.groups["USMCA"].members`` gives ISO3 codes. A scenario may name a group wherever it
names a country; :meth:`middlepower.World.resolve` expands it against the economies of the
world in use (a member merged into ``EU27`` maps to ``EU27``; members folded into ``ROW``
are left out).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from ..errors import UnknownCountryError
from ._countries import suggest

__all__ = ["Group", "groups"]


@dataclass(frozen=True, slots=True)
class Group:
    """A named set of economies.

    Attributes
    ----------
    name : str
        Code used in scenarios (``"CPTPP"``).
    title : str
        Full name.
    members : tuple of str
        ISO3 codes.
    as_of : str
        Date (ISO 8601) at which the membership holds.
    note : str
        Source, and anything the list leaves out.
    """

    name: str
    title: str
    members: tuple[str, ...]
    as_of: str
    note: str = ""

    def __contains__(self, code: object) -> bool:
        return code in self.members


_EU27 = ("AUT", "BEL", "BGR", "HRV", "CYP", "CZE", "DNK", "EST", "FIN", "FRA", "DEU", "GRC",
         "HUN", "IRL", "ITA", "LVA", "LTU", "LUX", "MLT", "NLD", "POL", "PRT", "ROU", "SVK",
         "SVN", "ESP", "SWE")

_ALL = [
    Group("EU27", "European Union", _EU27, "2020-02-01",
          "Members since the United Kingdom left on 2020-02-01; one customs union and "
          "one trade policy."),
    Group("USMCA", "United States-Mexico-Canada Agreement", ("USA", "CAN", "MEX"),
          "2020-07-01", "In force 2020-07-01, replacing NAFTA (1994)."),
    Group("NAFTA", "North American Free Trade Agreement", ("USA", "CAN", "MEX"), "1994-01-01",
          "Replaced by USMCA on 2020-07-01."),
    Group("CPTPP", "Comprehensive and Progressive Agreement for Trans-Pacific Partnership",
          ("AUS", "BRN", "CAN", "CHL", "JPN", "MYS", "MEX", "NZL", "PER", "SGP", "VNM", "GBR"),
          "2024-12-15", "The United Kingdom's accession entered into force on 2024-12-15."),
    Group("G7", "Group of Seven", ("CAN", "FRA", "DEU", "ITA", "JPN", "GBR", "USA"),
          "2014-03-24", "The EU attends as a non-enumerated member (not listed); Russia "
          "suspended in 2014."),
    Group("G20", "Group of Twenty",
          ("ARG", "AUS", "BRA", "CAN", "CHN", "FRA", "DEU", "IND", "IDN", "ITA", "JPN", "KOR",
           "MEX", "RUS", "SAU", "ZAF", "TUR", "GBR", "USA"),
          "2023-09-09", "The 19 member countries; the EU and the African Union (member since "
          "2023-09-09) are members too but are not listed."),
    Group("BRICS", "BRICS", ("BRA", "RUS", "IND", "CHN", "ZAF", "EGY", "ETH", "IRN", "ARE",
                             "IDN"),
          "2025-01-06", "Egypt, Ethiopia, Iran and the UAE joined 2024-01-01, Indonesia "
          "2025-01-06; Saudi Arabia, invited, had not confirmed and is not listed."),
    Group("NATO-Europe", "European members of NATO",
          ("ALB", "BEL", "BGR", "HRV", "CZE", "DNK", "EST", "FIN", "FRA", "DEU", "GRC", "HUN",
           "ISL", "ITA", "LVA", "LTU", "LUX", "MNE", "NLD", "MKD", "NOR", "POL", "PRT", "ROU",
           "SVK", "SVN", "ESP", "SWE", "TUR", "GBR"),
          "2024-03-07", "Sweden joined on 2024-03-07 (Finland 2023-04-04); the 30 members "
          "other than the United States and Canada."),
    Group("ASEAN", "Association of Southeast Asian Nations",
          ("BRN", "KHM", "IDN", "LAO", "MYS", "MMR", "PHL", "SGP", "THA", "VNM"), "1999-04-30",
          "Timor-Leste's admission (2025-10) is not included."),
    Group("EFTA", "European Free Trade Association", ("CHE", "ISL", "LIE", "NOR"), "1995-01-01",
          ""),
    Group("MERCOSUR", "Southern Common Market", ("ARG", "BRA", "PRY", "URY", "BOL"),
          "2024-07-08", "Bolivia a full member since 2024-07-08; Venezuela suspended (2016)."),
    Group("MIDDLE-POWERS", "Middle powers named in the seed article (middlepower's own list)",
          ("CAN", "GBR", "JPN", "KOR", "AUS", "MEX", *_EU27), "2026-01-01",
          "Not an institution: the partners the article's coalition talk names (EU, UK, "
          "Japan, Korea, Australia, Mexico) plus Canada."),
]


class _Groups(Mapping[str, Group]):
    """Read-only registry of :class:`Group` by name; unknown names suggest close ones."""

    def __init__(self, items: list[Group]) -> None:
        self._items = {g.name: g for g in items}

    def __getitem__(self, name: str) -> Group:
        try:
            return self._items[name]
        except KeyError:
            hints = suggest(name, list(self._items))
            hint = f"; did you mean {hints[0]!r}?" if hints else ""
            raise UnknownCountryError(
                f"unknown group {name!r}{hint} Known groups: {', '.join(self._items)}."
            ) from None

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __repr__(self) -> str:
        return f"<groups {', '.join(self._items)}>"

    def table(self):
        """A DataFrame: name, title, members, as_of, note."""
        import pandas as pd

        return pd.DataFrame(
            [{"name": g.name, "title": g.title, "n": len(g.members),
              "members": " ".join(g.members), "as_of": g.as_of, "note": g.note}
             for g in self._items.values()]
        ).set_index("name")


#: The registry: ``groups["CPTPP"].members``.
groups = _Groups(_ALL)
