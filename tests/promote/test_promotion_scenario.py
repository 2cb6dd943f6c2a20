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

from blueprintc.deliver.remote import deliver_remote
from blueprintc.gitea import Gitea
from blueprintc.promote.proposal import Marker
from tests.compile.helpers import edit_file
from tests.deliver.helpers import clone_equals_compiled
from tests.gitea_contract import GiteaStandIn
from tests.promote.remote_helpers import (
    ALICE,
    BOB,
    DELIVER,
    T0,
    approve,
    branch_head,
    compile_ws,
    has_branch,
    locked_workspace,
    merge_promotions,
    open_promotion,
    post_score,
    promote_app,
    show_file,
    who,
)


@pytest.fixture
def ws(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return locked_workspace(tmp_path, monkeypatch)


def test_dev_to_stg_to_prod_through_gated_pull_requests(
    ws: Path, gitea: tuple[str, Path, GiteaStandIn], tmp_path: Path
) -> None:
    base, server, stand_in = gitea
    compile_ws(ws)
    first = deliver_remote(ws / "out", base, who(T0))
    assert not first.failed, [b.detail for b in first.branches if b.detail]

    # A config edit and a new Blueprint version: develop at once, the gated ones not.
    edit_file(ws / "organizations/acme.yaml", "Welcome to Acme", "Hello from 1.5")
    webapp = ws / "blueprints/webapp"
    edit_file(webapp / "blueprint.yaml", "version: 1.4.2", "version: 1.5.0")
    edit_file(webapp / "chart/Chart.yaml", "version: 1.4.2", "version: 1.5.0")
    compile_ws(ws)
    staging, main = branch_head(server, "staging"), branch_head(server, "main")
    second = deliver_remote(ws / "out", base, who(T0 + dt.timedelta(hours=1)))
    assert not second.failed
    shop = {b.branch: b.status for b in second.branches if b.repo == "acme/shop"}
    assert shop == {"develop": "delivered", "staging": "unchanged", "main": "unchanged"}
    assert (branch_head(server, "staging"), branch_head(server, "main")) == (staging, main)
    assert "version: 1.5.0" in show_file(server, "develop", "base/helmrelease.yaml")
    assert "version: 1.4.2" in show_file(server, "main", "base/helmrelease.yaml")

    # dev -> stg: a pull request, merged once one approval, the soak and the score hold.
    develop = branch_head(server, "develop")
    post_score(base, develop, 70)
    done = promote_app(ws, "stg")
    assert (done.plan.version_from, done.plan.version_to) == ("1.4.2", "1.5.0")
    early = T0 + dt.timedelta(hours=2)
    opened = open_promotion(ws, base, done, early)
    assert opened.status == "opened" and opened.number is not None
    failing = {g.gate for g in opened.gates if not g.passed}
    assert failing == {"requiredApprovers", "soakDuration"}
    pull = Gitea(base, DELIVER, 10).pull("acme", "shop", opened.number)
    marker = Marker.find(pull["body"])
    assert marker is not None and (marker.source, marker.target) == ("dev", "stg")
    assert "| soakDuration | FAIL |" in pull["body"]
    assert stand_in.statuses[("acme/shop", opened.head)][-1]["state"] == "failure"
    refused = merge_promotions(ws, base, early)
    assert [r.status for r in refused] == ["refused"]
    assert branch_head(server, "staging") == staging, "nothing merges with a failing gate"

    approve(base, ALICE, opened.number)
    later = T0 + dt.timedelta(hours=6)
    assert has_branch(server, "blueprintc/promote/staging")
    merged = merge_promotions(ws, base, later)
    assert [r.status for r in merged] == ["merged"], [r.detail for r in merged]
    assert not has_branch(server, "blueprintc/promote/staging"), "deleted once merged"
    assert "version: 1.5.0" in show_file(server, "staging", "base/helmrelease.yaml")
    assert "Hello from 1.5" in show_file(server, "staging", "base/helmrelease.yaml")
    assert "version: 1.4.2" in show_file(server, "main", "base/helmrelease.yaml")

    # stg -> prod: two approvals, score 80, inside the Muscat change window.
    staging_tip = branch_head(server, "staging")
    post_score(base, staging_tip, 85)
    done = promote_app(ws, "prod")
    in_window = dt.datetime(2026, 12, 2, 7, 0, tzinfo=dt.UTC)  # Wed 11:00 Asia/Muscat
    opened = open_promotion(ws, base, done, in_window)
    assert opened.status == "opened"
    approve(base, ALICE, opened.number)  # type: ignore[arg-type]
    approve(base, BOB, opened.number)  # type: ignore[arg-type]
    outside = dt.datetime(2026, 12, 2, 13, 0, tzinfo=dt.UTC)  # 17:00 in Muscat
    assert [r.status for r in merge_promotions(ws, base, outside)] == ["refused"]
    merged = merge_promotions(ws, base, in_window)
    assert [r.status for r in merged] == ["merged"], [r.detail for r in merged]
    assert not has_branch(server, "blueprintc/promote/main")
    message = show_file(server, "main", "base/helmrelease.yaml")
    assert "version: 1.5.0" in message and "Hello from 1.5" in message

    # Every branch is a compile of its lock entry: deliver has nothing to do in the
    # Application repositories (the fleet's labels name the versions now running).
    compile_ws(ws)
    third = deliver_remote(ws / "out", base, who(T0 + dt.timedelta(days=2)))
    moved = [(b.repo, b.branch, b.status) for b in third.branches if b.status != "unchanged"]
    assert moved == [("system/fleet", "main", "delivered")]
    assert clone_equals_compiled(base, ws / "out", tmp_path) == len(third.branches)
