"""BPP013 for an Organization's file: each finding's hint says what to do about this
case (they all fell back to the rule's "use the canon codes and patterns")."""

from __future__ import annotations

import shutil
from pathlib import Path

from blueprintc.compile.run import plan
from tests.compile.helpers import copy_workspace


def _bpp013(root: Path) -> list[tuple[str, str, str | None]]:
    return [
        (d.location.file, d.message, d.hint) for d in plan(root).diagnostics if d.rule == "BPP013"
    ]


def test_an_organization_copied_to_another_file(tmp_path: Path) -> None:
    """The copy is the one told (acme.yaml was, as the first by path, and the copy
    was planned and told its file name too: two findings for one cause)."""
    root = copy_workspace(tmp_path / "ws")
    shutil.copy(root / "organizations/acme.yaml", root / "organizations/acme-copy.yaml")
    [(file, message, hint)] = _bpp013(root)
    assert file == "organizations/acme-copy.yaml"
    assert message == "Organization acme is defined twice (also in organizations/acme.yaml)"
    assert hint == (
        "delete organizations/acme-copy.yaml if it is a copy, or give it its own "
        "metadata.name (and its file that name)"
    )


def test_an_organization_in_a_file_named_otherwise(tmp_path: Path) -> None:
    root = copy_workspace(tmp_path / "ws")
    (root / "organizations/acme.yaml").rename(root / "organizations/acme-corp.yaml")
    [(file, _, hint)] = _bpp013(root)
    assert file == "organizations/acme-corp.yaml"
    assert hint == (
        "rename the file to organizations/acme.yaml (git mv), or set metadata.name to the "
        "file's name"
    )


def test_an_application_written_twice(tmp_path: Path) -> None:
    root = copy_workspace(tmp_path / "ws")
    acme = root / "organizations/acme.yaml"
    text = acme.read_text(encoding="utf-8")
    first = text.index("    - name: ")
    second = text.index("    - name: ", first + 1)
    acme.write_text(text[:second] + text[first:second] + text[second:], encoding="utf-8")
    [(_, message, hint)] = _bpp013(root)
    assert message.startswith("Application ") and message.endswith(" is defined twice in acme")
    assert hint == "merge the two entries into one, or give one of them another name"


def test_an_organization_sorted_into_a_subdirectory_is_not_dropped_silently(
    tmp_path: Path,
) -> None:
    """It was not read: compile removed initech's whole tree from out/, exit 0."""
    root = copy_workspace(tmp_path / "ws")
    (root / "organizations/eu").mkdir()
    (root / "organizations/initech.yaml").rename(root / "organizations/eu/initech.yaml")
    [(file, message, hint)] = _bpp013(root)
    assert file == "organizations/eu/initech.yaml"
    assert message == (
        "organizations/eu/initech.yaml is not read: Organization specs are the files of "
        "organizations/ itself, not of its subdirectories"
    )
    assert hint == (
        "move it to organizations/initech.yaml, or out of organizations/ if it is no Organization"
    )
