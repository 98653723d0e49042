"""Which world a story is built on when none is named (``middlepower suggest --data auto``).

A story that names goods of the sector table (steel, lumber, gallium, chips, ...) is built
on the multi-sector default (:data:`middlepower.data.datasets.DEFAULT_SECTOR_DATASET`), so
a tariff on steel taxes steel and a ban on gallium stops basic metals only; any other
story on the one-sector default (``world2023``, more economies).
"""

from __future__ import annotations

__all__ = ["AUTO", "pick_world"]

#: The ``--data`` value that lets the story choose.
AUTO = "auto"


def pick_world(text: str, data: str = AUTO) -> tuple[str, str]:
    """The dataset to build ``text`` on, and a line saying why (empty when ``data`` is given).
    """
    from ..data.datasets import DEFAULT_DATASET, DEFAULT_SECTOR_DATASET
    from ._relations import _sectors

    if data != AUTO:
        return data, ""
    named = _sectors(text)
    if not named:
        return DEFAULT_DATASET, ""
    return DEFAULT_SECTOR_DATASET, (
        f"the story names sectors ({', '.join(named)}): built on {DEFAULT_SECTOR_DATASET}, "
        f"the multi-sector default; --data {DEFAULT_DATASET} for more economies and one sector")
