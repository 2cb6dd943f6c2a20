"""Every JSON document blueprintc prints carries the same head: `formatVersion` (bumped
when a field changes meaning or goes away; new fields do not bump it), `kind` (which
command's report) and the tool's name and version. Consumers check formatVersion."""

from __future__ import annotations

import json
from typing import Any

from blueprintc import __version__

FORMAT_VERSION = 1


def json_document(kind: str, body: dict[str, Any]) -> str:
    head = {
        "formatVersion": FORMAT_VERSION,
        "kind": kind,
        "tool": {"name": "blueprintc", "version": __version__},
    }
    return json.dumps({**head, **body}, indent=2, default=str) + "\n"  # a date: its text
