"""docs/validation.md is what scripts/validation.py computes today (it runs every row)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_validation_page_is_current_and_close_where_the_model_is_the_same():
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "validation.py"), "--check"],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import validation
    finally:
        sys.path.pop(0)
    rows = validation.rows()
    assert len(rows) >= 6
    same = [r for r in rows if r["why"].startswith("same model and data")]
    assert len(same) >= 7
    for r in same:
        assert abs(r["middlepower"] - r["published"]) <= 0.005 + 1e-9, r
