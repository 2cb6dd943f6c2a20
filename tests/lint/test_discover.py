"""`discover` finds Blueprint directories in name order, follows links only onto
Blueprints, and names each by its real path when that is inside the workspace."""

from __future__ import annotations

from pathlib import Path

import pytest

from blueprintc.source import InputError
from blueprintc.workspace import Workspace, discover, load_workspace


def _blueprint(directory: Path) -> None:
    directory.mkdir(parents=True)
    (directory / "blueprint.yaml").write_text("x", encoding="utf-8")


def _workspace(base: Path) -> Workspace:
    root = base / "ws"
    _blueprint(root / "blueprints" / "a")
    _blueprint(root / "shared" / "b")
    (root / "blueprints" / "b").symlink_to("../shared/b")  # inside: named by its real path
    _blueprint(base / "outside" / "c")
    (root / "blueprints" / "c").symlink_to(base / "outside" / "c")  # leaves: kept as written
    (root / "blueprints" / "d").symlink_to("nowhere")
    (root / "blueprints" / "grp" / "e").mkdir(parents=True)
    (root / "blueprints" / "grp" / "e" / "blueprint.yaml").symlink_to("missing")
    _blueprint(root / "blueprints" / "grp" / "Z")
    _blueprint(root / "blueprints" / ".hidden" / "f")
    _blueprint(root / "blueprints" / "charts" / "g")
    (root / "blueprints" / "file.txt").write_text("x", encoding="utf-8")
    (root / "linked").symlink_to("blueprints")  # a linked tree is not entered
    return load_workspace(root)


def _names(found: list[Path], base: Path) -> list[str]:
    return [p.relative_to(base).as_posix() for p in found]


def test_discover_lists_blueprints_by_real_path_in_order(tmp_path: Path) -> None:
    base = tmp_path.resolve()
    workspace = _workspace(base)
    assert _names(discover([workspace.root], workspace), base) == [
        "ws/blueprints/a",
        "ws/blueprints/c",
        "ws/blueprints/grp/Z",
        "ws/blueprints/grp/e",
        "ws/shared/b",
    ]


def test_discover_below_a_linked_directory_names_real_paths(tmp_path: Path) -> None:
    base = tmp_path.resolve()
    workspace = _workspace(base)
    found = discover([workspace.root / "linked" / "grp"], workspace)
    assert _names(found, base) == ["ws/blueprints/grp/Z", "ws/blueprints/grp/e"]


def test_workspace_real_is_what_resolve_gives(tmp_path: Path) -> None:
    base = tmp_path.resolve()
    (base / "a" / "b" / "c").mkdir(parents=True)
    (base / "a" / "f").write_text("x", encoding="utf-8")
    (base / "l").symlink_to("a/b")
    (base / "a" / "b" / "d").symlink_to("../f")
    (base / "dangling").symlink_to("nowhere")
    workspace = load_workspace(base)
    cases = ("", "a", "a/b/c", "l", "l/c", "l/c/../c", "l/..", "a/b/d", "dangling")
    for rel in (*cases, "dangling/x", "missing/x", "a/f/x"):
        path = base / rel
        assert workspace.real(path) == path.resolve(), rel


def test_a_chart_or_manifests_directory_is_a_blueprint_without_blueprint_yaml(
    tmp_path: Path,
) -> None:
    """As the real CI: `chart/Chart.yaml` or `manifests/` under a catalog path is a
    Blueprint to guard (lint reports the missing blueprint.yaml as BPI010)."""
    base = tmp_path.resolve()
    root = base / "ws"
    (root / "products" / "axon" / "chart").mkdir(parents=True)
    (root / "products" / "axon" / "chart" / "Chart.yaml").write_text("x", encoding="utf-8")
    (root / "platform" / "net" / "manifests").mkdir(parents=True)
    (root / "platform" / "docs").mkdir(parents=True)  # neither: not a Blueprint
    workspace = load_workspace(root)
    assert _names(discover([root], workspace), base) == [
        "ws/platform/net",
        "ws/products/axon",
    ]
    # a file inside it selects it, as a pre-commit hook passes changed files
    chart = root / "products" / "axon" / "chart" / "Chart.yaml"
    assert _names(discover([chart], workspace), base) == ["ws/products/axon"]


def test_an_explicit_directory_without_a_blueprint_is_an_error(tmp_path: Path) -> None:
    base = tmp_path.resolve()
    root = base / "ws"
    (root / "products" / "empty").mkdir(parents=True)
    (root / "README.md").write_text("x", encoding="utf-8")
    workspace = load_workspace(root)
    with pytest.raises(InputError, match="holds no Blueprint"):
        discover([root / "products" / "empty"], workspace)
    # a file outside every Blueprint selects nothing; a catalog may be empty
    assert discover([root / "README.md"], workspace) == []
    assert discover([root / "products" / "empty"], workspace, empty_ok=True) == []
