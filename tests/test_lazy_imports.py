"""Lazy imports: ``import middlepower`` is cheap, and every public name still resolves.

Each check runs in a fresh interpreter: in this one, other tests have imported
everything already, and a lazy name that fails only on first use would go unnoticed.
"""

from __future__ import annotations

import subprocess
import sys
import types

import pytest

import middlepower as mp


def _fresh(code: str) -> str:
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=180)
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


def test_import_loads_no_heavy_dependency():
    got = _fresh("import sys, middlepower\n"
                 "print(sorted(m for m in ('pandas', 'pydantic', 'scipy', 'numba', 'yaml',\n"
                 "      'middlepower.model', 'middlepower.data') if m in sys.modules))")
    assert got == "[]"


def test_every_public_name_resolves_on_first_use():
    code = ("import middlepower as mp\n"
            "bad = []\n"
            "for name in mp.__all__:\n"
            "    try:\n"
            "        exec(f'from middlepower import {name}')\n"
            "    except Exception as exc:\n"
            "        bad.append(f'{name}: {exc!r}')\n"
            "for name in mp.estimate.__all__:\n"
            "    if not hasattr(mp.estimate, name):\n"
            "        bad.append('estimate.' + name)\n"
            "print(bad)")
    assert _fresh(code) == "[]"


@pytest.mark.parametrize("module, attr, path", [
    ("middlepower.suggest", "suggest", "mp.suggest"),
    ("middlepower.uncertainty", "uncertainty", "mp.uncertainty"),
    ("middlepower.estimate.ppml", "ppml", "mp.estimate.ppml"),
])
def test_function_named_like_its_module_stays_a_function(module, attr, path):
    """Importing the module first (as the CLI does) must not hide the function."""
    code = (f"import {module}\nimport middlepower as mp\n"
            f"f = {path}\nprint(callable(f), type(f).__name__, f.__name__)")
    assert _fresh(code) == f"True function {attr}"


def test_names_and_listing_in_this_process():
    for name in mp.__all__:
        assert hasattr(mp, name), name
    assert set(mp.__all__) <= set(dir(mp))
    assert isinstance(mp.scenario, types.ModuleType)
    assert callable(mp.suggest) and callable(mp.uncertainty) and callable(mp.estimate.ppml)
    with pytest.raises(AttributeError, match="no attribute 'nonsense'"):
        _ = mp.nonsense
