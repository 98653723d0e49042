"""The small, hand-kept tables the recogniser adds to country-converter's name patterns.

country-converter (Stadler 2017, JOSS 2(16) 332) knows how countries are *named*
("Republic of Korea", "U.S.", "Viet Nam"), not how news refers to them. A story says
"Ottawa" for the Canadian government, "Canadian" for its goods, "Carney" for its prime
minister, "Brussels" for the European Union. These tables hold what the patterns lack.
Every entry maps a surface form to an ISO3 code or a middlepower group (``EU27``).

Leaders and ministers are those in office in January 2026 (the seed article's date); a
story about other years may need this table extended. Forms are matched case-sensitively,
as whole words, so "Lee" or "Chad" as first names stay unmatched unless listed.
"""

from __future__ import annotations

__all__ = [
    "AGREEMENTS",
    "CAPITALS",
    "DEMONYMS",
    "GREAT_POWERS",
    "INSTITUTIONS",
    "LEADERS",
    "NOT_COUNTRIES",
    "SECTORS",
]

#: Capitals and seats of government used as names of the government itself.
CAPITALS: dict[str, str] = {
    "Washington": "USA", "Ottawa": "CAN", "Beijing": "CHN", "Brussels": "EU27",
    "London": "GBR", "Tokyo": "JPN", "Seoul": "KOR", "Canberra": "AUS",
    "Mexico City": "MEX", "New Delhi": "IND", "Delhi": "IND", "Moscow": "RUS",
    "Berlin": "DEU", "Paris": "FRA", "Rome": "ITA", "Madrid": "ESP", "Brasilia": "BRA",
    "Brasília": "BRA", "Pretoria": "ZAF", "Ankara": "TUR", "Riyadh": "SAU",
    "Jakarta": "IDN", "Wellington": "NZL", "Bern": "CHE", "Oslo": "NOR", "Kyiv": "UKR",
    "Tehran": "IRN", "Caracas": "VEN", "Buenos Aires": "ARG", "Hanoi": "VNM",
    "Bangkok": "THA", "Kuala Lumpur": "MYS", "Manila": "PHL", "Bogotá": "COL",
    "Bogota": "COL", "Lima": "PER", "Islamabad": "PAK", "Dhaka": "BGD", "Cairo": "EGY",
    "Abuja": "NGA", "Abu Dhabi": "ARE", "Taipei": "TWN", "Copenhagen": "DNK",
    "Stockholm": "SWE", "The Hague": "NLD", "Dublin": "IRL", "Warsaw": "POL",
}

#: Adjectives and nouns of nationality ("Canadian steel", "the Chinese side").
DEMONYMS: dict[str, str] = {
    "American": "USA", "Americans": "USA", "Canadian": "CAN", "Canadians": "CAN",
    "Chinese": "CHN", "Mexican": "MEX", "Mexicans": "MEX", "European": "EU27",
    "Europeans": "EU27", "British": "GBR", "Briton": "GBR", "Britons": "GBR",
    "Japanese": "JPN", "South Korean": "KOR", "Korean": "KOR", "Australian": "AUS",
    "Australians": "AUS", "Indian": "IND", "Russian": "RUS", "German": "DEU",
    "French": "FRA", "Italian": "ITA", "Spanish": "ESP", "Brazilian": "BRA",
    "Turkish": "TUR", "Norwegian": "NOR", "Saudi": "SAU", "Indonesian": "IDN",
    "Vietnamese": "VNM", "Argentine": "ARG", "Argentinian": "ARG", "Dutch": "NLD",
    "Irish": "IRL", "Polish": "POL", "Swedish": "SWE", "Danish": "DNK", "Israeli": "ISR",
    "Iranian": "IRN", "Venezuelan": "VEN", "Thai": "THA", "Malaysian": "MYS",
    "Filipino": "PHL", "Singaporean": "SGP", "Chilean": "CHL", "Peruvian": "PER",
    "Colombian": "COL", "Egyptian": "EGY", "Nigerian": "NGA", "South African": "ZAF",
    "Pakistani": "PAK", "Bangladeshi": "BGD", "New Zealander": "NZL", "Emirati": "ARE",
    "Taiwanese": "TWN",
}

#: Heads of government, trade ministers and envoys in office in January 2026.
LEADERS: dict[str, str] = {
    "Trump": "USA", "Lutnick": "USA", "Bessent": "USA", "Jamieson Greer": "USA",
    "Navarro": "USA", "Carney": "CAN", "Dominic LeBlanc": "CAN", "Xi Jinping": "CHN",
    "Xi": "CHN", "Li Qiang": "CHN", "Sheinbaum": "MEX", "Starmer": "GBR",
    "von der Leyen": "EU27", "Šefčovič": "EU27", "Sefcovic": "EU27", "Macron": "FRA",
    "Merz": "DEU", "Meloni": "ITA", "Modi": "IND", "Putin": "RUS", "Lula": "BRA",
    "Albanese": "AUS", "Takaichi": "JPN", "Lee Jae-myung": "KOR", "Erdogan": "TUR",
    "Erdoğan": "TUR", "Prabowo": "IDN", "Ramaphosa": "ZAF", "Milei": "ARG",
}

#: Institutions that stand for a government ("the White House said"), and short names
#: the patterns lack ("America").
INSTITUTIONS: dict[str, str] = {
    "America": "USA",
    "White House": "USA", "Oval Office": "USA", "Capitol Hill": "USA", "USTR": "USA",
    "Kremlin": "RUS", "Downing Street": "GBR", "Whitehall": "GBR", "Élysée": "FRA",
    "Elysee": "FRA", "Parliament Hill": "CAN", "Zhongnanhai": "CHN",
    "European Union": "EU27", "European Commission": "EU27", "EU": "EU27", "E.U.": "EU27",
    "Europe": "EU27", "eurozone": "EU27", "Eurozone": "EU27", "Mercosur": "MERCOSUR",
    "MERCOSUR": "MERCOSUR", "ASEAN": "ASEAN", "EFTA": "EFTA",
}

#: Phrases that contain a country pattern but name a place or thing, not a government.
NOT_COUNTRIES: tuple[str, ...] = (
    "North America", "North American", "South America", "South American", "Latin America",
    "Latin American", "Central America", "Central American", "New Mexico", "New Jersey",
    "New England", "New South Wales", "South China Sea", "East China Sea", "Indian Ocean",
    "American Samoa", "Georgia state", "Michael Jordan",
)

#: Trade agreements: name forms, and the members a scenario ends (a group or a list).
AGREEMENTS: dict[str, tuple[tuple[str, ...], str | tuple[str, ...]]] = {
    "USMCA": (("USMCA", "CUSMA", "T-MEC", "United States-Mexico-Canada Agreement"), "USMCA"),
    "NAFTA": (("NAFTA", "North American Free Trade Agreement"), "NAFTA"),
    "CETA": (("CETA", "Comprehensive Economic and Trade Agreement"), ("CAN", "EU27")),
    "CPTPP": (("CPTPP", "TPP-11", "TPP11", "Trans-Pacific Partnership"), "CPTPP"),
}

#: Economies never placed in a coalition of "middle powers" unless a coalition sentence
#: names them: the great powers such a coalition is formed against.
GREAT_POWERS: frozenset[str] = frozenset({"USA", "CHN", "RUS"})

#: Sector aliases of the multi-sector model (``wiod2014``'s sector groups) and the words
#: that name them; docs/suggest.md has the table. Dairy, canola, seafood and the like
#: fall under agriculture (WIOD's A01-A03); a named good (gallium) maps to the sector
#: that holds it (basic metals), broader than the good.
SECTORS: dict[str, tuple[str, ...]] = {
    "steel": ("steel",),
    "aluminium": ("aluminium", "aluminum"),
    "autos": ("autos", "auto", "cars", "car", "automobiles", "automobile", "vehicles",
              "vehicle", "EVs", "EV", "automotive", "auto parts", "car parts"),
    "lumber": ("lumber", "softwood", "timber", "wood"),
    "energy": ("energy", "oil", "crude", "natural gas", "gas", "petroleum", "electricity",
               "LNG", "fuel", "fuels", "coal"),
    "agriculture": ("agriculture", "agricultural", "farm", "farms", "farmers", "canola",
                    "soybeans", "soybean", "soy", "pork", "beef", "wheat", "grain", "grains",
                    "seafood", "lobster", "dairy", "milk", "cheese", "barley", "peas",
                    "beef imports"),
    "metals": ("copper", "gallium", "germanium", "antimony", "rare earths", "rare earth",
               "critical minerals", "nickel", "cobalt", "lithium", "tungsten", "magnesium"),
    "mining": ("graphite", "potash", "iron ore", "uranium"),
    "chemicals": ("chemicals", "fertiliser", "fertilizer", "photoresists", "hydrogen fluoride",
                  "fluorinated polyimide"),
    "electronics": ("chips", "chip", "semiconductors", "semiconductor", "processors",
                    "microchips", "electronics"),
    "food": ("whisky", "whiskey", "bourbon", "spirits", "wine", "wines", "food"),
    "machinery": ("lithography machines", "machinery", "machine tools"),
    "other_transport": ("motorcycles", "aircraft", "ships"),
    "pharmaceuticals": ("pharmaceuticals", "drugs", "medicines"),
}
