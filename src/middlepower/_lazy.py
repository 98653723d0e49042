"""Lazy public names of a package (PEP 562): each is imported the first time it is used.

``import middlepower`` used to import every subpackage, pandas, pydantic and the solver
(0.6-0.9 s) before a command could even print its help; with :func:`install` a package
lists where its names live, and a one-shot command loads only what it touches.

One wrinkle: a function may share its name with the module that holds it
(``middlepower.suggest``, ``middlepower.estimate.ppml``). Importing such a module binds
it as an attribute of the package *after* the package's own ``__init__`` ran, which
would hide the function; the package's module type (:class:`_Package`) binds the
function instead, as the eager ``from .ppml import ppml`` used to leave it.
"""

from __future__ import annotations

import sys
import types
from collections.abc import Mapping
from importlib import import_module
from typing import Any

__all__ = ["install"]


class _Package(types.ModuleType):
    """A package whose ``_SHADOWED`` names stay bound to functions, not to modules."""

    def __setattr__(self, name: str, value: Any) -> None:
        if isinstance(value, types.ModuleType) and name in self.__dict__.get("_SHADOWED", ()):
            value = getattr(value, name)
        super().__setattr__(name, value)


def install(package: str, names: Mapping[str, str], shadowed: tuple[str, ...] = ()) -> None:
    """Make ``names`` lazy attributes of the (already imported) ``package``.

    Parameters
    ----------
    package : str
        The package's ``__name__``.
    names : mapping of str to str
        Public name -> the relative module it comes from (``"World": ".data"``); ``""``
        for a subpackage or submodule of that name (``"data": ""``).
    shadowed : tuple of str
        Names of functions that live in a module of the same name (``"ppml"``).
    """
    module = sys.modules[package]
    names = dict(names)

    def attribute(name: str) -> Any:
        if name not in names:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        owner = names[name]
        value = import_module(owner or f".{name}", package)
        if owner:
            value = getattr(value, name)
        setattr(module, name, value)  # the next look-up skips __getattr__
        return value

    def listing() -> list[str]:
        return sorted(set(vars(module)) | set(names))

    module.__getattr__ = attribute  # type: ignore[method-assign]
    module.__dir__ = listing  # type: ignore[method-assign]
    module._SHADOWED = tuple(shadowed)  # type: ignore[attr-defined]
    module.__class__ = _Package
