"""A promotion that cannot be proposed leaves the workspace as it found it.

`promote --remote` moved the lock entry and recompiled out/ before it reached the
Gitea; when that failed (the server down, the credentials refused, the pull request
refused), the entry stayed moved with no pull request: the rerun said "nothing to
promote", and the next `deliver --remote` proposed the change without its gates.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from blueprintc.compile.inputs import load_inputs
from blueprintc.deliver.remote import deliver_remote
from blueprintc.promote.local import LockBefore, promote_locally, withdraw
from blueprintc.promote.request import waiting
from blueprintc.workspace import load_workspace
from tests.cli.helpers import invoke
from tests.compile.helpers import edit_file
from tests.gitea_contract import GiteaStandIn
from tests.promote.remote_helpers import T0, compile_ws, locked_workspace, who

Gitea = tuple[str, Path, GiteaStandIn]


@pytest.fixture
def ws(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, gitea: Gitea) -> Path:
    """Delivered, then a change to acme's config waiting to be promoted into stg and
    globex's docs waiting in uat."""
    root = locked_workspace(tmp_path, monkeypatch)
    compile_ws(root)
    assert not deliver_remote(root / "out", gitea[0], who(T0)).failed
    edit_file(root / "organizations/acme.yaml", "Welcome to Acme", "Hello")
    compile_ws(root)
    assert not deliver_remote(root / "out", gitea[0], who(T0 + dt.timedelta(hours=1))).failed
    return root


@pytest.mark.parametrize(
    ("fault", "said"),
    [
        ("repoCreatePullRequest", "HTTP 500"),
        ("getVersion", "is failing (HTTP 503"),
    ],
)
def test_a_proposal_that_fails_puts_the_lock_and_out_back(
    ws: Path, gitea: Gitea, fault: str, said: str
) -> None:
    base, _, stand_in = gitea
    lock, out_files = (ws / "blueprintc.lock").read_bytes(), _tree(ws / "out")
    stand_in.faults[fault] = 503 if fault == "getVersion" else 500

    result = invoke("promote", "acme/shop", "--to", "stg", "--remote", base, "-w", ws)

    assert result.exit_code == 2, result.output
    assert said in result.output
    assert (ws / "blueprintc.lock").read_bytes() == lock
    assert _tree(ws / "out") == out_files
    assert stand_in.pulls.get("acme/shop", []) == []
    del stand_in.faults[fault]
    again = invoke("promote", "acme/shop", "--to", "stg", "--remote", base, "-w", ws)
    assert again.exit_code == 0, again.output
    assert [p["base"]["ref"] for p in stand_in.pulls["acme/shop"]] == ["staging"]


def test_the_lock_is_put_back_and_says_so_when_the_pull_request_is_refused(
    ws: Path, gitea: Gitea
) -> None:
    base, _, stand_in = gitea
    lock = (ws / "blueprintc.lock").read_bytes()
    stand_in.faults["repoCreatePullRequest"] = 500

    result = invoke("promote", "acme/shop", "--to", "stg", "--remote", base, "-w", ws)

    assert "blueprintc.lock and out/ were put back for acme/shop stg" in result.output
    assert (ws / "blueprintc.lock").read_bytes() == lock


def test_an_unreachable_gitea_is_found_before_anything_moves(ws: Path, gitea: Gitea) -> None:
    lock, out_files = (ws / "blueprintc.lock").read_bytes(), _tree(ws / "out")

    result = invoke(
        "promote", "acme/shop", "--to", "stg", "--remote", "http://127.0.0.1:9", "-w", ws
    )

    assert result.exit_code == 2
    assert "unreachable" in result.output
    assert "put back" not in result.output  # nothing had moved
    assert (ws / "blueprintc.lock").read_bytes() == lock
    assert _tree(ws / "out") == out_files


def _tree(out: Path) -> dict[str, bytes]:
    """out/'s compiled files (not its git/, nor the seal: stat data, new each compile)."""
    return {
        p.relative_to(out).as_posix(): p.read_bytes()
        for p in sorted(out.rglob("*"))
        if p.is_file()
        and p.relative_to(out).parts[0] != "git"
        and p.relative_to(out).as_posix() != ".blueprintc/seal"
    }


def test_withdraw_keeps_the_promotions_proposed_before_the_failure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`promote --all`: the first pull request opened, the second failed. The first
    stays promoted (its pull request is open); the second is put back."""
    root = locked_workspace(tmp_path, monkeypatch)
    compile_ws(root)
    edit_file(root / "organizations/acme.yaml", "Welcome to Acme", "Hello")
    assert invoke("promote", "acme/shop", "--to", "stg", "-w", root).exit_code == 0
    edit_file(root / "organizations/acme.yaml", "message: Hello", "message: Hello again")
    compile_ws(root)
    inputs = load_inputs(load_workspace(root))
    before = LockBefore.read(root, inputs)
    planned = waiting(inputs, None)
    assert [(r.name, r.env.env_type) for r, _ in planned] == [
        ("acme/shop", "prod"),
        ("acme/shop", "stg"),
    ]
    done = []
    for request, entry in planned:
        done.append(promote_locally(root, None, inputs, request, entry))
        assert inputs.lock is not None
        inputs.lock.entries[request.key] = entry

    withdraw(root, None, before, done[:1])

    lock = load_inputs(load_workspace(root)).lock
    assert lock is not None
    prod, stg = (request.key for request, _ in planned)
    assert lock.entries[prod] == done[0].new
    assert lock.entries[stg] == before.entries[stg]
    staging = (root / "out/repos/acme/shop/staging/base/helmrelease.yaml").read_text()
    production = (root / "out/repos/acme/shop/main/base/helmrelease.yaml").read_text()
    assert "message: Hello\n" in staging and "message: Hello\n" in production
