"""One Application walked dev -> stg -> prod on the real git server and the Gitea
contract stand-in (issue 14's acceptance scenario).

A config edit and a new Blueprint version reach `develop` at once through `deliver`;
`staging` and `main` move only through promotion pull requests merged by `promote
--merge` once their gates hold (with an injected clock), and every branch ends equal
to a compile of its lock entry.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from blueprintc.build.pipeline import build_blueprints
from blueprintc.compile.inputs import load_inputs
from blueprintc.compile.run import run_compile
from blueprintc.deliver.credentials import Credentials
from blueprintc.deliver.embedded import Identity
from blueprintc.deliver.remote import deliver_remote
from blueprintc.gitea import Gitea
from blueprintc.promote.local import LocalPromotion, promote_locally
from blueprintc.promote.proposal import Marker
from blueprintc.promote.pulls import PullResult, Settings, merge, propose
from blueprintc.promote.request import promoted_entry, resolve
from blueprintc.workspace import load_workspace
from tests.cli.helpers import invoke
from tests.compile.helpers import copy_workspace
from tests.deliver.helpers import CREDS, clone_equals_compiled
from tests.gitea_contract import GiteaStandIn

DELIVER = Credentials("deliver", "test-only", "test")  # TEST-ONLY credentials
ALICE = Credentials("alice", "test-only", "test")
BOB = Credentials("bob", "test-only", "test")
T0 = dt.datetime(2026, 12, 1, 6, 0, tzinfo=dt.UTC)  # a Tuesday


def _who(moment: dt.datetime) -> Identity:
    return Identity("Test Bot", "bot@example.test", int(moment.timestamp()))


@pytest.fixture
def ws(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    for name, value in CREDS.items():
        monkeypatch.setenv(name, value)
    root = copy_workspace(tmp_path / "ws")
    records = build_blueprints([root / "blueprints/webapp"], push=True, out=root / "out")
    assert all(r.ok for r in records)
    assert invoke("lock", root).exit_code == 0
    return root


def _compile(root: Path) -> None:
    outcome = run_compile(root)
    assert not outcome.failing, outcome.failing


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def _promote(root: Path, to: str) -> LocalPromotion:
    inputs = load_inputs(load_workspace(root))
    request = resolve(inputs, "acme/shop", to)
    return promote_locally(root, None, inputs, request, promoted_entry(inputs, request))


def _propose(root: Path, base: str, done: LocalPromotion, now: dt.datetime) -> PullResult:
    inputs = load_inputs(load_workspace(root))
    settings = Settings(base, DELIVER, 10, now)
    return propose(root / "out", inputs, done, settings, _who(now))


def _merge(root: Path, base: str, now: dt.datetime) -> list[PullResult]:
    _compile(root)
    inputs = load_inputs(load_workspace(root))
    return merge(root / "out", inputs, Settings(base, DELIVER, 10, now), ["acme/shop"])


def _head(root: Path, branch: str) -> str:
    return (root / "acme/shop.git" / "refs/heads" / branch).read_text().strip()


def _score(base: str, sha: str, score: int) -> None:
    option = {"state": "success", "context": "catalyst/re-score", "description": f"RE {score}"}
    Gitea(base, DELIVER, 10).set_status("acme", "shop", sha, option)


def _approve(base: str, who: Credentials, number: int) -> None:
    Gitea(base, who, 10).review("acme", "shop", number, {"event": "APPROVED"})


def _file(root: Path, branch: str, path: str) -> str:
    import subprocess

    return subprocess.run(
        ["git", "-C", str(root / "acme/shop.git"), "show", f"{branch}:{path}"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def test_dev_to_stg_to_prod_through_gated_pull_requests(
    ws: Path, gitea: tuple[str, Path, GiteaStandIn], tmp_path: Path
) -> None:
    base, server, stand_in = gitea
    _compile(ws)
    first = deliver_remote(ws / "out", base, _who(T0))
    assert not first.failed, [b.detail for b in first.branches if b.detail]

    # A config edit and a new Blueprint version: develop at once, the gated ones not.
    _edit(ws / "organizations/acme.yaml", "Welcome to Acme", "Hello from 1.5")
    webapp = ws / "blueprints/webapp"
    _edit(webapp / "blueprint.yaml", "version: 1.4.2", "version: 1.5.0")
    _edit(webapp / "chart/Chart.yaml", "version: 1.4.2", "version: 1.5.0")
    _compile(ws)
    staging, main = _head(server, "staging"), _head(server, "main")
    second = deliver_remote(ws / "out", base, _who(T0 + dt.timedelta(hours=1)))
    assert not second.failed
    shop = {b.branch: b.status for b in second.branches if b.repo == "acme/shop"}
    assert shop == {"develop": "delivered", "staging": "unchanged", "main": "unchanged"}
    assert (_head(server, "staging"), _head(server, "main")) == (staging, main)
    assert "version: 1.5.0" in _file(server, "develop", "base/helmrelease.yaml")
    assert "version: 1.4.2" in _file(server, "main", "base/helmrelease.yaml")

    # dev -> stg: a pull request, merged once one approval, the soak and the score hold.
    develop = _head(server, "develop")
    _score(base, develop, 70)
    done = _promote(ws, "stg")
    assert (done.plan.version_from, done.plan.version_to) == ("1.4.2", "1.5.0")
    early = T0 + dt.timedelta(hours=2)
    opened = _propose(ws, base, done, early)
    assert opened.status == "opened" and opened.number is not None
    failing = {g.gate for g in opened.gates if not g.passed}
    assert failing == {"requiredApprovers", "soakDuration"}
    pull = Gitea(base, DELIVER, 10).pull("acme", "shop", opened.number)
    marker = Marker.find(pull["body"])
    assert marker is not None and (marker.source, marker.target) == ("dev", "stg")
    assert "| soakDuration | FAIL |" in pull["body"]
    assert stand_in.statuses[("acme/shop", opened.head)][-1]["state"] == "failure"
    refused = _merge(ws, base, early)
    assert [r.status for r in refused] == ["refused"]
    assert _head(server, "staging") == staging, "nothing merges with a failing gate"

    _approve(base, ALICE, opened.number)
    later = T0 + dt.timedelta(hours=6)
    merged = _merge(ws, base, later)
    assert [r.status for r in merged] == ["merged"], [r.detail for r in merged]
    assert "version: 1.5.0" in _file(server, "staging", "base/helmrelease.yaml")
    assert "Hello from 1.5" in _file(server, "staging", "base/helmrelease.yaml")
    assert "version: 1.4.2" in _file(server, "main", "base/helmrelease.yaml")

    # stg -> prod: two approvals, score 80, inside the Muscat change window.
    staging_tip = _head(server, "staging")
    _score(base, staging_tip, 85)
    done = _promote(ws, "prod")
    in_window = dt.datetime(2026, 12, 2, 7, 0, tzinfo=dt.UTC)  # Wed 11:00 Asia/Muscat
    opened = _propose(ws, base, done, in_window)
    assert opened.status == "opened"
    _approve(base, ALICE, opened.number)  # type: ignore[arg-type]
    _approve(base, BOB, opened.number)  # type: ignore[arg-type]
    outside = dt.datetime(2026, 12, 2, 13, 0, tzinfo=dt.UTC)  # 17:00 in Muscat
    assert [r.status for r in _merge(ws, base, outside)] == ["refused"]
    merged = _merge(ws, base, in_window)
    assert [r.status for r in merged] == ["merged"], [r.detail for r in merged]
    message = _file(server, "main", "base/helmrelease.yaml")
    assert "version: 1.5.0" in message and "Hello from 1.5" in message

    # Every branch is a compile of its lock entry: deliver has nothing to do in the
    # Application repositories (the fleet's labels name the versions now running).
    _compile(ws)
    third = deliver_remote(ws / "out", base, _who(T0 + dt.timedelta(days=2)))
    moved = [(b.repo, b.branch, b.status) for b in third.branches if b.status != "unchanged"]
    assert moved == [("system/fleet", "main", "delivered")]
    assert clone_equals_compiled(base, ws / "out", tmp_path) == len(third.branches)
