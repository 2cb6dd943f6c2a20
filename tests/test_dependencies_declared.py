"""Runtime dependencies are exactly what the package imports (issue 10: a lean hook env)."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
# jsonschema's `format` checkers, which jsonschema imports itself when they are installed:
# declared by name, not through an extra (blueprintc/formats.py says why).
FORMAT_LIBRARIES = {
    "fqdn",
    "idna",
    "jsonpointer",
    "rfc3339-validator",
    "uri-template",
    "webcolors",
}


def _declared() -> set[str]:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    names = (re.match(r"[A-Za-z0-9_.\-]+", spec).group(0) for spec in project["dependencies"])
    return {_normal(name) for name in names}


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _imported_top_levels() -> set[str]:
    found: set[str] = set()
    for path in (REPO / "blueprintc").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module.split(".")[0])
            elif _package_data_of(node):  # files("pkg"), find_spec("pkg"): its data files
                found.add(_package_data_of(node))
    return found - set(sys.stdlib_module_names) - {"blueprintc"}


def _package_data_of(node: ast.AST) -> str:
    if not (isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant)):
        return ""
    func = node.func
    name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
    return str(node.args[0].value) if name in ("files", "find_spec") else ""


def test_runtime_dependencies_are_what_runtime_code_imports() -> None:
    providers = packages_distributions()
    imported = {
        _normal(dist) for top in _imported_top_levels() for dist in providers.get(top, [top])
    }
    declared = _declared()
    assert imported - declared == set(), "imported but not a runtime dependency"
    assert declared - imported - FORMAT_LIBRARIES == set(), (
        "a runtime dependency no runtime code imports"
    )
    assert declared >= FORMAT_LIBRARIES, "a format library jsonschema checks with is missing"


def test_no_format_library_that_is_gpl_or_slow_to_import_is_declared() -> None:
    """rfc3987 is GPL-3.0; rfc3987-syntax builds a grammar on import (1.1 s), and
    rfc3986-validator a regex (~29 ms); isoduration pulls arrow and dateutil (~20 ms):
    formats.py checks `duration`, `uri` and `uri-reference` itself."""
    slow = {"rfc3987", "rfc3987-syntax", "rfc3986-validator", "isoduration", "arrow"}
    assert _declared().isdisjoint(slow)
