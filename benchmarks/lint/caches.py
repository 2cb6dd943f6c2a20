"""Forget every process-wide cache of blueprintc (memoised pure functions, compiled
schema plans and validators, scalar tag resolutions), so that a timed lint run starts
as the first lint of a process does (`--cold-caches`): repeated in-process runs must
not look faster than a pre-commit hook's single run because of them."""

from __future__ import annotations

import importlib
import sys

# Module- or class-level dicts used as caches: (module, attribute path).
CACHE_DICTS = (
    ("blueprintc.yamldata", "Loader._resolved"),
    ("blueprintc.schemacheck", "_plans"),
    ("blueprintc.schemawalk", "_walkable_schemas"),
    ("blueprintc.schemawalk", "_definitions_seen"),
    ("blueprintc.schemas", "_validators"),
    ("blueprintc.emit.yamlwriter", "_line_cache"),
    ("blueprintc.dependencies", "_ARCHIVES"),
    ("blueprintc.validate.kubernetes", "_kind_schemas"),
    ("blueprintc.validate.objects", "_carried_schemas"),
)


def clear_process_caches() -> int:
    """Clear them all; how many caches were cleared."""
    cleared = 0
    for name, module in list(sys.modules.items()):
        if module is None or not (name == "blueprintc" or name.startswith("blueprintc.")):
            continue
        for value in list(vars(module).values()):
            if callable(getattr(value, "cache_clear", None)):
                value.cache_clear()
                cleared += 1
    for module_name, path in CACHE_DICTS:
        value: object = importlib.import_module(module_name)
        for part in path.split("."):
            value = getattr(value, part)
        assert isinstance(value, dict), f"{module_name}.{path} is no longer a cache dict"
        value.clear()
        cleared += 1
    return cleared
