"""The fix for a template reading below a value nothing sets.

`{{ .Values.ingres.className }}` with no `ingres:` fails the render with `nil pointer
evaluating interface {}.className`, and the finding said "fix the template". The value
that is missing is the first part of the path values.yaml lacks (`ingres`), most often
a misspelling of a key it has (`ingress`), else a default values.yaml should give.
"""

from __future__ import annotations

import difflib
import re
from typing import Any

_NIL = re.compile(r"at <\$?\.Values\.(?P<path>[\w.]+)>: nil pointer evaluating interface \{\}\.\w+")


def unset_value_hint(message: str, values: Any, values_file: str) -> str | None:
    """The fix when `message` is a render failing below a value that `values` (the
    chart's values.yaml, `values_file`) does not set; None for another failure."""
    match = _NIL.search(message)
    if match is None:
        return None
    parts = match.group("path").split(".")
    node = values
    for depth, part in enumerate(parts[:-1]):
        if isinstance(node, dict) and node.get(part) is not None:
            node = node[part]
            continue
        path = ".Values." + ".".join(parts[: depth + 1])
        guard = f"or read it inside `{{{{ with {path} }}}}`"
        if isinstance(node, dict) and part in node:
            return f"give {path} a value in {values_file}, where it is empty (null), {guard}"
        keys = [str(k) for k in node] if isinstance(node, dict) else []
        close = difflib.get_close_matches(part, keys, n=1, cutoff=0.6)
        if close:
            meant = ".Values." + ".".join([*parts[:depth], close[0], *parts[depth + 1 :]])
            return f"read {meant} instead: nothing sets {path}"
        return f"give {path} a default in {values_file}, {guard}: nothing sets it"
    return None
