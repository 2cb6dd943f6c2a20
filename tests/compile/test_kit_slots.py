"""Kit file names are stable: `NN` is an entry's depth in the kit's dependency graph,
so adding or removing an entry renames no other file unless it is their dependency."""

from __future__ import annotations

from pathlib import Path

from blueprintc.compile.run import run_compile

from .helpers import GOLDEN, copy_workspace, tree_files

KIT = "clusters/omantel/bootstrap-kit/"
ENTRY = """    - blueprint: bp-network-policies
      version: ^1.0
      releaseName: network-policies
      targetNamespace: kube-system
      values:
        enabled: true
"""


def _kit_files(out: Path) -> set[str]:
    return {p.removeprefix(KIT) for p in tree_files(out) if p.startswith(KIT)}


def test_golden_slots_are_depths() -> None:
    assert _kit_files(GOLDEN) == {
        "00-bp-cert-manager.yaml",
        "01-bp-cluster-issuers.yaml",  # depends on cert-manager
        "00-bp-network-policies.yaml",
        "00-bp-observability.yaml",
        "01-bp-postgres.yaml",  # depends on cert-manager
        "chart-signing-keys.yaml",
        "kustomization.yaml",
    }


def test_removing_an_entry_renames_no_other_file(tmp_path: Path) -> None:
    workspace = copy_workspace(tmp_path / "ws")
    assert not run_compile(workspace, out=tmp_path / "before").diagnostics
    sovereign = workspace / "sovereign.yaml"
    assert ENTRY in sovereign.read_text()
    sovereign.write_text(sovereign.read_text().replace(ENTRY, ""))
    assert not run_compile(workspace, out=tmp_path / "after").diagnostics
    before, after = _kit_files(tmp_path / "before"), _kit_files(tmp_path / "after")
    assert before - after == {"00-bp-network-policies.yaml"}
    assert after <= before  # every other kit file keeps its name
