"""A switch given as the string "false": Go templates read every non-empty string as true.

`{{- if .Values.tls.enabled }}` renders for `enabled: "false"`, a string, as for `true`;
so do `and`, `or`, `not` and `default`. A value is one when it is a string that reads
false to a person (`false`, `no`, `off` in any case, or `0`), where the chart's
values.yaml has a boolean. Each is a string to Helm too, wherever it came from: unquoted,
YAML reads these words as booleans (in the three casings it knows; `fAlse` stays a
string), and `0` as a number. A plain `n`, false to Helm's go-yaml and a string to
PyYAML, is left out: the two readers disagree on what it is. For lint's BPG016 (an upstream's values
in the Blueprint's values files) and compile's BPP032 (an Application's config, the
overlays, a bootstrap-kit entry's values).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from blueprintc.yamldoc import PathKey

FALSE_WORDS = frozenset({"false", "no", "off", "0"})


def false_strings(values: Mapping[Any, Any], path: PathKey = ()) -> Iterator[tuple[PathKey, str]]:
    """Each string of `values` (through mappings) that means false, with its path."""
    for key, value in values.items():
        here = (*path, str(key))
        if isinstance(value, Mapping):
            yield from false_strings(value, here)
        elif isinstance(value, str) and value.strip().lower() in FALSE_WORDS:
            yield here, value


def wording(where: str, text: str, owner: str, default: bool) -> str:
    """What is wrong with `where: "<text>"` where `owner`'s values.yaml has `default`."""
    return (
        f'{where} is the string "{text}", where {owner}\'s values.yaml has a boolean '
        f"({str(default).lower()}): its templates' `if` reads any non-empty string as true, "
        "so this does not switch it off"
    )
