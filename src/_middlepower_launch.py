"""The ``middlepower`` console script: starts the CLI, quietly, even if Ctrl-C comes early.

Importing middlepower loads numpy, pandas and scipy (about a second). A Ctrl-C in that
window would print a traceback, because no handler of the package exists yet. This
module lives outside the package since importing any ``middlepower.*`` module first runs
the package's ``__init__``.
"""

from __future__ import annotations

import atexit
import gc
import sys


def main() -> None:
    """Import the CLI, then run it; Ctrl-C during the import exits 130 with one line."""
    # At exit CPython garbage-collects every object the imports created (pandas alone:
    # 0.1 s of a 1 s command) only to free memory the OS reclaims anyway. Registered
    # first, so it runs last, after logging and thread pools have shut down; files are
    # closed by then (outputs are written and closed by _atomic).
    atexit.register(gc.freeze)
    try:
        from middlepower.cli import main as cli_main
    except KeyboardInterrupt:
        sys.stderr.write("interrupted: stopped while starting; no output file was written.\n")
        sys.exit(130)
    cli_main()


if __name__ == "__main__":
    main()
