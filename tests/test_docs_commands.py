"""Every command line in README.md and docs/*.md runs as written (issue 27, item 5).

What counts as a command: a line of a ```bash / ```console / ```sh / ```shell (or
unlabelled) fence whose first word (after an optional ``$ ``) is ``middlepower`` or
``python``, and every inline code span that starts with ``middlepower ``. docs/errors.md
is left out: it is generated from the bad-input table, whose own test runs each command.

Each command runs with bash in a fresh temporary folder (``examples/`` and ``benchmarks/``
linked in, and the ``story.txt`` the suggest docs assume), with a time limit, and must exit 0
with no
traceback. A trailing comment changes that:

* ``# fails: why`` - must exit non-zero, with a one-line error and no traceback;
* ``# slow`` - run only when ``MIDDLEPOWER_SLOW_DOCS=1`` (none today: the slowest, the
  wiod2014 sector brief, takes about 14 s).

A synopsis (``[--bands N]``, ``FILE.yaml``, ``OUT``, ``a|b``, ``path/to``) and the
long-running ``middlepower serve`` are not run: their command must exist and take every
flag they name (``--help`` is read); the live server is tested in tests/web.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from middlepower.cli import app

ROOT = Path(__file__).resolve().parents[1]
DOCS = [ROOT / "README.md", *sorted(p for p in (ROOT / "docs").glob("*.md")
                                    if p.name != "errors.md")]
TIMEOUT_S = 120
_FENCES = {"", "bash", "console", "sh", "shell"}
_PLACEHOLDER = re.compile(r"\[|\||\.\.\.|path/to|\b(?:FILE|OUT|OUTDIR|N|SHA)\b")
STORY = ("The United States imposed a 25% tariff on Canadian steel on Monday. Ottawa said it "
         "would retaliate. Separately, Japan and the European Union signed a trade deal.\n")


@dataclass(frozen=True)
class DocCommand:
    where: str      # file:line
    command: str    # as written, without its trailing marker comment
    marker: str     # "", "fails", "slow"

    @property
    def kind(self) -> str:
        if _PLACEHOLDER.search(self.command) or self.command.startswith("middlepower serve"):
            return "synopsis"
        return self.marker or "run"


def _marker(line: str) -> tuple[str, str]:
    m = re.search(r"\s+#\s*(fails\b.*|slow\b.*|.*)$", line)
    if not m or line.lstrip().startswith("#"):
        return line.strip(), ""
    note = m.group(1)
    kind = "fails" if note.startswith("fails") else "slow" if note.startswith("slow") else ""
    return line[: m.start()].strip(), kind


def _is_command(text: str) -> bool:
    first = text.split(" ", 1)[0]
    return first in ("middlepower", "python")


def extract(path: Path) -> list[DocCommand]:
    """The command lines of one Markdown file, in order."""
    out: list[DocCommand] = []
    rel = path.relative_to(ROOT)
    fence: str | None = None
    prose: list[tuple[int, str]] = []
    lines = path.read_text(encoding="utf-8").splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        m = re.match(r"^\s*```(\S*)", line)
        if m:
            fence = m.group(1).lower() if fence is None else None
            i += 1
            continue
        if fence is None:
            prose.append((i + 1, line))
        elif fence in _FENCES:
            start = i
            text = line.strip().removeprefix("$ ")
            while text.endswith("\\") and i + 1 < len(lines):  # a continued line
                i += 1
                text = text[:-1].rstrip() + " " + lines[i].strip()
            if _is_command(text):
                cmd, kind = _marker(text)
                out.append(DocCommand(f"{rel}:{start + 1}", cmd, kind))
        i += 1
    # inline spans may wrap over two lines of prose: search the joined text
    joined = "\n".join(t for _, t in prose)
    starts = [0]
    for _, t in prose:
        starts.append(starts[-1] + len(t) + 1)
    for m in re.finditer(r"`(middlepower [^`]+)`", joined):
        k = max(j for j, s in enumerate(starts) if s <= m.start())
        cmd, kind = _marker(" ".join(m.group(1).split()))
        out.append(DocCommand(f"{rel}:{prose[k][0]}", cmd, kind))
    return out


COMMANDS = [c for doc in DOCS for c in extract(doc)]
_UNIQUE = list({c.command: c for c in COMMANDS}.values())


def test_commands_are_found() -> None:
    found = {c.command for c in COMMANDS}
    assert "middlepower game nash USA CAN --targets players" in found  # the README's
    assert "middlepower suggest - < story.txt" in found                # a fenced one
    assert len(_UNIQUE) >= 20


def _env() -> dict[str, str]:
    bindir = str(Path(sys.executable).parent)
    env = {**os.environ, "PATH": bindir + os.pathsep + os.environ.get("PATH", ""),
           "NO_COLOR": "1", "COLUMNS": "200"}
    # the worktree's source first, as the tests import it
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), env.get("PYTHONPATH", "")])
    return env


@pytest.mark.parametrize("cmd", [c for c in _UNIQUE if c.kind in ("run", "fails", "slow")],
                         ids=lambda c: c.where)
def test_doc_command_runs(cmd: DocCommand, tmp_path: Path) -> None:
    if cmd.kind == "slow" and not os.environ.get("MIDDLEPOWER_SLOW_DOCS"):
        pytest.skip("a slow doc command: set MIDDLEPOWER_SLOW_DOCS=1 to run it")
    for folder in ("examples", "benchmarks"):      # the scripts the docs name
        (tmp_path / folder).symlink_to(ROOT / folder)
    (tmp_path / "story.txt").write_text(STORY, encoding="utf-8")
    try:
        done = subprocess.run(["bash", "-c", cmd.command], cwd=tmp_path, env=_env(),
                              capture_output=True, text=True, timeout=TIMEOUT_S,
                              stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        pytest.fail(f"{cmd.where}: `{cmd.command}` ran over {TIMEOUT_S} s")
    output = done.stdout + done.stderr
    assert "Traceback" not in output, f"{cmd.where}: `{cmd.command}`\n{output[-3000:]}"
    if cmd.kind == "fails":
        assert done.returncode != 0, f"{cmd.where}: `{cmd.command}` is marked to fail"
        assert re.search(r"^error: ", done.stderr, re.M), done.stderr[-2000:]
    else:
        assert done.returncode == 0, (f"{cmd.where}: `{cmd.command}` exited "
                                      f"{done.returncode}\n{output[-3000:]}")


def _subcommand(words: list[str]) -> list[str]:
    path = []
    for w in words[1:]:
        if w.startswith("-") or not re.fullmatch(r"[a-z][a-z-]*", w):
            break
        path.append(w)
    return path


@pytest.mark.parametrize("cmd", [c for c in _UNIQUE if c.kind == "synopsis"],
                         ids=lambda c: c.where)
def test_doc_synopsis_names_real_options(cmd: DocCommand) -> None:
    words = shlex.split(cmd.command.replace("[", " ").replace("]", " ").replace("|", " "))
    flags = {w.split("=")[0] for w in words if w.startswith("--")}
    if words[0] == "python":
        script = ROOT / words[1]
        done = subprocess.run([sys.executable, str(script), "--help"], capture_output=True,
                              text=True, timeout=TIMEOUT_S, cwd=ROOT)
        assert done.returncode == 0, done.stderr
        text = done.stdout
    else:
        sub = _subcommand(words)
        result = CliRunner(env={"COLUMNS": "200"}).invoke(app, [*sub, "--help"])
        assert result.exit_code == 0, f"{cmd.where}: no command `middlepower {' '.join(sub)}`"
        text = result.output
    for flag in flags:
        assert re.search(rf"{re.escape(flag)}\b", text), \
            f"{cmd.where}: `{cmd.command}` names {flag}, which the command does not take"
