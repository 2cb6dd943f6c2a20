#!/usr/bin/env python3
"""Publish the hand-written JSON Schemas for editors: copy them to ``schemas/``.

The source of truth is ``blueprintc/data/schemas/*.schema.json`` (package data); the
repo-root ``schemas/`` folder holds byte-identical copies that editors point at, e.g.
``# yaml-language-server: $schema=schemas/workspace.schema.json``. Run from anywhere;
``--check`` only reports copies that are missing or differ (exit 1), for CI.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SOURCE = REPO / "blueprintc" / "data" / "schemas"
PUBLISHED = REPO / "schemas"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="report drift, write nothing")
    args = parser.parse_args(argv)
    drift = []
    for source in sorted(SOURCE.glob("*.schema.json")):
        target = PUBLISHED / source.name
        data = source.read_bytes()
        if target.is_file() and target.read_bytes() == data:
            continue
        drift.append(target.relative_to(REPO).as_posix())
        if not args.check:
            target.parent.mkdir(exist_ok=True)
            target.write_bytes(data)
    for rel in drift:
        print(f"{'differs' if args.check else 'wrote'}: {rel}")
    return 1 if args.check and drift else 0


if __name__ == "__main__":
    sys.exit(main())
