"""The editor copies in schemas/ are byte-identical to the package data they come from."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SOURCE = REPO / "blueprintc" / "data" / "schemas"
PUBLISHED = REPO / "schemas"
NAMES = sorted(p.name for p in SOURCE.glob("*.schema.json"))


def test_every_schema_is_published_and_nothing_else() -> None:
    assert NAMES == [
        "blueprint.schema.json",
        "lock.schema.json",
        "organization.schema.json",
        "sovereign.schema.json",
        "workspace.schema.json",
    ]
    assert sorted(p.name for p in PUBLISHED.glob("*.schema.json")) == NAMES


@pytest.mark.parametrize("name", NAMES)
def test_published_copy_is_identical(name: str) -> None:
    assert (PUBLISHED / name).read_bytes() == (SOURCE / name).read_bytes(), (
        "run scripts/publish_schemas.py"
    )
