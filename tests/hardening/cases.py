"""The bad-input table: hostile and careless inputs, each with the error it must give.

Each :class:`Case` is one input a user could type or point at, through the command line
(``cli``: a command line, run in-process in a scratch folder holding ``files``) or the
Python API (``api``: code run with ``mp``, ``np``, ``pd`` and ``world`` =
``mp.load("world2023")`` in scope). ``expect`` is an exit code for the CLI
(``"exit 2"``) or an error class of :mod:`middlepower.errors` for the API;
``match`` is a regex the message must contain.

``CASES`` run in ``test_bad_inputs.py``, which also regenerates ``docs/errors.md``
(``MIDDLEPOWER_WRITE_DOCS=1``) or checks it is current. ``PENDING_ENGINE`` holds cases
that need the engine's admissibility checks and input bounds (issue 10, item 1 and the
shock bounds); they are written with the error they should give and are not run yet:
move a case into ``CASES`` once the engine gives it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

__all__ = ["CASES", "PENDING_ENGINE", "Case", "Dir", "Sparse", "Symlink"]


@dataclass(frozen=True)
class Sparse:
    """A file of ``size`` bytes that takes no disk space (holes): is it read at all?"""

    size: int


@dataclass(frozen=True)
class Dir:
    """A directory where a file is expected."""


@dataclass(frozen=True)
class Symlink:
    """A symbolic link to ``target`` (e.g. ``/dev/zero``)."""

    target: str


FileSpec = str | bytes | Sparse | Dir | Symlink


@dataclass(frozen=True)
class Case:
    """One bad input and what it must give."""

    id: str
    area: str
    kind: Literal["cli", "api"]
    input: str
    expect: str
    match: str
    files: dict[str, FileSpec] = field(default_factory=dict)
    keep: dict[str, str] = field(default_factory=dict)  # files that must survive unchanged


_OK = "name: ok\nshocks:\n  - {type: tariff, by: USA, on: CAN, rate: 0.25}\n"
_SHOCK = "  - {type: tariff, by: USA, on: CAN, rate: 0.25}\n"


def _bomb(levels: int = 9) -> str:
    """Billion laughs: each anchor lists the previous one nine times (9^levels values)."""
    lines = ["name: lol", "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for k in range(1, levels):
        lines.append(f"a{k}: &a{k} [" + ", ".join([f"*a{k - 1}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def _many_aliases(n: int = 150) -> str:
    return "name: x\nbase: &b 0.25\nshocks:\n" + "".join(
        "  - {type: tariff, by: USA, on: CAN, rate: *b}\n" for _ in range(n))


def _deep_map(depth: int = 60) -> str:
    return "name: x\n" + "".join("  " * k + f"k{k}:\n" for k in range(depth)) \
        + "  " * depth + "v: 1\n"


_INJECT = "<script>alert(1)</script>"

# ----------------------------------------------------------------------------- YAML files
_YAML = [
    Case("yaml-alias-bomb", "scenario file", "cli", "middlepower run bomb.yaml", "exit 2",
         r"bomb\.yaml: line \d+: more than 100,000 values once aliases are expanded",
         {"bomb.yaml": _bomb()}),
    Case("yaml-alias-bomb-api", "scenario file", "api",
         "mp.Scenario.from_yaml_text(BOMB, 's.yaml')", "ScenarioLimitError",
         r"alias bomb"),
    Case("yaml-too-many-aliases", "scenario file", "cli", "middlepower run aliases.yaml",
         "exit 2", r"more than 100 aliases", {"aliases.yaml": _many_aliases()}),
    Case("yaml-recursive-alias", "scenario file", "cli", "middlepower run rec.yaml", "exit 2",
         r"recursive anchor", {"rec.yaml": "name: x\nshocks: &s [*s]\n"}),
    Case("yaml-deep-flow", "scenario file", "cli", "middlepower run deep.yaml", "exit 2",
         r"nested more than 40 levels deep",
         {"deep.yaml": "name: x\nshocks: " + "[" * 100_000 + "]" * 100_000 + "\n"}),
    Case("yaml-deep-block", "scenario file", "cli", "middlepower run deep.yaml", "exit 2",
         r"deep\.yaml: line 41: nested more than 40 levels", {"deep.yaml": _deep_map()}),
    Case("yaml-huge-file", "scenario file", "cli", "middlepower run huge.yaml", "exit 2",
         r"2,000,000,000 bytes is more than a scenario file may hold",
         {"huge.yaml": Sparse(2_000_000_000)}),
    Case("yaml-huge-text-api", "scenario file", "api",
         "mp.Scenario.from_yaml_text('#' * 2_000_000)", "ScenarioLimitError",
         r"2,000,000 characters is more than"),
    Case("yaml-dev-zero", "scenario file", "cli", "middlepower run /dev/zero", "exit 2",
         r"'/dev/zero' is not a regular file"),
    Case("yaml-symlink-dev-zero", "scenario file", "cli", "middlepower run zero.yaml",
         "exit 2", r"'zero\.yaml' is not a regular file", {"zero.yaml": Symlink("/dev/zero")}),
    Case("yaml-directory", "scenario file", "cli", "middlepower run scenarios", "exit 2",
         r"'scenarios' is a directory, not a scenario file", {"scenarios": Dir()}),
    Case("yaml-directory-api", "scenario file", "api", "mp.Scenario.from_yaml('.')",
         "ScenarioError", r"'\.' is a directory"),
    Case("yaml-missing-file", "scenario file", "cli", "middlepower run nosuch.yaml", "exit 2",
         r"no such scenario file: 'nosuch\.yaml'"),
    Case("yaml-latin1", "scenario file", "cli", "middlepower run latin.yaml", "exit 2",
         r"latin\.yaml: line 2: not UTF-8 text \(byte 0xe9",
         {"latin.yaml": "name: x\ndescription: caf\xe9\n".encode("latin-1")}),
    Case("yaml-utf16", "scenario file", "cli", "middlepower run u16.yaml", "exit 2",
         r"u16\.yaml: line 1: not UTF-8 text \(byte 0xff",
         {"u16.yaml": _OK.encode("utf-16")}),
    Case("yaml-binary", "scenario file", "cli", "middlepower run img.yaml", "exit 2",
         r"img\.yaml: line 1: not UTF-8 text",
         {"img.yaml": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xff"}),
    Case("yaml-nul-byte", "scenario file", "cli", "middlepower run nul.yaml", "exit 2",
         r"nul\.yaml: line 2: character '\\x00' is not allowed in YAML",
         {"nul.yaml": "name: a\nshocks: [\x00]\n"}),
    Case("yaml-empty", "scenario file", "cli", "middlepower run empty.yaml", "exit 2",
         r"must be a mapping with 'name' and 'shocks'; got NoneType", {"empty.yaml": ""}),
    Case("yaml-list", "scenario file", "cli", "middlepower run list.yaml", "exit 2",
         r"must be a mapping .*; got list", {"list.yaml": "- a\n- b\n"}),
    Case("yaml-syntax", "scenario file", "cli", "middlepower run tab.yaml", "exit 2",
         r"tab\.yaml: line 3, column 1: YAML syntax error: found character '\\t'",
         {"tab.yaml": "name: x\nshocks:\n\t- {type: tariff}\n"}),
    Case("yaml-python-tag", "scenario file", "cli", "middlepower run evil.yaml", "exit 2",
         r"tag 'tag:yaml\.org,2002:python/object/apply:os\.system' is not allowed",
         {"evil.yaml": "name: !!python/object/apply:os.system ['touch pwned']\n"}),
    Case("yaml-custom-tag", "scenario file", "cli", "middlepower run tag.yaml", "exit 2",
         r"tag '!env' is not allowed", {"tag.yaml": "name: !env HOME\n"}),
    Case("yaml-duplicate-key", "scenario file", "cli", "middlepower run dup.yaml", "exit 2",
         r"dup\.yaml: line 3: key 'name' appears twice at the top level \(lines 1 and 3\)",
         {"dup.yaml": "name: first\nshocks: []\nname: second\n"}),
    Case("yaml-duplicate-key-in-shock", "scenario file", "cli", "middlepower run dup.yaml",
         "exit 2", r"key 'rate' appears twice in shocks\.0 \(both on line 3\)",
         {"dup.yaml": "name: x\nshocks:\n  - {type: tariff, by: USA, on: CAN, rate: 0.1, "
                      "rate: 0.5}\n"}),
    Case("yaml-duplicate-variant", "scenario file", "cli", "middlepower run dup.yaml",
         "exit 2", r"variant 'retaliate' is defined twice \(lines 5 and 7\)",
         {"dup.yaml": "name: x\nshocks:\n" + _SHOCK + "variants:\n  retaliate: {}\n"
                      "  give in: {}\n  retaliate: {shocks: []}\n"}),
    Case("yaml-variant-names-spaces", "scenario file", "cli", "middlepower run dup.yaml",
         "exit 2", r"variant names 'a' and 'a ' differ only by spaces",
         {"dup.yaml": "name: x\nvariants:\n  'a': {}\n  'a ': {}\n"}),
    Case("yaml-empty-variant-name", "scenario file", "cli", "middlepower run v.yaml",
         "exit 2", r"a variant needs a non-empty name",
         {"v.yaml": "name: x\nvariants:\n  '': {}\n"}),
    Case("yaml-unknown-field", "scenario file", "cli", "middlepower run typo.yaml", "exit 2",
         r"typo\.yaml: line 2: shock: Extra inputs are not permitted",
         {"typo.yaml": "name: x\nshock:\n" + _SHOCK}),
    Case("yaml-unknown-shock-type", "scenario file", "cli", "middlepower run t.yaml", "exit 2",
         r"unknown shock type 'tarif'",
         {"t.yaml": "name: x\nshocks:\n  - {type: tarif, by: USA, on: CAN, rate: 0.1}\n"}),
    Case("yaml-missing-name", "scenario file", "cli", "middlepower run n.yaml", "exit 2",
         r"name: required field missing", {"n.yaml": "shocks: []\n"}),
    Case("yaml-rate-percent-string", "scenario file", "cli", "middlepower run p.yaml",
         "exit 2", r"p\.yaml: line 3: shocks\.0\.rate",
         {"p.yaml": "name: x\nshocks:\n  - {type: tariff, by: USA, on: CAN, rate: 25%}\n"}),
    Case("yaml-theta-zero", "scenario file", "cli", "middlepower run th.yaml", "exit 2",
         r"th\.yaml: line 2: theta: theta=0(\.0)?: .*must be a positive",
         {"th.yaml": "name: x\ntheta: 0\n"}),
    Case("yaml-theta-nan", "scenario file", "cli", "middlepower run th.yaml", "exit 2",
         r"theta=nan: .*must be a positive number between 0\.5 and 30",
         {"th.yaml": "name: x\ntheta: .nan\n"}),
    Case("yaml-theta-tiny", "scenario file", "cli", "middlepower run th.yaml", "exit 2",
         r"th\.yaml: line 2: theta: .*between 0\.5 and 30 .*Eaton & Kortum 2002",
         {"th.yaml": "name: x\ntheta: 1.0e-9\n" + "shocks:\n" + _SHOCK}),
    Case("yaml-name-too-long", "scenario file", "cli", "middlepower run long.yaml", "exit 2",
         r"long\.yaml: line 1: name: String should have at most 200 characters",
         {"long.yaml": "name: " + "x" * 20_000 + "\nshocks:\n" + _SHOCK}),
    Case("yaml-deficits-garbage", "scenario file", "cli", "middlepower run d.yaml", "exit 2",
         r"d\.yaml: line 2: deficits", {"d.yaml": "name: x\ndeficits: multiplicative\n"}),
    Case("yaml-unknown-country", "scenario file", "cli", "middlepower run c.yaml", "exit 2",
         r"unknown country 'CANADA'.*did you mean 'CAN'",
         {"c.yaml": "name: x\nshocks:\n  - {type: tariff, by: USA, on: CANADA, rate: 0.1}\n"}),
    Case("yaml-country-in-row", "scenario file", "cli", "middlepower run c.yaml", "exit 2",
         r"'KEN'.*folded into 'ROW'.*world2023-full",
         {"c.yaml": "name: x\nshocks:\n  - {type: tariff, by: USA, on: KEN, rate: 0.1}\n"}),
]

# ----------------------------------------------------------------------------- data files
_DATA = [
    Case("data-dev-zero-name", "data file", "cli", "middlepower show CAN --data /dev/zero",
         "exit 2", r"unknown dataset '/dev/zero'"),
    Case("data-symlink-dev-zero", "data file", "cli", "middlepower show CAN --data zero.csv",
         "exit 2", r"'zero\.csv' is not a regular file", {"zero.csv": Symlink("/dev/zero")}),
    Case("data-directory", "data file", "cli", "middlepower show CAN --data flows.csv",
         "exit 2", r"'flows\.csv' is a directory", {"flows.csv": Dir()}),
    Case("data-ragged-csv", "data file", "cli", "middlepower show USA --data bad.csv",
         "exit 2", r"bad\.csv is not a readable CSV file: EOF inside string",
         {"bad.csv": 'exporter,importer,value\nUSA,CAN,1\n"unterminated,x\n'}),
    Case("data-latin1-csv", "data file", "cli", "middlepower show USA --data l.csv", "exit 2",
         r"l\.csv is not UTF-8 text \(byte 0xe9",
         {"l.csv": "exporter,importer,value\nUSA,CAN,1\nCAN,USA,2\n\xe9,USA,1\n"
          .encode("latin-1")}),
    Case("data-empty-csv", "data file", "cli", "middlepower show USA --data e.csv", "exit 2",
         r"e\.csv is empty", {"e.csv": ""}),
    Case("data-semicolon-csv", "data file", "cli", "middlepower show USA --data s.csv",
         "exit 2", r"lacks column\(s\).*looks separated by ';'",
         {"s.csv": "exporter;importer;value\nUSA;CAN;1\n"}),
    Case("data-not-parquet", "data file", "cli", "middlepower show USA --data x.parquet",
         "exit 2", r"x\.parquet is not a readable Parquet file",
         {"x.parquet": "exporter,importer,value\n"}),
    Case("data-text-value", "data file", "api", "mp.load('t.csv')", "NonFiniteError",
         r"value for \(USA, CAN\) is 'abc'",
         {"t.csv": "exporter,importer,value\nUSA,CAN,abc\nCAN,USA,1\nUSA,USA,3\nCAN,CAN,4\n"}),
    Case("data-script-in-code", "data file", "cli", "middlepower show '<b>X' --data w.csv",
         "exit 2", r"unknown country '<b>X'",
         {"w.csv": f"exporter,importer,value\n{_INJECT},CAN,1\nCAN,{_INJECT},1\n"
                   f"{_INJECT},{_INJECT},5\nCAN,CAN,5\n"}),
]

# ----------------------------------------------------------------------------- options
_OPTIONS = [
    Case("markup-in-country", "command line", "cli", "middlepower show '[/x]'", "exit 2",
         r"unknown country '\[/x\]'"),
    Case("markup-bold-in-country", "command line", "cli", "middlepower show '[bold]CAN'",
         "exit 2", r"unknown country '\[bold\]CAN'"),
    Case("country-in-row", "command line", "cli", "middlepower show KEN", "exit 2",
         r"folded into 'ROW'.*--data world2023-full"),
    Case("country-typo", "command line", "cli", "middlepower show CANADA", "exit 2",
         r"did you mean 'CAN'"),
    Case("against-group", "command line", "cli", "middlepower brief CAN --against G7",
         "exit 2", r"'G7' is a group \(Group of Seven\), not one economy"),
    Case("bands-negative", "command line", "cli",
         "middlepower brief CAN --against USA --bands -5", "exit 2",
         r"--bands must be between 2 and 10,000 \(or 0\); got -5"),
    Case("bands-huge", "command line", "cli", "middlepower run ok.yaml --bands 10000000",
         "exit 2", r"--bands must be between 2 and 10,000 \(or 0\); got 10000000",
         {"ok.yaml": _OK}),
    Case("bands-one", "command line", "cli", "middlepower run ok.yaml --bands 1", "exit 2",
         r"--bands must be between 2", {"ok.yaml": _OK}),
    Case("top-negative", "command line", "cli", "middlepower run ok.yaml --top -3", "exit 2",
         r"--top must be at least 0; got -3", {"ok.yaml": _OK}),
    Case("top-negative-show", "command line", "cli", "middlepower show CAN --top -1",
         "exit 2", r"--top must be at least 0"),
    Case("max-size-negative", "command line", "cli",
         "middlepower coalition CAN --against USA --max-size -1", "exit 2",
         r"--max-size must be at least 1; got -1"),
    Case("scheduler-garbage", "command line", "cli",
         "middlepower leverage --countries USA,CAN --scheduler garbage", "exit 2",
         r"--scheduler 'garbage' is not a Dask scheduler address"),
    Case("scheduler-garbage-coalition", "command line", "cli",
         "middlepower coalition CAN --against USA --scheduler 'tcp://;rm -rf'", "exit 2",
         r"--scheduler 'tcp://;rm -rf' is not a Dask scheduler address"),
    Case("tariff-percent", "command line", "cli",
         "middlepower brief CAN --against USA --tariff 25 --bands 0", "exit 2",
         r"Did you mean 0\.25"),
    Case("instrument-garbage", "command line", "cli",
         "middlepower coalition CAN --against USA --instrument sanctions", "exit 2",
         r"instrument='sanctions'"),
    Case("objective-garbage", "command line", "cli",
         "middlepower coalition CAN --against USA --objective world", "exit 2",
         r"objective='world'"),
    Case("unknown-countries-option", "command line", "cli",
         "middlepower leverage --countries USA,XXX", "exit 2", r"unknown country 'XXX'"),
    Case("unknown-dataset", "command line", "cli", "middlepower show CAN --data wrld2023",
         "exit 2", r"unknown dataset 'wrld2023'; did you mean 'world2023'"),
    Case("coalition-objective-coalition", "command line", "cli",
         "middlepower coalition CAN --against USA --candidates EU27 --instrument retaliation "
         "--objective coalition", "exit 0", r"Acting alone ranks first for CAN"),
]

# ----------------------------------------------------------------------------- outputs
_OUTPUTS = [
    Case("json-html-same-path", "output files", "cli",
         "middlepower run ok.yaml --json out.txt --html out.txt", "exit 2",
         r"--json and --html both point to 'out\.txt'", {"ok.yaml": _OK}),
    Case("csv-over-input", "output files", "cli", "middlepower run ok.yaml --csv ok.yaml",
         "exit 2", r"--csv 'ok\.yaml' is also an input of this command",
         {"ok.yaml": _OK}, keep={"ok.yaml": _OK}),
    Case("output-missing-folder", "output files", "cli",
         "middlepower run ok.yaml --json nosuch/out.json", "exit 2",
         r"cannot write --json 'nosuch/out\.json': the folder 'nosuch' does not exist",
         {"ok.yaml": _OK}),
    Case("output-onto-directory", "output files", "cli",
         "middlepower run ok.yaml --html reports", "exit 2",
         r"cannot write --html 'reports': it is a directory", {"ok.yaml": _OK, "reports": Dir()}),
    Case("output-onto-device", "output files", "cli",
         "middlepower leverage --countries USA,CAN --csv /dev/full", "exit 2",
         r"cannot write --csv '/dev/full': it exists and is not a regular file"),
    Case("output-failed-run-keeps-old", "output files", "cli",
         "middlepower run bad.yaml --json old.json", "exit 2", r"unknown country 'XXX'",
         {"bad.yaml": "name: x\nshocks:\n  - {type: tariff, by: USA, on: XXX, rate: 0.1}\n",
          "old.json": "[1, 2, 3]"}, keep={"old.json": "[1, 2, 3]"}),
    Case("brief-to-json-missing-folder", "output files", "api",
         "mp.brief(world, 'CAN', against='USA', bands=0).to_json('nosuch/b.json')",
         "OutputError", r"the folder 'nosuch' does not exist"),
]

# ----------------------------------------------------------------------------- engine
_ENGINE: list[Case] = [
    Case("tariff-1000pct-on-rus", "engine", "api",
         "mp.solve(world, mp.Scenario('x', [mp.tariff(by=[c for c in world.countries "
         "if c != 'RUS'], on='RUS', rate=10)]))", "ScenarioError",
         r"allow_extreme"),
    Case("tariff-1000pct-allowed-inadmissible", "engine", "api",
         "mp.solve(world, mp.Scenario('x', [mp.tariff(by=[c for c in world.countries "
         "if c != 'RUS'], on='RUS', rate=10, allow_extreme=True)]))",
         "InadmissibleEquilibriumError", r"RUS"),
    Case("agreement-effect-30", "engine", "api",
         "mp.solve(world, mp.Scenario('x', [mp.agreement(form=['CAN', 'EU27'], effect=30)]))",
         "ScenarioError", r"effect"),
    Case("self-tariff", "engine", "api", "mp.tariff(by='USA', on='USA', rate=0.25)",
         "ScenarioError", r"itself"),
    Case("self-embargo", "engine", "api",
         "mp.solve(world, mp.Scenario('x', [mp.embargo('USA', ['USA', 'CAN'])]))",
         "ScenarioError", r"itself"),
    Case("rate-bool", "engine", "api", "mp.tariff(by='USA', on='CAN', rate=True)",
         "ScenarioError", r"bool|True"),
    Case("theta-1e6", "engine", "api",
         "mp.solve(world, mp.Scenario('x', [mp.tariff(by='USA', on='CAN', rate=0.25)]), "
         "theta=1e6)", "ParameterError", r"theta"),
    Case("theta-tiny", "engine", "api",
         "mp.solve(world, mp.Scenario('x', [mp.tariff(by='USA', on='CAN', rate=0.25)]), "
         "theta=1e-9)", "ParameterError", r"theta=1e-09: .*between 0\.5 and 30"),
    Case("theta-flag-tiny", "engine", "cli", "middlepower run ok.yaml --theta 1e-9",
         "exit 2", r"between 0\.5 and 30", {"ok.yaml": _OK}),
    Case("theta-float64-zero", "engine", "api",
         "mp.solve(world, mp.Scenario('x', []), theta=np.float64(0.0))", "ParameterError",
         r"theta"),
    Case("baseline-tariffs-percent", "engine", "api",
         "mp.World.from_matrix(['A', 'B'], [[10.0, 1.0], [1.0, 10.0]], "
         "[[0.0, 25.0], [25.0, 0.0]])", "TariffError", r"percent"),
    Case("two-country-deficit-200pct", "engine", "api",
         "mp.solve(mp.World.from_matrix(['A', 'B'], [[1.0, 50.0], [1.0, 100.0]]), "
         "mp.Scenario('x', [mp.tariff(by='B', on='A', rate=2.0)]))",
         "ConvergenceError", r"deficits='ratio'"),
    Case("yaml-rate-10-without-flag", "engine", "cli", "middlepower run big.yaml", "exit 2",
         r"allow_extreme",
         {"big.yaml": "name: x\nshocks:\n  - {type: tariff, by: USA, on: RUS, rate: 10}\n"}),
    Case("unknown-sector", "engine", "api",
         "mp.Scenario('x', [mp.tariff(by='USA', on='CAN', rate=0.25, sectors=['steal'])])"
         ".check(mp.load('wiod2014'))", "UnknownSectorError", r"'steal'.*did you mean 'steel'"),
    Case("sector-on-one-sector-world", "engine", "api",
         "mp.Scenario('x', [mp.tariff(by='USA', on='CAN', rate=0.25, sectors=['steel'])])"
         ".check(world)", "UnknownSectorError", r"'steel'.*1 sector"),
    Case("exempt-one", "engine", "api",
         "mp.tariff(by='USA', on='CAN', rate=0.25, exempt=1.0)", "ScenarioError",
         r"exempt.*\[0, 1\)"),
    Case("sectors-empty", "engine", "api",
         "mp.tariff(by='USA', on='CAN', rate=0.25, sectors=[])", "ScenarioError",
         r"sectors is empty"),
    Case("io-shares-not-one", "engine", "api",
         "mp.World(['A', 'B'], [[[5.0, 1], [1, 5]], [[5.0, 1], [1, 5]]], sectors=['x', 'y'], "
         "value_added=[[0.5, 0.5], [0.5, 0.5]], io=[[[0.2, 0.2], [0.2, 0.2]], "
         "[[0.3, 0.3], [0.2, 0.3]]])", "DataError",
         r"sector x of A: value-added share 0.5 plus input shares 0.4 = 0.9, not 1"),
    Case("theta-wrong-shape", "engine", "api",
         "mp.solve(mp.load('wiod2014'), mp.Scenario('x', []), theta=[4.0, 5.0, 6.0])",
         "ParameterError", r"theta"),
    Case("conditional-with-sectors", "engine", "api",
         "mp.solve(mp.load('cp1993'), mp.Scenario('x', []), mode='conditional')",
         "ParameterError", r"collapse"),
    Case("negative-sector-flow", "engine", "api",
         "mp.World(['A', 'B'], [[[5.0, -1], [1, 5]], [[5.0, 1], [1, 5]]], sectors=['x', 'y'])",
         "NegativeFlowError", r"flows\[x, A, B\]"),
    Case("tariff-self-in-list", "engine", "api",
         "mp.solve(world, mp.Scenario('x', [mp.tariff(by='USA', on=['USA', 'CAN'], "
         "rate=0.25)]))", "ScenarioError", r"USA on both sides"),
]

CASES: list[Case] = [*_YAML, *_DATA, *_OPTIONS, *_OUTPUTS, *_ENGINE]

#: Cases waiting for the engine: none left.
PENDING_ENGINE: list[Case] = []
