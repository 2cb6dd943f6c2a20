"""Issue 12 point 1: `bp-x` and `x` name the same Blueprint everywhere compile reads one.

The reference workspace, with every spelling turned to the other form, compiles
to the golden tree byte for byte; a catalog holding both forms is ambiguous.
"""

from __future__ import annotations

import re
from pathlib import Path

from blueprintc.blueprint_names import canonical, lookup, same, short, spellings
from tests.cli.helpers import invoke

from .helpers import GOLDEN, GOLDEN_EXTRAS, copy_workspace, describe_difference, tree_files


def _edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text("utf-8")
    assert text.count(old) >= count, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new), "utf-8")


def test_the_resolver_normalises_both_forms() -> None:
    assert canonical("harbor") == canonical("bp-harbor") == "bp-harbor"
    assert short("bp-harbor") == short("harbor") == "harbor"
    assert canonical("") == ""
    assert same("harbor", "bp-harbor") and not same("harbor", "bp-harbo")
    assert lookup({"bp-harbor": 1}, "harbor") == 1
    assert spellings(["harbor", "bp-harbor", "bp-wiki", 3], "bp-harbor") == [
        "harbor",
        "bp-harbor",
    ]


def test_bare_names_everywhere_compile_to_the_golden_tree(tmp_path: Path) -> None:
    """Bare names in blueprint.yaml, the kit, `depends`, Applications and overlays."""
    ws = copy_workspace(tmp_path / "ws")
    # Blueprints naming themselves without the prefix (18 of a real catalog do).
    _edit(
        ws / "blueprints/cert-manager/blueprint.yaml", "name: bp-cert-manager", "name: cert-manager"
    )
    _edit(ws / "blueprints/webapp/blueprint.yaml", "name: bp-webapp", "name: webapp")
    # References in the other form.
    _edit(ws / "sovereign.yaml", "blueprint: bp-cluster-issuers", "blueprint: cluster-issuers")
    _edit(ws / "sovereign.yaml", "blueprint: bp-postgres", "blueprint: postgres")
    _edit(ws / "blueprints/cluster-issuers/blueprint.yaml", "- bp-cert-manager", "- cert-manager")
    _edit(ws / "organizations/acme.yaml", "blueprint: bp-wiki", "blueprint: wiki")
    _edit(ws / "blueprints/wiki/blueprint.yaml", "blueprint: bp-postgres", "blueprint: postgres")
    _edit(ws / "overlays/sovereigns/omantel.yaml", "bp-webapp:", "webapp:")
    _edit(ws / "overlays/environments/prod.yaml", "bp-", "", count=1)
    result = invoke("compile", ws)
    assert result.exit_code == 0, result.output
    expected = tree_files(GOLDEN, GOLDEN_EXTRAS)
    actual = tree_files(ws / "out")
    assert actual == expected, describe_difference(expected, actual)


def test_both_forms_in_the_catalog_are_an_error_naming_both_files(tmp_path: Path) -> None:
    ws = copy_workspace(tmp_path / "ws")
    copy = ws / "blueprints/wiki-legacy"
    copy.mkdir()
    (copy / "blueprint.yaml").write_text(
        (ws / "blueprints/wiki/blueprint.yaml")
        .read_text("utf-8")
        .replace("name: bp-wiki", "name: wiki")
    )
    result = invoke("compile", ws)
    assert result.exit_code == 1, result.output
    line = next(line for line in result.output.splitlines() if "BPP020" in line)
    assert line.startswith("blueprints/wiki/blueprint.yaml:") or line.startswith(
        "blueprints/wiki-legacy/blueprint.yaml:"
    ), line
    assert (
        "blueprints/wiki/blueprint.yaml" in line and "blueprints/wiki-legacy/blueprint.yaml" in line
    )
    assert "'wiki'" in line and "'bp-wiki'" in line
    assert not (ws / "out").exists()


def test_both_forms_as_keys_of_an_overlay_are_an_error_at_the_second(tmp_path: Path) -> None:
    ws = copy_workspace(tmp_path / "ws")
    overlay = ws / "overlays/sovereigns/omantel.yaml"
    overlay.write_text(overlay.read_text("utf-8") + "wiki:\n  replicas: 2\n", "utf-8")
    result = invoke("compile", ws)
    assert result.exit_code == 1, result.output
    assert re.search(
        r"overlays/sovereigns/omantel\.yaml:\d+:1: error BPP020 .*'bp-wiki' and 'wiki'",
        result.output,
    ), result.output


def test_a_kit_listing_one_blueprint_in_both_forms_is_an_error(tmp_path: Path) -> None:
    ws = copy_workspace(tmp_path / "ws")
    sovereign = ws / "sovereign.yaml"
    sovereign.write_text(
        sovereign.read_text("utf-8") + "    - blueprint: postgres\n      version: ^1.3\n", "utf-8"
    )
    result = invoke("compile", ws)
    assert result.exit_code == 1, result.output
    assert (
        "bootstrap-kit lists bp-postgres twice (as 'bp-postgres' and 'postgres')" in result.output
    )
