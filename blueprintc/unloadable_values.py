"""A chart's values.yaml that Helm would refuse to load, found before Helm sees it.

Helm reads `values.yaml` with sigs.k8s.io/yaml, which converts YAML to JSON.
Asked of the real SDK (`helm_python.values_from_yaml`, the reader a chart load
uses), it refuses exactly these, with "error converting YAML to JSON":

- a float that JSON cannot hold: `.nan`, `.inf`, `-.inf` (any spelling);
- a null mapping key: `null:`, `~:`, an empty `? ` key;
- a sequence or mapping as a key (already BPI001 in `yamldoc`).

Everything else a YAML 1.1 reader accepts it takes, keys converted to strings:
`80:`, `true:`, `1.5:`, `2001-01-01:`, `.nan:` as a key, dates and timestamps
as values (kept as their text), `!!binary` (decoded), a 5,000-digit integer
(kept as a string). A refused file would make the whole chart fail to load
with a message about JSON at Chart.yaml; here it is one finding at the value.

This is lint's gate before handing a chart to Helm: only what makes the load
fail. compile reads config and values the way Helm does, converting keys and
reporting everything Helm would misread as well (`compile/helmvalues.py`).
"""

from __future__ import annotations

import math
from typing import Any

from blueprintc.source import InputError
from blueprintc.yamldoc import PathKey, YamlDoc, json_path


def refuse(doc: YamlDoc) -> None:
    """Raise InputError (BPI012) at a value or key Helm could not read."""
    stack: list[tuple[PathKey, Any]] = [((), doc.data)]
    while stack:
        path, node = stack.pop()
        if isinstance(node, dict):
            for key, value in node.items():
                if key is None:
                    raise _refused(doc, path, "a null key", doc.locate((*path, "None"), key=True))
                part = key if isinstance(key, int) else str(key)
                stack.append(((*path, part), value))
        elif isinstance(node, list):
            stack.extend(((*path, i), item) for i, item in enumerate(node))
        elif isinstance(node, float) and not math.isfinite(node):
            spelling = ".nan" if math.isnan(node) else (".inf" if node > 0 else "-.inf")
            raise _refused(doc, path, f"the value {spelling}", doc.locate(path))


def _refused(doc: YamlDoc, path: PathKey, what: str, position: tuple[int, int]) -> InputError:
    where = f" at {json_path(path)}" if path else ""
    return InputError(
        "BPI012",
        f"{doc.source.rel} holds {what}{where}, which Helm cannot read (its YAML is read as "
        "JSON): Helm would refuse to load the chart",
        doc.source.rel,
        *position,
        hint="quote it to make it a string (e.g. '.nan', 'null'), or remove it",
    )
