"""Config and values read as Helm reads them: string keys, JSON values.

Helm reads values with sigs.k8s.io/yaml: go-yaml v2 (YAML 1.1), then JSON. So
an int, bool or float key becomes a string (`80:` is "80", `true:` is "true",
`1.5:` is "1.5", go-yaml's float32 format), a timestamp stays the text as
written (`2024-01-01`, key or value), and so does a base-60 number, which go-yaml
does not read (`at: 12:30` is "12:30", where YAML 1.1 makes 750, and `8080:80`
is not 484880), and a !!binary value is its decoded text.
What Helm cannot carry is an error where it stands: a null or !!binary key, a
NaN or infinite float, an integer beyond 64 bits (Helm turns it into a float
and loses digits), !!binary bytes that are no UTF-8 text, a !!set. Two keys that
read as the same string are an error too: Helm would keep either, at random.

The conversion is done once per document subtree, in place, before anything is
merged, validated or sorted; the converted paths get the positions of the keys
as written, so later findings still point at the right line.
"""

from __future__ import annotations

import datetime
import math
import struct
from typing import Any

from blueprintc.compile.findings import at, report
from blueprintc.diagnostics import Diagnostic
from blueprintc.yamldoc import PathKey, YamlDoc, json_path

RULE = "BPP018"
_INT_RANGE = (-(2**63), 2**64)  # int64 and uint64, what go-yaml keeps as integers


def read_as_helm(doc: YamlDoc, base: PathKey = ()) -> list[Diagnostic]:
    """Convert the subtree of `doc` at `base` in place (its mappings and lists stay the
    same objects, so a model already holding them sees the result); the problems found,
    as errors."""
    value = doc.get(base) if base else doc.data
    if not isinstance(value, dict | list):
        return []
    reader = _Reader(doc)
    reader.convert(value, base)
    return reader.found


def _part(key: Any) -> str | int:
    """The path part yamldoc records for a key (ints as ints, the rest as str())."""
    return key if isinstance(key, int) else str(key)


def _float_key(number: float) -> str:
    """`strconv.FormatFloat(f, 'g', -1, 32)`, as sigs.k8s.io/yaml names a float key."""
    if math.isnan(number):
        return ".nan"
    if math.isinf(number):
        return ".inf" if number > 0 else "-.inf"
    single = struct.unpack("f", struct.pack("f", number))[0]
    if single == 0:
        return "-0" if math.copysign(1, single) < 0 else "0"
    for precision in range(1, 10):  # the shortest digits that read back as this float32
        text = f"{single:.{precision - 1}e}"
        if struct.unpack("f", struct.pack("f", float(text)))[0] == single:
            break
    mantissa, exponent_text = text.split("e")
    sign = "-" if mantissa.startswith("-") else ""
    digits = mantissa.lstrip("-").replace(".", "").rstrip("0") or "0"
    exponent = int(exponent_text)
    if exponent < -4 or exponent >= 6:  # shortest %g: exponent form past 6 digits
        fraction = f".{digits[1:]}" if len(digits) > 1 else ""
        return f"{sign}{digits[0]}{fraction}e{'-' if exponent < 0 else '+'}{abs(exponent):02d}"
    point = exponent + 1
    if point <= 0:
        return f"{sign}0.{'0' * -point}{digits}"
    if point >= len(digits):
        return f"{sign}{digits}{'0' * (point - len(digits))}"
    return f"{sign}{digits[:point]}.{digits[point:]}"


class _Reader:
    def __init__(self, doc: YamlDoc) -> None:
        self.doc = doc
        self.found: list[Diagnostic] = []

    def problem(self, path: PathKey, message: str, hint: str, key: bool = False) -> None:
        """A finding at `path` (at its key, for a key), named by the mapping it is in."""
        named = json_path(path[:-1] if key else path) or "(top level)"
        self.found.append(report(RULE, f"{named}: {message}", at(self.doc, path, key=key), hint))

    def convert(self, value: Any, path: PathKey) -> Any:
        if isinstance(value, dict):
            converted = self.mapping(value, path)
            value.clear()
            value.update(converted)
            return value
        if isinstance(value, list):
            value[:] = [self.convert(item, (*path, i)) for i, item in enumerate(value)]
            return value
        return self.scalar(value, path)

    def mapping(self, value: dict[Any, Any], path: PathKey) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key, item in value.items():
            child = (*path, _part(key))
            name = self.key(key, child)
            if name is None:
                continue
            if name in result:
                self.problem(
                    child,
                    f"two keys of this mapping read as {name!r} in Helm (this one is {key!r})",
                    "remove one of the two keys; Helm would keep either of them, at random",
                    key=True,
                )
                continue
            if name != child[-1]:
                self.alias(child, (*path, name))
            result[name] = self.convert(item, (*path, name))
        return result

    def key(self, key: Any, child: PathKey) -> str | None:
        if isinstance(key, str):
            return key
        if isinstance(key, bool):
            return "true" if key else "false"
        if isinstance(key, int | float) and child in self.doc.key_literals:
            return self.doc.key_literals[child]  # base-60: go-yaml's text
        if isinstance(key, int):
            return str(key)
        if isinstance(key, float):
            return _float_key(key)
        if isinstance(key, datetime.date):
            return self.doc.key_literals.get(child, key.isoformat())
        what = "a null key" if key is None else "a !!binary key"
        if not (key is None or isinstance(key, bytes)):
            what = f"a {type(key).__name__} key"
        self.problem(
            child,
            f"{what} is not a key Helm can read (values keys are strings)",
            'write the key as plain text, quoted if it looks like something else ("null")',
            key=True,
        )
        return None

    def scalar(self, value: Any, path: PathKey) -> Any:
        if value is None or isinstance(value, str | bool):
            return value
        if isinstance(value, int | float) and path in self.doc.literals:
            return self.doc.literals[path]  # base-60: go-yaml's text
        if isinstance(value, int):
            if not _INT_RANGE[0] <= value < _INT_RANGE[1]:
                self.problem(
                    path,
                    f"an integer of {len(str(abs(value)))} digits is beyond 64 bits: Helm reads "
                    "it as a floating-point number and loses digits",
                    "quote the value to keep it a string",
                )
            return value
        if isinstance(value, float):
            if not math.isfinite(value):
                self.problem(
                    path,
                    f"{_float_key(value)} is not a number Helm can carry (its values are JSON)",
                    "use a finite number, or quote the value to keep it a string",
                )
                return None  # reported: nothing downstream may choke on it again
            return value
        if isinstance(value, datetime.date):  # datetime too: Helm keeps the text
            return self.doc.literals.get(path, value.isoformat())
        if isinstance(value, bytes):
            try:
                return value.decode("utf-8")
            except UnicodeDecodeError:
                self.problem(
                    path,
                    "a !!binary value that is not UTF-8 text: Helm's values are JSON text",
                    "drop the !!binary tag and keep the base64 text as a plain string",
                )
                return None
        self.problem(
            path,
            f"a {type(value).__name__} is not a value Helm can read",
            "use a mapping, a list or a plain scalar",
        )
        return None

    def alias(self, old: PathKey, new: PathKey) -> None:
        """Give `new` and every path below it the positions of `old` and its subtree."""
        size = len(old)
        for table in (self.doc.values, self.doc.keys, self.doc.literals, self.doc.key_literals):
            for path, position in list(table.items()):
                if path[:size] == old:  # a key written as `new` itself keeps its own
                    table.setdefault((*new, *path[size:]), position)  # type: ignore[arg-type]


def organization_values(doc: YamlDoc) -> list[Diagnostic]:
    """Every Application's `config` and per-Environment `config`, read as Helm reads them."""
    found: list[Diagnostic] = []
    applications = doc.get(("spec", "applications"))
    for index, app in enumerate(applications if isinstance(applications, list) else []):
        if not isinstance(app, dict):
            continue
        path = ("spec", "applications", index)
        found += read_as_helm(doc, (*path, "config"))
        environments = app.get("environments")
        for name in list(environments) if isinstance(environments, dict) else []:
            if isinstance(name, str):
                found += read_as_helm(doc, (*path, "environments", name, "config"))
    return found


def sovereign_values(doc: YamlDoc) -> list[Diagnostic]:
    """Every bootstrap-kit entry's `values`, read as Helm reads them."""
    found: list[Diagnostic] = []
    kit = doc.get(("spec", "bootstrapKit"))
    for index, entry in enumerate(kit if isinstance(kit, list) else []):
        if isinstance(entry, dict):
            found += read_as_helm(doc, ("spec", "bootstrapKit", index, "values"))
    return found
