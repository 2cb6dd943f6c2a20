"""The fix when a subchart's values key holds something other than a mapping.

Helm merges the values under a subchart's key (its alias, else its name) into the
subchart's own values, as a mapping. Anything else there (`webapp: [1, 2]`, a string, a
number) stops every render with `type mismatch on webapp: [%!t(float64=1)
%!t(float64=2)]`: Go's formatting of the value, and no file. Lint reported it at
Chart.yaml with a hint about templates, compile at the kit entry or Application; the fix
is the key's value, where it is set.
"""

from __future__ import annotations

import re
from typing import Any

_MISMATCH = re.compile(r"type mismatch on (?P<key>[\w.-]+): ")


def mismatched_subchart(message: str) -> str | None:
    """The subchart key whose value Helm could not merge, by a render failure's
    `message`; None for another failure."""
    match = _MISMATCH.search(message)
    return match.group("key") if match else None


def mismatch_hint(key: str, given: Any) -> str:
    """The fix for `key:` holding `given`, where the subchart `key`'s values belong."""
    kind = "a list" if isinstance(given, list) else "empty" if given is None else "a scalar"
    return (
        f"give `{key}:` a mapping of the subchart {key}'s values (it is {kind} here), or "
        "remove it: Helm merges a subchart's values as a mapping, and refuses every render "
        "while it is anything else"
    )
