"""Mistakes an author makes in an object, for the differential tests that hold a
compiled validator's verdicts equal to jsonschema's."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any


def mutations(obj: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """What an author gets wrong: a misspelt key, a wrong type, a missing key, a null,
    at every depth of the object (mapping values and the first item of each list)."""

    def walk(node: Any, path: tuple[Any, ...]) -> Iterator[tuple[Any, ...]]:
        if isinstance(node, dict):
            for key, value in node.items():
                yield (*path, key)
                yield from walk(value, (*path, key))
        elif isinstance(node, list) and node:
            yield (*path, 0)
            yield from walk(node[0], (*path, 0))

    for path in walk(obj, ()):
        for name, change in (
            ("unknown key beside", lambda parent, key: parent.__setitem__(f"{key}x", 1)),
            ("as a string", lambda parent, key: parent.__setitem__(key, "text")),
            ("as a number", lambda parent, key: parent.__setitem__(key, 7)),
            ("as a list", lambda parent, key: parent.__setitem__(key, [])),
            ("as null", lambda parent, key: parent.__setitem__(key, None)),
            ("removed", lambda parent, key: parent.pop(key)),
        ):
            mutated = copy.deepcopy(obj)
            parent = mutated
            for part in path[:-1]:
                parent = parent[part]
            if name == "unknown key beside" and not isinstance(parent, dict):
                continue
            change(parent, path[-1])
            yield f"{'.'.join(map(str, path))} {name}", mutated
