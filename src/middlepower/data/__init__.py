"""Baseline data: the :class:`World`, readers, named groups and shipped datasets."""

from .agreements import agreements
from .datasets import (
    DEFAULT_DATASET,
    DEFAULT_SECTOR_DATASET,
    cp_tariffs_2005,
    datasets,
    load,
    provenance,
)
from .groups import Group, groups
from .ilms import ILMS, ilms2025
from .readers import add_domestic_sales, read_baci, read_icio, read_table, read_yotov
from .world import World

__all__ = [
    "DEFAULT_DATASET",
    "DEFAULT_SECTOR_DATASET",
    "ILMS",
    "Group",
    "World",
    "add_domestic_sales",
    "agreements",
    "cp_tariffs_2005",
    "datasets",
    "groups",
    "ilms2025",
    "load",
    "provenance",
    "read_baci",
    "read_icio",
    "read_table",
    "read_yotov",
]
