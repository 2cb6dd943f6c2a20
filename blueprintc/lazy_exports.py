"""A package's names imported from their modules on first use (PEP 562).

A package that re-exports its modules' names would import every module, and what
those import, as soon as anything imports the package: `blueprintc lint` would then
pay for the build, signing and OCI modules it never uses (issue 11). A package
instead says where each name lives and sets ``__getattr__ = lazy_exports(...)``.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any


def lazy_exports(
    package: str, homes: Mapping[str, str], namespace: dict[str, Any]
) -> Callable[[str], Any]:
    """The module ``__getattr__`` of ``package``: ``name`` comes from ``homes[name]``, a
    submodule of the package (``"record"``) or a dotted module path, and is then kept in
    the package's ``namespace`` so the next lookup is a plain attribute."""

    def __getattr__(name: str) -> Any:
        home = homes.get(name)
        if home is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        module = importlib.import_module(home if "." in home else f"{package}.{home}")
        value = getattr(module, name)
        namespace[name] = value
        return value

    return __getattr__
