"""Promotion pull requests on the Gitea stand-in: a rerun updates the open one (its
approvals go stale), a request for changes blocks the merge, a pull request closed
or merged by someone else in between is one clear answer with nothing half-done;
and the body a reviewer reads, as a golden file."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest
from syrupy.assertion import SnapshotAssertion

from blueprintc.compile.inputs import load_inputs
from blueprintc.deliver.remote import deliver_remote
from blueprintc.gitea import Gitea
from blueprintc.promote.local import promote_locally
from blueprintc.promote.plan import render_plan
from blueprintc.promote.proposal import Marker
from blueprintc.promote.pulls import PullResult, Settings, merge
from blueprintc.promote.request import PromoteError
from blueprintc.workspace import load_workspace
from tests.cli.helpers import invoke
from tests.compile.helpers import TextSnapshot, edit_file
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
    who,
)

LATER = T0 + dt.timedelta(hours=6)


@pytest.fixture
def ws(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, gitea: tuple[str, Path, GiteaStandIn]
) -> Path:
    root = locked_workspace(tmp_path, monkeypatch)
    compile_ws(root)
    delivered = deliver_remote(root / "out", gitea[0], who(T0))
    assert not delivered.failed
    edit_file(root / "organizations/acme.yaml", "Welcome to Acme", "Hello")
    compile_ws(root)
    assert not deliver_remote(root / "out", gitea[0], who(T0 + dt.timedelta(hours=1))).failed
    return root


def _open_pulls(base: str) -> list[dict]:
    return Gitea(base, DELIVER, 10).open_pulls("acme", "shop")


def _approved_promotion(ws: Path, base: str, server: Path) -> PullResult:
    """The dev -> stg promotion of acme/shop, opened, scored and approved by alice: what
    a merge needs (soak, score and one approval)."""
    post_score(base, branch_head(server, "develop"), 90)
    opened = open_promotion(ws, base, promote_app(ws, "stg"), LATER)
    assert opened.number is not None
    approve(base, ALICE, opened.number)
    return opened


def test_a_rerun_updates_the_open_pull_request_and_its_approvals_go_stale(
    ws: Path, gitea: tuple[str, Path, GiteaStandIn]
) -> None:
    base, server, _ = gitea
    first = open_promotion(ws, base, promote_app(ws, "stg"), LATER)
    assert first.status == "opened" and first.number is not None
    approve(base, ALICE, first.number)
    edit_file(ws / "organizations/acme.yaml", "message: Hello", "message: Hello again")
    compile_ws(ws)
    second = open_promotion(ws, base, promote_app(ws, "stg"), LATER)
    assert second.status == "updated" and second.number == first.number
    assert len(_open_pulls(base)) == 1, "never a second pull request for one Environment"
    assert second.head != first.head
    log = Gitea(base, DELIVER, 10).pull("acme", "shop", first.number)
    assert "Hello again" in log["body"]
    gate = next(g for g in second.gates if g.gate == "requiredApprovers")
    assert not gate.passed and "stale after a new push: alice" in gate.detail
    repo = str(server / "acme/shop.git")
    ancestry = subprocess.run(
        ["git", "-C", repo, "merge-base", "--is-ancestor", first.head, second.head]
    )
    assert ancestry.returncode == 0, "the promotion branch only moves forward"


def _message_row(body: str) -> str:
    return next(line for line in body.splitlines() if "`webapp.ui.message`" in line)


def test_the_body_compares_the_target_branch_on_the_server_not_an_unmerged_promotion(
    ws: Path, gitea: tuple[str, Path, GiteaStandIn]
) -> None:
    """With pull request #1 unmerged, staging on the server still holds the message of
    before: merging changes that, whatever the previous local lock and out/ said."""
    base, _, _ = gitea
    first = promote_app(ws, "stg")
    opened = open_promotion(ws, base, first, LATER)
    assert opened.number is not None
    edit_file(ws / "organizations/acme.yaml", "message: Hello", "message: Hello again")
    compile_ws(ws)
    second = promote_app(ws, "stg")
    assert '| `"Hello"` | `"Hello again"` |' in _message_row(render_plan("", second.plan))
    updated = open_promotion(ws, base, second, LATER)
    body = Gitea(base, DELIVER, 10).pull("acme", "shop", opened.number)["body"]
    assert '| `"Welcome to Acme"` | `"Hello again"` |' in _message_row(body)
    assert updated.plan is not None and f"Plan digest: `{updated.plan.digest()}`" in body
    marker = Marker.find(body)
    assert marker is not None and marker.plan == updated.plan.digest()

    inputs = load_inputs(load_workspace(ws))
    back = promote_locally(ws, None, inputs, second.request, first.new)  # --rollback's entry
    rolled = open_promotion(ws, base, replace(back, rollback=True), LATER)
    assert rolled.number == opened.number
    body = Gitea(base, DELIVER, 10).pull("acme", "shop", opened.number)["body"]
    assert '| `"Welcome to Acme"` | `"Hello"` |' in _message_row(body), "not Hello again → Hello"


def test_json_names_the_plan_the_pull_request_shows(
    ws: Path, gitea: tuple[str, Path, GiteaStandIn]
) -> None:
    base, _, _ = gitea
    assert invoke("promote", "acme/shop", "--to", "stg", "--remote", base, "-w", ws).exit_code == 0
    edit_file(ws / "organizations/acme.yaml", "message: Hello", "message: Hello again")
    result = invoke(
        "promote", "acme/shop", "--to", "stg", "--remote", base, "-w", ws, "--format", "json"
    )
    assert result.exit_code == 0, result.output
    (promotion,) = json.loads(result.output)["promotions"]
    (value,) = promotion["plan"]["values"]
    assert (value["old"], value["new"]) == ("Welcome to Acme", "Hello again")


def test_a_request_for_changes_blocks_the_merge(
    ws: Path, gitea: tuple[str, Path, GiteaStandIn]
) -> None:
    base, server, _ = gitea
    opened = _approved_promotion(ws, base, server)
    Gitea(base, BOB, 10).review("acme", "shop", opened.number, {"event": "REQUEST_CHANGES"})
    staging = branch_head(server, "staging")
    (refused,) = merge_promotions(ws, base, LATER)
    assert refused.status == "refused"
    assert "requiredApprovers: 1 of 1 approval(s); by alice; changes requested by bob" in (
        refused.detail
    )
    assert branch_head(server, "staging") == staging


def test_a_pull_request_closed_by_someone_else_is_left_alone(
    ws: Path, gitea: tuple[str, Path, GiteaStandIn]
) -> None:
    base, server, _ = gitea
    opened = open_promotion(ws, base, promote_app(ws, "stg"), LATER)
    assert opened.number is not None
    Gitea(base, ALICE, 10).edit_pull("acme", "shop", opened.number, {"state": "closed"})
    staging = branch_head(server, "staging")
    assert merge_promotions(ws, base, LATER) == []
    assert branch_head(server, "staging") == staging
    again = open_promotion(ws, base, promote_app(ws, "stg"), LATER)
    assert again.status == "opened" and again.number != opened.number


def test_a_merged_promotion_branch_is_deleted_and_the_next_one_starts_afresh(
    ws: Path, gitea: tuple[str, Path, GiteaStandIn]
) -> None:
    base, server, _ = gitea
    opened = _approved_promotion(ws, base, server)
    (merged,) = merge_promotions(ws, base, LATER)
    assert merged.status == "merged", merged.detail
    assert not has_branch(server, "blueprintc/promote/staging")
    edit_file(ws / "organizations/acme.yaml", "message: Hello", "message: Hello again")
    compile_ws(ws)
    assert not deliver_remote(ws / "out", base, who(LATER)).failed
    again = open_promotion(ws, base, promote_app(ws, "stg"), LATER)
    assert again.status == "opened" and again.number != opened.number
    parents = subprocess.run(
        ["git", "-C", str(server / "acme/shop.git"), "rev-parse", f"{again.head}^@"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert parents == [branch_head(server, "staging")], "a fresh branch from the target's tip"


def test_merge_of_every_application_fetches_only_repositories_with_a_promotion(
    ws: Path, gitea: tuple[str, Path, GiteaStandIn]
) -> None:
    base, server, stand_in = gitea
    _approved_promotion(ws, base, server)
    inputs = load_inputs(load_workspace(ws))
    applications = [f"{o.slug}/{a.name}" for o in inputs.organizations for a in o.applications]
    assert len(applications) > 1 and "acme/shop" in applications
    stand_in.git_paths.clear()
    (merged,) = merge(ws / "out", inputs, Settings(base, DELIVER, 10, LATER))
    assert (merged.application, merged.status) == ("acme/shop", "merged"), merged.detail
    fetched = {path.split(".git/")[0] for path in stand_in.git_paths}
    assert fetched == {"/acme/shop"}, "the other Applications have nothing to merge"


def test_merge_in_a_repository_the_gitea_lacks_says_to_deliver_first(
    ws: Path, gitea: tuple[str, Path, GiteaStandIn]
) -> None:
    base, _, _ = gitea
    inputs = load_inputs(load_workspace(ws))
    with pytest.raises(PromoteError) as refused:
        merge(ws / "out", inputs, Settings(base, DELIVER, 10, LATER), ["acme/absent"])
    assert str(refused.value) == (
        f"acme/absent: {base}/acme/absent.git does not exist on the Gitea: "
        "deliver the compiled tree first (`blueprintc deliver --remote`)"
    )


def test_a_pull_request_merged_meanwhile_is_one_refusal(
    ws: Path, gitea: tuple[str, Path, GiteaStandIn]
) -> None:
    base, server, stand_in = gitea
    _approved_promotion(ws, base, server)
    staging = branch_head(server, "staging")
    stand_in.faults["repoMergePullRequest"] = 405
    (refused,) = merge_promotions(ws, base, LATER)
    assert refused.status == "refused"
    assert "it was closed or merged meanwhile" in refused.detail
    assert branch_head(server, "staging") == staging


def test_the_pull_request_body(
    ws: Path, gitea: tuple[str, Path, GiteaStandIn], snapshot: SnapshotAssertion
) -> None:
    base, server, _ = gitea
    post_score(base, branch_head(server, "develop"), 70)
    opened = open_promotion(ws, base, promote_app(ws, "stg"), LATER)
    assert opened.number is not None
    body = Gitea(base, DELIVER, 10).pull("acme", "shop", opened.number)["body"]
    shown = re.sub(r"\b[0-9a-f]{40}\b", "<commit>", body)
    shown = re.sub(r"\b[0-9a-f]{12}\b", "<commit12>", shown)  # ids change with the version
    assert shown == snapshot(extension_class=TextSnapshot)


def test_the_pull_request_body_of_a_new_blueprint_version(
    ws: Path, gitea: tuple[str, Path, GiteaStandIn], snapshot: SnapshotAssertion
) -> None:
    base, server, _ = gitea
    webapp = ws / "blueprints/webapp"
    edit_file(webapp / "blueprint.yaml", "version: 1.4.2", "version: 1.5.0")
    edit_file(webapp / "chart/Chart.yaml", "version: 1.4.2", "version: 1.5.0")
    compile_ws(ws)
    assert not deliver_remote(ws / "out", base, who(T0 + dt.timedelta(hours=2))).failed
    post_score(base, branch_head(server, "develop"), 70)
    opened = open_promotion(ws, base, promote_app(ws, "stg"), LATER)
    assert opened.number is not None
    body = Gitea(base, DELIVER, 10).pull("acme", "shop", opened.number)["body"]
    shown = re.sub(r"\b[0-9a-f]{40}\b", "<commit>", body)
    shown = re.sub(r"\b[0-9a-f]{12}\b", "<commit12>", shown)
    assert "Blueprint bp-webapp: 1.4.2 → 1.5.0" in shown
    assert shown == snapshot(extension_class=TextSnapshot)


def test_deliver_finds_the_promotions_pull_request_and_opens_no_second_one(
    ws: Path, gitea: tuple[str, Path, GiteaStandIn]
) -> None:
    """A second pull request, with approvals alone and none of the promotion's gates,
    would let a merge in Gitea skip the soak, the score and the change windows."""
    base, _, stand_in = gitea
    opened = open_promotion(ws, base, promote_app(ws, "stg"), LATER)
    assert opened.status == "opened"

    result = deliver_remote(ws / "out", base, who(LATER))

    staging = next(b for b in result.branches if (b.repo, b.branch) == ("acme/shop", "staging"))
    assert staging.status == "proposed", staging.detail
    assert staging.detail.startswith(f"the promotion's pull request #{opened.number} (")
    assert [p["head"]["ref"] for p in stand_in.pulls["acme/shop"]] == ["blueprintc/promote/staging"]


def test_deliver_never_reopens_a_closed_promotion_as_its_own_pull_request(
    ws: Path, gitea: tuple[str, Path, GiteaStandIn]
) -> None:
    base, _, stand_in = gitea
    opened = open_promotion(ws, base, promote_app(ws, "stg"), LATER)
    assert opened.number is not None
    Gitea(base, ALICE, 10).edit_pull("acme", "shop", opened.number, {"state": "closed"})

    result = deliver_remote(ws / "out", base, who(LATER))

    staging = next(b for b in result.branches if (b.repo, b.branch) == ("acme/shop", "staging"))
    assert staging.status == "failed"
    assert "the promotion on blueprintc/promote/staging, whose pull request is closed" in (
        staging.detail
    )
    assert len(stand_in.pulls["acme/shop"]) == 1
