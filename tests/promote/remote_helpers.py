"""Shared steps of the promotion tests on the git server and the Gitea stand-in."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

import pytest

from blueprintc.build.pipeline import build_blueprints
from blueprintc.compile.inputs import load_inputs
from blueprintc.compile.run import run_compile
from blueprintc.deliver.credentials import Credentials
from blueprintc.deliver.embedded import Identity
from blueprintc.gitea import Gitea
from blueprintc.promote.local import LocalPromotion, promote_locally
from blueprintc.promote.pulls import PullResult, Settings, merge, propose
from blueprintc.promote.request import promoted_entry, resolve
from blueprintc.workspace import load_workspace
from tests.cli.helpers import invoke
from tests.compile.helpers import copy_workspace
from tests.deliver.helpers import CREDS

DELIVER = Credentials("deliver", "test-only", "test")  # TEST-ONLY credentials
ALICE = Credentials("alice", "test-only", "test")
BOB = Credentials("bob", "test-only", "test")
T0 = dt.datetime(2026, 12, 1, 6, 0, tzinfo=dt.UTC)  # a Tuesday


def who(moment: dt.datetime) -> Identity:
    return Identity("Test Bot", "bot@example.test", int(moment.timestamp()))


def locked_workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The reference workspace, bp-webapp 1.4.2 published into its layout, locked."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    for name, value in CREDS.items():
        monkeypatch.setenv(name, value)
    root = copy_workspace(tmp_path / "ws")
    records = build_blueprints([root / "blueprints/webapp"], push=True, out=root / "out")
    assert all(r.ok for r in records)
    assert invoke("lock", root).exit_code == 0
    return root


def compile_ws(root: Path) -> None:
    outcome = run_compile(root)
    assert not outcome.failing, outcome.failing


def promote_app(root: Path, to: str) -> LocalPromotion:
    inputs = load_inputs(load_workspace(root))
    request = resolve(inputs, "acme/shop", to)
    return promote_locally(root, None, inputs, request, promoted_entry(inputs, request))


def open_promotion(root: Path, base: str, done: LocalPromotion, now: dt.datetime) -> PullResult:
    inputs = load_inputs(load_workspace(root))
    settings = Settings(base, DELIVER, 10, now)
    return propose(root / "out", inputs, done, settings, who(now))


def merge_promotions(root: Path, base: str, now: dt.datetime) -> list[PullResult]:
    compile_ws(root)
    inputs = load_inputs(load_workspace(root))
    return merge(root / "out", inputs, Settings(base, DELIVER, 10, now), ["acme/shop"])


def branch_head(root: Path, branch: str) -> str:
    return (root / "acme/shop.git" / "refs/heads" / branch).read_text().strip()


def has_branch(root: Path, branch: str) -> bool:
    found = subprocess.run(
        ["git", "-C", str(root / "acme/shop.git"), "show-ref", "--verify", f"refs/heads/{branch}"],
        capture_output=True,
    )
    return found.returncode == 0


def post_score(base: str, sha: str, score: int) -> None:
    option = {"state": "success", "context": "catalyst/re-score", "description": f"RE {score}"}
    Gitea(base, DELIVER, 10).set_status("acme", "shop", sha, option)


def approve(base: str, who: Credentials, number: int) -> None:
    Gitea(base, who, 10).review("acme", "shop", number, {"event": "APPROVED"})


def show_file(root: Path, branch: str, path: str) -> str:
    return subprocess.run(
        ["git", "-C", str(root / "acme/shop.git"), "show", f"{branch}:{path}"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
