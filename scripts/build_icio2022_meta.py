"""The provenance record (JSON) of ``icio2022``: texts of scripts/build_icio2022.py."""

from __future__ import annotations

from typing import Any

ATTRIBUTION = "OECD (2025), Inter-Country Input-Output Database"

LICENCE = {
    "OECD ICIO": (
        f"Attribution: {ATTRIBUTION}, https://www.oecd.org/en/data/datasets/"
        "inter-country-input-output-tables.html. CC BY 4.0. Confirmed: the OECD Open "
        "Access Policy (oecd.org/en/about/oecd-open-by-default-policy.html) makes content "
        "published from 1 July 2024 generally available under CC BY 4.0 by default, and "
        "the OECD Terms and Conditions of 2024-07-01 let users extract, copy, adapt and "
        "distribute Data. Not confirmed: a CC BY 4.0 notice on the ICIO 2025 download "
        "page itself (oecd.org was not reachable from the build machine; the policy "
        "names 'written content' and says other licences may apply in exceptional cases), "
        "and whether any ICIO cell is third-party material."),
    "sanction-simulator": (
        "The OECD tables were read from sanction_simulator/data/bench_cache.npz in the "
        "wheel of sanction-simulator 0.1.4 (PyPI; MIT licence, (c) 2026 Ashwin "
        "Bhattathiripad and Vipin P. Veetil), which its README calls a lossless copy of "
        "the network built from the OECD ICIO 2025 release, year 2022, and says use of "
        "it is subject to the OECD's terms. No code of the package is used."),
    "BACI": "CEPII BACI (HS22, V202501), Etalab Open Licence 2.0, pair totals as targets only",
    "wiod2014": "tariffs and trade elasticities of the shipped wiod2014 dataset (see its "
                "licences: WIOD CC BY 4.0, KITE packaging)",
}


def provenance(*, countries: list[str], sectors: list[str], names: dict[str, str],
               theta: dict[str, float], ras: dict, fit: dict, accounts: float,
               audit: dict, va_bn: dict, groups: dict, hubs: list[str], min_va_bn: float,
               wheel_sha256: str, package: str) -> dict[str, Any]:
    from middlepower.data.icio import SECTORS

    return {
        "year": 2022,
        "unit": "USD bn",
        "source": f"{ATTRIBUTION}, 2025 edition, reference year 2022 (80 economies x 50 "
                  "ISIC rev. 4 sectors), as packaged in sanction-simulator 0.1.4 "
                  f"(PyPI, wheel sha256 {wheel_sha256}); final demand split reconciled to "
                  "CEPII BACI 2023 goods trade by pair; tariffs: the 2014 applied rates of "
                  "wiod2014.",
        "attribution": ATTRIBUTION,
        "licences": LICENCE,
        "method": {
            "input": f"pip download --no-deps {package}; the npz is read from the wheel "
                     "without installing it. Arrays A (input shares, row = selling node, "
                     "column = buying node, node = sector * 80 + country), omb (intermediate "
                     "cost share), go (gross output, USD million), z (sales to final use "
                     "per node).",
            "intermediate": "Z = A * (omb * go)[None, :] (exactly ICIO's); flows[s, i, j] "
                            "adds over the buying sectors of j. io[s, k, n] = sum_i "
                            "Z[(k, i), (s, n)] / go[s, n]; value_added = 1 - sum_k io "
                            "(value added plus taxes less subsidies on products). Nodes with "
                            "zero output: value-added share 1, no inputs.",
            "final_demand_prior": "F0[s, i, j] = z[s, i] * Zb[s, i, j] / sum_j Zb[s, i, j]: "
                                  "each node sells to final users of country j in the "
                                  "proportions it sells intermediate inputs there (all "
                                  "domestic when it sells no inputs).",
            "reconciliation": "RAS (middlepower.data.icio.ras_final_demand): rows sum_j "
                              "F[s, i, j] = z[s, i] exactly; goods pair totals (intermediate "
                              "+ final) = BACI 2023 for each ordered pair of economies with "
                              f"value added >= USD {min_va_bn:g} bn, excluding the re-export "
                              f"hubs {hubs} (BACI counts their re-exported imports, which "
                              "ICIO nets out: matched, Hong Kong's deficit would be 138% of "
                              "its value added). BACI 2023 is taken as the 2022 target "
                              "unscaled. Domestic final sales absorb the rest. Services "
                              "keep the prior split. US imports from each targeted partner "
                              "also by sector group (the tracker's 2024 imports by HS "
                              "chapter through policy/_files/hs2_icio.csv, scaled to the "
                              "BACI pair total), in the first 3/4 of the iterations only.",
            "ras": ras,
            "tariffs": "2014 applied rates of wiod2014 (levied by importer j on i), mapped "
                       "by the sector concordance 'wiod_sector'; zero where either side is "
                       "not a wiod2014 economy (ROW's rates are not used) and for services. "
                       "These are 2014 rates, not those of 2022 or 2026: "
                       "middlepower.policy.regime adds the 2025-26 measures.",
            "theta": "wiod2014's theta (1 / KITE's trade_elasticity) by the concordance; "
                     "B09 (mining support services) takes the services value.",
            "accounts": f"max |sum_j Z[n, j] + z[n] - go[n]| = {accounts:.3g} USD million.",
            "aggregation": "icio2022: EU27 as one bloc by World.aggregate (flows summed, "
                           "tariffs flow-weighted, shares output-weighted); icio2022-full "
                           "keeps the 80 economies.",
        },
        "fit": fit,
        "audit_of_cache": audit,
        "value_added_usd_bn": va_bn,
        "gaps": [
            "No rest-of-world economy: the 80 economies are about 95.6% of world GDP; "
            "trade with the rest of the world is absent (ICIO's ROW node is not in the "
            "cache), so world trade does not add up to BACI's world total.",
            "Final demand by destination is estimated, not observed: services and pairs "
            "without a target keep the proportional prior.",
            "BACI 2023 targets for a 2022 table: 2023 energy prices and the 2023 sanctions "
            "on Russia move pairs such as NOR->GBR, RUS->DEU, SAU->KOR (see fit."
            "largest_misses); pairs whose intermediate goods trade alone exceeds BACI "
            "cannot be met and keep the prior.",
            "US imports by sector are nudged toward the tariff tracker's 2024 imports by "
            "HS chapter (sector groups linked by shared chapters: 27 energy, 84-85 "
            "machinery and electronics, 71 metals and jewellery), then the pair totals "
            "win: weighted mean |model / tracker - 1| 0.52 before, 0.10 after (see "
            "fit.us_imports_by_sector); Mexico's machinery and electronics stay short.",
            "Tariffs are the 2014 applied rates of wiod2014, zero for the 36 economies "
            "outside it (e.g. VNM, THA, SAU).",
            "Potash is inside B08 (other mining), fertilisers inside C20 (chemicals).",
        ],
        "built_by": "scripts/build_icio2022.py",
        "names": {},
        "sectors": sectors,
        "sector_names": names,
        "wiod_sector": {k: v[1] for k, v in SECTORS.items()},
        "sector_groups": groups,
        "theta": theta,
    }
