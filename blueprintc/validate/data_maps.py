"""A ConfigMap's and a Secret's data as the API server reads and validates it.

The schema types `data` as a map of strings; the API server also:
- decodes a Secret's `data` (and a ConfigMap's `binaryData`) as base64 while it reads the
  object, and refuses the whole object when a value is not (`Secret in version "v1"
  cannot be handled as a Secret: illegal base64 data at input byte 8`): the chart that
  writes plain text under `data:` where `stringData:` or `| b64enc` was meant
  (OneUptime/oneuptime#1713, helm/helm#5008);
- takes as keys only file names (`[-._a-zA-Z0-9]+`, not `.` or `..`): a key holding a
  path (`conf/app.yaml`) is refused;
- refuses a key in both a ConfigMap's `data` and `binaryData`, and data of more than
  1 MiB in all (a Grafana dashboard too big for one ConfigMap).
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterator
from typing import Any

from blueprintc.validate.label_text import Problem

MAX_BYTES = 1024 * 1024
_KEY = re.compile(r"[-._a-zA-Z0-9]+")
_KEY_WORDS = (
    "a valid config key must consist of alphanumeric characters, '-', '_' or '.' "
    "(a file name, not a path)"
)
_NOT_BASE64 = (
    "illegal base64 data: the API server decodes this field; write the text under "
    "`stringData` (a Secret's), or encode it (`| b64enc`)"
)


def data_map_problems(obj: dict[str, Any]) -> list[Problem]:
    """The data problems of a v1 ConfigMap or Secret (none for any other object)."""
    if obj.get("apiVersion") != "v1" or obj.get("kind") not in ("ConfigMap", "Secret"):
        return []
    encoded = "data" if obj["kind"] == "Secret" else "binaryData"
    fields = ("data", "binaryData") if obj["kind"] == "ConfigMap" else ("data", "stringData")
    found: list[Problem] = []
    size = 0
    for field in fields:
        entries = obj.get(field)
        for key, value in entries.items() if isinstance(entries, dict) else ():
            if not isinstance(key, str) or "${" in key:
                continue
            found.extend((f"{field}.{key}", f"{key!r}: {p}") for p in config_key_problems(key))
            if not isinstance(value, str) or "${" in value:
                continue
            if field == encoded:
                decoded = _decoded(value)
                if decoded is None:
                    found.append((f"{field}.{key}", _NOT_BASE64))
                size += len(decoded or b"")
            else:
                size += len(value.encode())
    found.extend(_duplicates(obj))
    if size > MAX_BYTES:
        found.append(("", f"Too long: its data must have at most {MAX_BYTES} bytes ({size})"))
    return found


def config_key_problems(key: str) -> Iterator[str]:
    """Why `key` is no ConfigMap or Secret key (`IsConfigMapKey`): a data entry's, or the
    key an env var reads."""
    if len(key) > 253:
        yield "must be no more than 253 characters"
    if not _KEY.fullmatch(key):
        yield _KEY_WORDS
    if key in (".", ".."):
        yield f"must not be '{key}'"
    elif key.startswith(".."):
        yield "must not start with '..'"


def _decoded(value: str) -> bytes | None:
    """The bytes of base64 text as Go's decoder reads it (line breaks skipped)."""
    try:
        return base64.b64decode(value.replace("\n", "").replace("\r", ""), validate=True)
    except (binascii.Error, ValueError):
        return None


def _duplicates(obj: dict[str, Any]) -> Iterator[Problem]:
    if obj["kind"] != "ConfigMap":
        return
    data, binary = obj.get("data"), obj.get("binaryData")
    if isinstance(data, dict) and isinstance(binary, dict):
        for key in binary:
            if key in data:
                yield f"binaryData.{key}", f"{key!r}: Duplicate value: a key of `data` too"
