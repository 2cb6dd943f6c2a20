"""One parametrized test per registered rule, driven by fixture workspaces.

For every rule id in the registry, `cases/<ID>/fail/` is a small workspace
whose `expect.yaml` lists the findings (file and line) that rule must report,
and `cases/<ID>/pass/` is one where it must report nothing. The list of rules
comes from the registry, so a new rule without fixtures fails here.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
import yaml

from blueprintc.build.changed import compare
from blueprintc.build.upgrades import upgrade_findings
from blueprintc.build.version_bump import unbumped
from blueprintc.compile.planner import compile_workspace
from blueprintc.lint import finalise, lint
from blueprintc.rules import RULES
from blueprintc.validate.tree import validate_tree
from blueprintc.workspace import load_workspace

CASES = Path(__file__).parent / "cases"


def _findings(workspace: Path, rule_id: str) -> list[tuple[str, int]]:
    """Lint rules run through `lint`; plan rules (BPP) through a compile of the fixture;
    compile-output rules (BPC) through `validate_tree` over the fixture's `out/`; rules
    on git history (a `base/` and a `head/` laid over it) as `lint --since` checks."""
    if (workspace / "base").is_dir():
        return _history_findings(workspace, rule_id)
    if rule_id.startswith("BPC"):
        found = validate_tree(workspace / "out")
        return sorted(
            (f"out/{d.location.file}", d.location.line) for d in found if d.rule == rule_id
        )
    if rule_id.startswith("BPP"):
        diagnostics = compile_workspace(workspace).diagnostics
    else:
        diagnostics = lint([workspace], root=workspace, select={rule_id}).diagnostics
    return sorted((d.location.file, d.location.line) for d in diagnostics if d.rule == rule_id)


def _history_findings(case: Path, rule_id: str) -> list[tuple[str, int]]:
    with tempfile.TemporaryDirectory() as tmp:
        workspace = Path(tmp) / "ws"
        shutil.copytree(case / "base", workspace)
        git = ["git", "-C", str(workspace), "-c", "user.name=t", "-c", "user.email=t@x.invalid"]
        for args in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "base"]):
            subprocess.run([*git, *args], check=True, capture_output=True)
        # plain copies: new times, so git sees a same-size change (a kept time and size
        # is "unchanged" to git's stat check, as on a fresh clone where both are equal)
        shutil.copytree(case / "head", workspace, dirs_exist_ok=True, copy_function=shutil.copy)
        comparison = compare(workspace, "HEAD")
        since = [*unbumped(comparison), *upgrade_findings(comparison)]
        found = finalise(since, load_workspace(workspace), None)
    return sorted((d.location.file, d.location.line) for d in found if d.rule == rule_id)


@pytest.mark.parametrize("rule_id", sorted(RULES))
def test_rule_fails_on_its_failing_fixture(rule_id: str) -> None:
    case = CASES / rule_id / "fail"
    assert (case / "expect.yaml").is_file(), f"rule {rule_id} has no failing fixture at {case}"
    expected = yaml.safe_load((case / "expect.yaml").read_text())
    wanted = sorted((item["file"], int(item["line"])) for item in expected["findings"])
    assert wanted, "expect.yaml must list at least one finding"
    assert _findings(case, rule_id) == wanted


@pytest.mark.parametrize("rule_id", sorted(RULES))
def test_rule_passes_on_its_passing_fixture(rule_id: str) -> None:
    case = CASES / rule_id / "pass"
    assert case.is_dir(), f"rule {rule_id} has no passing fixture at {case}"
    assert _findings(case, rule_id) == []


def test_every_fixture_names_a_registered_rule() -> None:
    stray = sorted(p.name for p in CASES.iterdir() if p.is_dir() and p.name not in RULES)
    assert stray == []
