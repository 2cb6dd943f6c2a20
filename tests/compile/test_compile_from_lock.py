"""Compile builds promotion-gated Environments from blueprintc.lock (issue 14 point 1).

The reference workspace, locked: a spec edit and a new Blueprint version reach the
first Environment (`develop`) at once and leave the gated ones (`main`) as the lock
pins them; a locked version the catalog has moved past is read from the source
`build --publish` attached, by digest; a lock that cannot be honoured is an error at
its line, never a silent fallback to the spec.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest
import yaml

from blueprintc.build.pipeline import build_blueprints
from blueprintc.compile.planner import compile_workspace
from blueprintc.diagnostics import Diagnostic, Severity
from blueprintc.promote.lock import LOCK_FILE
from tests.cli.helpers import invoke
from tests.compile.helpers import copy_workspace

PROD = "repos/acme/shop/main/base/helmrelease.yaml"
STG = "repos/acme/shop/staging/base/helmrelease.yaml"
DEV = "repos/acme/shop/develop/base/helmrelease.yaml"


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return copy_workspace(tmp_path / "ws")


def _compile(workspace: Path) -> tuple[dict[str, str], list[Diagnostic]]:
    result = compile_workspace(workspace)
    files = {f.path: "".join(yaml.safe_dump(d) for d in f.documents) for f in result.files}
    return files, result.diagnostics


def _release(files: dict[str, str], path: str) -> dict:
    return yaml.safe_load(files[path])


def _errors(diagnostics: list[Diagnostic], rule: str) -> list[Diagnostic]:
    return [d for d in diagnostics if d.rule == rule]


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def _bump_webapp(workspace: Path, version: str) -> None:
    webapp = workspace / "blueprints/webapp"
    _edit(webapp / "blueprint.yaml", "version: 1.4.2", f"version: {version}")
    _edit(webapp / "chart/Chart.yaml", "version: 1.4.2", f"version: {version}")


def test_a_fresh_lock_changes_nothing(workspace: Path) -> None:
    before, _ = _compile(workspace)
    assert invoke("lock", workspace).exit_code == 0
    after, found = _compile(workspace)
    assert after == before
    assert not [d for d in found if d.rule in ("BPP029", "BPP030", "BPP031")]


def test_a_config_edit_reaches_develop_only_and_says_a_promotion_waits(workspace: Path) -> None:
    invoke("lock", workspace)
    before, _ = _compile(workspace)
    _edit(workspace / "organizations/acme.yaml", "Welcome to Acme", "Hello")
    after, found = _compile(workspace)
    assert _release(after, DEV)["spec"]["values"]["webapp"]["ui"]["message"] == "Hello"
    assert after[STG] == before[STG], "staging is gated: only a promotion moves it"
    assert after[PROD] == before[PROD]
    waiting = [d.message for d in _errors(found, "BPP031") if "acme/shop" in d.message]
    assert waiting == ["acme/shop stg waits for a promotion from dev: config webapp"]


def test_a_locked_version_the_catalog_moved_past_is_read_from_its_published_source(
    workspace: Path,
) -> None:
    records = build_blueprints([workspace / "blueprints/webapp"], push=True, out=workspace / "out")
    assert all(r.ok for r in records), [r.message for r in records]
    invoke("lock", workspace)
    _bump_webapp(workspace, "1.5.0")
    files, found = _compile(workspace)
    assert not _errors(found, "BPP029"), [d.message for d in found]
    assert _release(files, DEV)["spec"]["chart"]["spec"]["version"] == "1.5.0"
    for gated in (STG, PROD):
        release = _release(files, gated)
        assert release["spec"]["chart"]["spec"]["version"] == "1.4.2"
        assert release["metadata"]["labels"]["openova.io/blueprint-version"] == "1.4.2"
    waiting = [d.message for d in _errors(found, "BPP031") if "acme/shop" in d.message]
    assert waiting == [
        "acme/shop stg waits for a promotion from dev: bp-webapp 1.4.2 -> bp-webapp 1.5.0"
    ]
    # The second compile reads the cached source: the layout may go.
    for path in sorted((workspace / "out/oci").rglob("*"), reverse=True):
        path.unlink() if path.is_file() else path.rmdir()
    again, found = _compile(workspace)
    assert not _errors(found, "BPP029")
    assert again[PROD] == files[PROD]


def test_a_source_that_is_not_the_locked_digest_is_refused(workspace: Path) -> None:
    build_blueprints([workspace / "blueprints/webapp"], push=True, out=workspace / "out")
    invoke("lock", workspace)
    _bump_webapp(workspace, "1.5.0")
    lock = workspace / LOCK_FILE
    text = lock.read_text(encoding="utf-8")
    digest = re.search(
        r'"blueprint": "bp-webapp",\n\s+"version": "1.4.2",\n\s+"digest": "(\S+)"', text
    )
    assert digest is not None
    lock.write_text(text.replace(digest.group(1), "sha256:" + "0" * 64), encoding="utf-8")
    files, found = _compile(workspace)
    errors = _errors(found, "BPP029")
    assert errors and all(d.location.file == LOCK_FILE for d in errors)
    assert "not the lock's sha256:000" in errors[0].message
    assert PROD not in files, "nothing is planned from a lock entry that cannot be honoured"


def test_a_locked_version_never_published_is_an_error_at_its_line(workspace: Path) -> None:
    invoke("lock", workspace)
    _bump_webapp(workspace, "1.5.0")
    _, found = _compile(workspace)
    errors = _errors(found, "BPP029")
    assert errors
    first = errors[0]
    line = (workspace / LOCK_FILE).read_text(encoding="utf-8").splitlines()[first.location.line - 1]
    assert line.strip() == '"version": "1.4.2",'
    assert "the catalog has 1.5.0, and nothing is published at" in first.message
    assert "build --publish" in (first.hint or "")


def test_a_gated_environment_missing_from_the_lock_is_built_from_the_spec_with_a_warning(
    workspace: Path,
) -> None:
    invoke("lock", workspace)
    before, _ = _compile(workspace)
    lock = workspace / LOCK_FILE
    text = lock.read_text(encoding="utf-8")
    data = json.loads(text)
    del data["applications"]["acme/shop"]
    lock.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    after, found = _compile(workspace)
    assert after[PROD] == before[PROD]
    missing = [d for d in found if d.rule == "BPP030"]
    assert [d.message.split(" is ")[0] for d in missing] == ["acme/shop prod", "acme/shop stg"]


def test_an_edited_lock_entry_unseals_out_and_replans_its_organization(workspace: Path) -> None:
    """The lock is an input like any other: in the seal's fingerprint and in its
    Organization's inputs digest, so the next compile (sealed or partial) moves it."""
    invoke("lock", workspace)
    assert invoke("compile", workspace).exit_code == 0
    lock = workspace / LOCK_FILE
    text = lock.read_text(encoding="utf-8")
    data = json.loads(text)
    data["applications"]["acme/shop"]["prod"]["config"]["webapp"]["ui"]["message"] = "Promoted"
    lock.write_text(json.dumps(data, indent=2) + "\n", "utf-8")
    result = invoke("compile", workspace)
    assert result.exit_code == 0, result.output
    assert "message: Promoted" in (workspace / "out" / PROD).read_text(encoding="utf-8")
    assert "message: Welcome to Acme" in (workspace / "out" / STG).read_text(encoding="utf-8")


def test_many_waiting_promotions_are_folded_into_one_line(workspace: Path) -> None:
    invoke("lock", workspace)
    lock = workspace / LOCK_FILE
    fake = "sha256:" + "1" * 64
    lock.write_text(re.sub(r"sha256:[0-9a-f]{64}", fake, lock.read_text("utf-8")), "utf-8")
    result = invoke("compile", workspace)
    assert result.exit_code == 0, result.output
    assert result.output.count("[promotion-waiting]") == 3
    shown = invoke("compile", "-v", "-o", workspace / "other-out", workspace)
    total = shown.output.count("[promotion-waiting]")
    assert total > 3, "every gated Environment promoted from dev waits for its content"
    assert f"... and {total - 3} more promotions waiting (BPP031; -v lists them;" in (result.output)


def _git(root: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-C", str(root), "-c", "user.name=t", "-c", "user.email=t@x.invalid", *args],
        check=True,
        capture_output=True,
    )


def _committed_lock(workspace: Path) -> None:
    """The workspace in git, its lock committed, prod pinned at 3 replicas while the
    spec says 5."""
    invoke("lock", workspace)
    _edit(workspace / "organizations/acme.yaml", "replicaCount: 3", "replicaCount: 5")
    _git(workspace, "init", "-q")
    _git(workspace, "add", "-A")
    _git(workspace, "commit", "-qm", "locked")


def _replicas(files: dict[str, str]) -> int:
    return _release(files, PROD)["spec"]["values"]["webapp"]["replicaCount"]


def test_a_lock_deleted_but_committed_is_reported_where_it_was(workspace: Path) -> None:
    _committed_lock(workspace)
    files, found = _compile(workspace)
    assert _replicas(files) == 3 and not _errors(found, "BPP030")
    (workspace / LOCK_FILE).unlink()
    files, found = _compile(workspace)
    assert _replicas(files) == 5, "no lock: promotion is not in use"
    (removed,) = _errors(found, "BPP030")
    assert (removed.location.file, removed.location.line) == (LOCK_FILE, 1)
    assert removed.severity == Severity.WARNING
    assert removed.message == (
        "blueprintc.lock is missing from the workspace, but the commit checked out has it: "
        "the promotion-gated Environments (acme prod, acme stg, globex prod, globex uat, "
        "initech stg) are built from the spec, as if promoted"
    )
    assert removed.hint == (
        "restore it (`git checkout -- blueprintc.lock`), or, to stop promoting, commit its removal"
    )
    result = invoke("compile", workspace)
    assert result.exit_code == 0, "a warning"
    assert result.output.startswith("blueprintc.lock:1:1: warning BPP030 [lock-entry-missing]")
    assert "Traceback" not in result.output


def test_a_committed_removal_or_no_git_means_no_promotion_and_no_finding(
    workspace: Path, tmp_path: Path
) -> None:
    outside = copy_workspace(tmp_path / "outside")  # never in git, never locked
    assert not _errors(_compile(outside)[1], "BPP030")
    _committed_lock(workspace)
    _git(workspace, "rm", "-q", LOCK_FILE)
    assert _errors(_compile(workspace)[1], "BPP030"), "removed, not committed yet"
    _git(workspace, "commit", "-qm", "stop promoting")
    files, found = _compile(workspace)
    assert _replicas(files) == 5 and not _errors(found, "BPP030")
