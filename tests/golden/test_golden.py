"""The engine's numbers do not move: every golden array of ``golden_record.py`` to 1e-10.

The golden file was recorded from the commit named in ``golden.json``, before the engine
was redesigned (issue 24). A change that fixes a bug on purpose lists the key below with
the reason; every other key must agree to 1e-10 relative (1e-10 absolute near zero).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from golden_record import compute

HERE = Path(__file__).resolve().parent

#: Keys whose numbers a deliberate fix changed: key prefix -> why.
CHANGED_ON_PURPOSE: dict[str, str] = {
    "bench/wiod2014/": "issue 27: a tariff with no sectors named taxes goods, not services "
                       "(World.tariff_default_sectors), as the brief and the web always did",
    "brief/wiod2014/": "issue 27: retaliation mirrors the coercion's coverage (exempt=0.85), "
                       "a 'retaliate on all goods' row is added, and the coalition search "
                       "takes the exempt share",
}


@pytest.fixture(scope="module")
def now() -> dict[str, np.ndarray]:
    return compute()


def _golden() -> dict[str, np.ndarray]:
    with np.load(HERE / "golden.npz") as z:
        return {k: z[k] for k in z.files}


def test_golden_file_names_its_commit() -> None:
    meta = json.loads((HERE / "golden.json").read_text())
    assert len(meta["commit"]) == 40
    assert sorted(_golden()) == meta["keys"]


@pytest.mark.parametrize("key", sorted(_golden()))
def test_golden_numbers_unchanged(key: str, now: dict[str, np.ndarray]) -> None:
    old = _golden()[key]
    assert key in now, f"{key} is no longer computed"
    new = now[key]
    why = [reason for prefix, reason in CHANGED_ON_PURPOSE.items() if key.startswith(prefix)]
    if why:  # a named fix moved these numbers: they must differ from the recorded ones
        assert new.shape != old.shape or not np.allclose(new, old, rtol=1e-10, atol=1e-10), \
            f"{key} was expected to change ({why[0]}) but did not"
        return
    assert new.shape == old.shape
    np.testing.assert_allclose(new, old, rtol=1e-10, atol=1e-10, err_msg=key)
