"""BPP033 for two bootstrap-kit entries with one release name on a common host cluster:
Flux keeps a HelmRelease's Helm history in the HelmRelease's namespace (flux-system, for
every kit entry) by release name, so the two drive one Helm release. Compiled with exit
0 before, even with the same target namespace too."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from blueprintc.compile.run import plan
from tests.cli.helpers import invoke
from tests.compile.helpers import copy_workspace

POSTGRES = "      releaseName: postgres\n      targetNamespace: postgres-system\n"
CASES = Path(__file__).resolve().parents[1] / "rules" / "cases" / "BPP033"


def _last_line(path: Path, text: str) -> int:
    return [i for i, line in enumerate(path.read_text().splitlines(), 1) if line == text][-1]


@pytest.mark.parametrize(
    ("namespace", "into"),
    [("monitoring", "into monitoring as well"), ("postgres-system", "into monitoring, this")],
)
def test_a_second_entry_installing_a_release_of_the_same_name_is_bpp033(
    tmp_path: Path, namespace: str, into: str
) -> None:
    root = copy_workspace(tmp_path / "ws")
    sovereign = root / "sovereign.yaml"
    text = sovereign.read_text(encoding="utf-8")
    assert text.count(POSTGRES) == 1
    entry = f"      releaseName: observability\n      targetNamespace: {namespace}\n"
    sovereign.write_text(text.replace(POSTGRES, entry), encoding="utf-8")
    result = invoke("compile", root)
    assert result.exit_code == 1, result.output
    assert "error BPP033" in result.output
    line = _last_line(sovereign, "      releaseName: observability")  # bp-postgres's
    [found] = plan(root).failing
    assert (found.rule, found.location.file, found.location.line, found.location.column) == (
        "BPP033",
        "sovereign.yaml",
        line,
        20,
    )
    assert found.message.startswith(
        "bootstrap-kit entry bp-postgres installs Helm release observability, which kit "
        f"entry bp-observability installs too ({into}"
    )
    assert found.hint is not None and "`releaseName:` of its own" in found.hint


def test_one_release_name_on_host_clusters_apart_is_no_clash(tmp_path: Path) -> None:
    """Placed on no common host cluster, each Flux keeps its own release of the name."""
    root = tmp_path / "ws"
    shutil.copytree(CASES / "pass", root)
    sovereign = root / "sovereign.yaml"
    text = sovereign.read_text(encoding="utf-8")
    for blueprint, block in (("bp-base", "mgt"), ("bp-gateway", "rtz")):
        old = f"    - blueprint: {blueprint}\n"
        assert text.count(old) == 1
        placed = f"{old}      releaseName: shared\n      placement: {{buildingBlocks: [{block}]}}\n"
        text = text.replace(old, placed)
    sovereign.write_text(text, encoding="utf-8")
    assert [d for d in plan(root).diagnostics if d.rule == "BPP033"] == []
    sovereign.write_text(text.replace("[rtz]", "[mgt]"), encoding="utf-8")
    found = [d for d in plan(root).diagnostics if d.rule == "BPP033"]
    assert any(
        d.message.startswith("bootstrap-kit entry bp-gateway installs Helm release shared")
        for d in found
    )
