"""`blueprintc promote` in the workspace: the lock entry moves, out/ is recompiled, the
plan is printed; every bad request is one clear error with nothing written."""

from __future__ import annotations

import json
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest

from blueprintc.compile.inputs import load_inputs
from blueprintc.compile.planner import compile_workspace
from blueprintc.promote.local import promote_locally
from blueprintc.promote.lock import LOCK_FILE
from blueprintc.promote.pulls import title_of
from blueprintc.promote.request import promoted_entry, resolve
from blueprintc.workspace import load_workspace
from tests.cli.helpers import invoke
from tests.compile.helpers import copy_workspace
from tests.deliver.helpers import CREDS
from tests.gitea_contract import GiteaStandIn


@pytest.fixture
def ws(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    root = copy_workspace(tmp_path / "ws")
    assert invoke("lock", root).exit_code == 0
    assert invoke("compile", root).exit_code == 0
    return root


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def _git(root: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-C", str(root), "-c", "user.name=t", "-c", "user.email=t@x.invalid", *args],
        check=True,
        capture_output=True,
    )


STAGING = "out/repos/acme/shop/staging/base/helmrelease.yaml"


def test_a_promotion_moves_the_entry_recompiles_and_prints_the_plan(ws: Path) -> None:
    _edit(ws / "organizations/acme.yaml", "Welcome to Acme", "Hello")
    result = invoke("promote", "acme/shop", "--to", "stg", "-w", ws)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "acme/shop stg promoted from dev: bp-webapp 1.4.2, another config"
    assert '| shop/shop | `webapp.ui.message` | `"Welcome to Acme"` | `"Hello"` |' in (
        result.output
    )
    assert "message: Hello" in (ws / STAGING).read_text(encoding="utf-8")
    assert "message: Welcome to Acme" in (
        ws / "out/repos/acme/shop/main/base/helmrelease.yaml"
    ).read_text(encoding="utf-8"), "prod moves only from stg"
    again = invoke("promote", "acme/shop", "--to", "stg", "-w", ws)
    assert again.output == "acme/shop stg already runs what dev runs: nothing to promote\n"
    waiting = [d.message for d in compile_workspace(ws).diagnostics if d.rule == "BPP031"]
    assert waiting == ["acme/shop prod waits for a promotion from stg: config webapp"]


def test_json_names_the_entry_and_the_plan(ws: Path) -> None:
    _edit(ws / "organizations/acme.yaml", "Welcome to Acme", "Hello")
    result = invoke("promote", "acme/shop", "--to", "stg", "-w", ws, "--format", "json")
    document = json.loads(result.output)
    assert document["formatVersion"] == 1 and document["kind"] == "promote"
    (promotion,) = document["promotions"]
    assert promotion["entry"]["config"]["webapp"]["ui"]["message"] == "Hello"
    assert promotion["plan"]["digest"].startswith("sha256:")
    assert promotion["plan"]["values"][0]["key"] == "webapp.ui.message"


def test_all_promotes_each_from_what_its_source_ran_before(ws: Path) -> None:
    _edit(ws / "organizations/acme.yaml", "Welcome to Acme", "Hello")
    result = invoke("promote", "--all", "-w", ws)
    assert result.exit_code == 0, result.output
    promoted = [line for line in result.output.splitlines() if " promoted from " in line]
    assert promoted == ["acme/shop stg promoted from dev: bp-webapp 1.4.2, another config"]
    lock = (ws / LOCK_FILE).read_text(encoding="utf-8")
    assert lock.count('"message": "Hello"') == 1, "prod took stg's entry from before this run"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nope/shop", "--to", "stg"], "no Organization 'nope' in the workspace (it has: acme,"),
        (["acme/nope", "--to", "stg"], "acme has no Application 'nope' (it has: shop, wiki)"),
        (["acme/shop", "--to", "uat"], "acme has no Environment 'uat' (it has: prod, stg, dev)"),
        (["acme/shop", "--to", "dev"], "acme's dev takes changes directly"),
        (
            ["acme/shop", "--to", "stg", "--from", "prod"],
            "acme's stg takes promotions from dev only (its EnvironmentPolicy's promotesFrom), "
            "not from prod",
        ),
        (["acme", "--to", "stg"], "'acme': name the Application as ORG/APP"),
        (
            ["--all", "--to", "bogus"],
            "no Organization has an Environment 'bogus' (they have: prod, stg, dev, uat, poc)",
        ),
        (
            ["--all", "--to", "dev"],
            "dev takes changes directly in every Organization that has it (acme, globex; "
            "nothing promotes into it): compile and deliver bring them",
        ),
        (["acme/shop", "--to", "stg", "--rollback"], "is not in a Git repository"),
    ],
)
def test_a_bad_request_is_one_error_and_writes_nothing(
    ws: Path, args: list[str], message: str
) -> None:
    _edit(ws / "organizations/acme.yaml", "Welcome to Acme", "Hello")
    lock = (ws / LOCK_FILE).read_bytes()
    staging = (ws / STAGING).read_bytes()
    result = invoke("promote", *args, "-w", ws)
    assert result.exit_code == 2, result.output
    assert result.output.startswith("promote: error: ") and message in result.output
    assert result.output.count("\n") == 1
    assert (ws / LOCK_FILE).read_bytes() == lock
    assert (ws / STAGING).read_bytes() == staging


def test_without_a_lock_promotion_has_not_started(ws: Path) -> None:
    (ws / LOCK_FILE).unlink()
    result = invoke("promote", "acme/shop", "--to", "stg", "-w", ws)
    assert result.exit_code == 2
    assert "no blueprintc.lock in the workspace: run `blueprintc lock`" in result.output


def test_a_hand_edited_invalid_lock_is_refused_at_its_line(ws: Path) -> None:
    _edit(ws / LOCK_FILE, '"version": "1.4.2"', '"version": "latest"')
    before = (ws / LOCK_FILE).read_bytes()
    result = invoke("promote", "acme/shop", "--to", "stg", "-w", ws)
    assert result.exit_code == 2
    assert "BPP015" in result.output and "blueprintc.lock:" in result.output
    assert "promote: error: blueprintc.lock is invalid: restore it from Git" in result.output
    assert (ws / LOCK_FILE).read_bytes() == before


def test_a_hand_edited_unknown_version_stops_the_promotion_before_anything_moves(
    ws: Path,
) -> None:
    _edit(ws / LOCK_FILE, '"version": "1.4.2"', '"version": "1.0.0"')
    before = (ws / LOCK_FILE).read_bytes()
    result = invoke("promote", "acme/shop", "--to", "stg", "-w", ws)
    assert result.exit_code == 1
    assert "BPP029" in result.output
    assert "promote failed: the workspace does not compile with acme/shop stg" in result.output
    assert "blueprintc.lock was left as it was" in result.output
    assert (ws / LOCK_FILE).read_bytes() == before


def test_rollback_takes_the_previous_entry_from_the_locks_history(ws: Path) -> None:
    _git(ws, "init", "-q")
    _git(ws, "add", "-A", ":!out")
    _git(ws, "commit", "-qm", "locked")
    _edit(ws / "organizations/acme.yaml", "Welcome to Acme", "Hello")
    assert invoke("promote", "acme/shop", "--to", "stg", "-w", ws).exit_code == 0
    _git(ws, "commit", "-qam", "promoted")
    result = invoke("promote", "acme/shop", "--to", "stg", "--rollback", "-w", ws)
    assert result.exit_code == 0, result.output
    assert result.output.startswith("acme/shop stg rolled back: bp-webapp 1.4.2, another config")
    assert "\n## acme/shop: roll back stg\n" in result.output, "not a promotion from dev"
    assert "message: Welcome to Acme" in (ws / STAGING).read_text(encoding="utf-8")
    _git(ws, "commit", "-qam", "rolled back")
    lock = (ws / LOCK_FILE).read_bytes()
    again = invoke("promote", "acme/shop", "--to", "stg", "--rollback", "-w", ws)
    assert again.exit_code == 2, "never forward to the entry the rollback left"
    assert again.output.startswith(
        "promote: error: acme/shop stg has no earlier entry to roll back to: it runs "
        "bp-webapp 1.4.2 of "
    )
    assert "was rolled back (bp-webapp 1.4.2 of " in again.output
    assert (ws / LOCK_FILE).read_bytes() == lock
    assert "message: Welcome to Acme" in (ws / STAGING).read_text(encoding="utf-8")


def _head(root: Path, rev: str) -> str:
    """The commit `rev` whose lock the promotion of 4 or 6 brought (12 digits)."""
    found = subprocess.run(
        ["git", "-C", str(root), "rev-parse", f"{rev}"], check=True, capture_output=True, text=True
    )
    return found.stdout.strip()[:12]


def _replicas(ws: Path) -> str:
    text = (ws / STAGING).read_text(encoding="utf-8")
    return next(line.strip() for line in text.splitlines() if "replicaCount:" in line)


def test_a_second_rollback_goes_further_back_never_forward_again(ws: Path) -> None:
    _git(ws, "init", "-q")
    _git(ws, "add", "-A", ":!out")
    _git(ws, "commit", "-qm", "locked")
    shop = ws / "organizations/acme.yaml"
    for old, new in (("3", "4"), ("4", "6")):
        _edit(
            shop,
            f"webapp:\n          replicaCount: {old}",
            f"webapp:\n          replicaCount: {new}",
        )
        assert invoke("promote", "acme/shop", "--to", "stg", "-w", ws).exit_code == 0
        _git(ws, "commit", "-qam", f"promoted {new}")
    assert _replicas(ws) == "replicaCount: 6"
    first = invoke("promote", "acme/shop", "--to", "stg", "--rollback", "-w", ws)
    assert first.exit_code == 0, first.output
    assert _replicas(ws) == "replicaCount: 4"
    _git(ws, "commit", "-qam", "rolled back to 4")
    second = invoke("promote", "acme/shop", "--to", "stg", "--rollback", "-w", ws)
    assert second.exit_code == 0, second.output
    assert "| `webapp.replicaCount` | `4` | `3` |" in second.output
    assert _replicas(ws) == "replicaCount: 3", "further back, not forward to 6"
    third = invoke("promote", "acme/shop", "--to", "stg", "--rollback", "-w", ws)  # uncommitted
    assert third.exit_code == 2 and third.output.count("\n") == 1
    assert "has no earlier entry to roll back to" in third.output
    left = f"(bp-webapp 1.4.2 of {_head(ws, 'HEAD~2')}, bp-webapp 1.4.2 of {_head(ws, 'HEAD~1')})"
    assert left in third.output, "names the entries it left: 4 and 6, as promoted"
    assert _replicas(ws) == "replicaCount: 3"


def test_a_rollback_pull_request_says_it_rolls_back_the_environment(ws: Path) -> None:
    inputs = load_inputs(load_workspace(ws))
    request = resolve(inputs, "acme/shop", "stg")
    promoted = promote_locally(ws, None, inputs, request, promoted_entry(inputs, request))
    assert title_of(promoted).startswith("Promote acme/shop dev → stg: ")
    rolled = replace(promoted, rollback=True)
    assert title_of(rolled) == "Roll back acme/shop stg: bp-webapp 1.4.2 (config)"
    assert rolled.heading == "acme/shop: roll back stg"


def test_merge_needs_the_gitea(ws: Path) -> None:
    result = invoke("promote", "--merge", "-w", ws)
    assert result.exit_code == 2
    assert "--merge needs the Gitea: give --remote URL or --to-sovereign" in result.output


@pytest.mark.parametrize(
    ("application", "message"),
    [
        ("acmee/shop", "no Organization 'acmee' in the workspace (it has: acme, globex, initech)"),
        ("acme/nope", "acme has no Application 'nope' (it has: shop, wiki)"),
        ("acme", "'acme': name the Application as ORG/APP (e.g. acme/shop)"),
    ],
)
def test_merge_checks_the_application_against_the_workspace_before_the_gitea(
    ws: Path,
    gitea: tuple[str, Path, GiteaStandIn],
    monkeypatch: pytest.MonkeyPatch,
    application: str,
    message: str,
) -> None:
    base, _, stand_in = gitea
    for name, value in CREDS.items():
        monkeypatch.setenv(name, value)
    stand_in.faults["repoListPullRequests"] = 500  # asked at all: another answer
    staging = (ws / STAGING).read_bytes()
    result = invoke("promote", "--merge", application, "--remote", base, "-w", ws)
    assert result.exit_code == 2, result.output
    assert result.output == f"promote: error: {message}\n"
    assert (ws / STAGING).read_bytes() == staging


def test_a_lock_that_is_not_json_is_invalid_not_missing(ws: Path) -> None:
    (ws / LOCK_FILE).write_text("{ not json\n", encoding="utf-8")
    result = invoke("promote", "acme/shop", "--to", "stg", "-w", ws)
    assert result.exit_code == 2
    assert "blueprintc.lock:1:3: error BPI001" in result.output
    assert "promote: error: blueprintc.lock is invalid: restore it from Git" in result.output
