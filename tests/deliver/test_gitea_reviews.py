"""What a promotion needs of Gitea (issue 14, points 3 and 4, the client's part): a
pull request's reviews (stale once its head moves), commit statuses to read and post,
and a merge through the API, guarded by the head it was reviewed at; the stand-in
holds each call to Gitea 1.22.0's contract and merges for real in its bare repository.
The reviews read back feed the promotion gates as they are."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

import pytest

from blueprintc.deliver.credentials import Credentials
from blueprintc.gitea import Gitea, GiteaError
from blueprintc.promote.gates import CommitStatus, GatePolicy, Promotion, Review, evaluate
from tests.gitea_contract import GiteaStandIn

DELIVER = Credentials("deliver", "test-only", "test")  # TEST-ONLY credentials
ALICE = Credentials("alice", "test-only", "test")
BOB = Credentials("bob", "test-only", "test")


def _push(base: str, work: Path, refspec: str, text: str) -> str:
    git = ["git", "-C", str(work), "-c", "user.name=x", "-c", "user.email=x@x.invalid"]
    (work / "values.yaml").write_text(text)
    subprocess.run([*git, "add", "values.yaml"], check=True)
    subprocess.run([*git, "commit", "-qm", text.strip()], check=True)
    url = base.replace("http://", "http://deliver:test-only@") + "/acme/shop.git"
    subprocess.run([*git, "push", "-q", url, refspec], check=True, capture_output=True)
    return subprocess.run(
        [*git, "rev-parse", "HEAD"], check=True, capture_output=True, text=True
    ).stdout.strip()


def _heads(root: Path) -> dict[str, str]:
    listed = subprocess.run(
        [
            "git",
            "-C",
            str(root / "acme/shop.git"),
            "for-each-ref",
            "--format=%(refname:short) %(objectname)",
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split("\n")
    return dict(line.split() for line in listed if line)


def test_reviews_statuses_and_a_guarded_merge(
    gitea: tuple[str, Path, GiteaStandIn], tmp_path: Path
) -> None:
    base, root, stand_in = gitea
    api = Gitea(base, DELIVER, timeout=10)
    api.create_org("acme")
    api.create_org_repo("acme", "shop", "main", "")
    work = tmp_path / "work"
    subprocess.run(["git", "init", "-q", "-b", "main", str(work)], check=True)
    main = _push(base, work, "main", "replicas: 1\n")
    api.protect_branch("acme", "shop", {"rule_name": "main", "enable_push": False})
    first = _push(base, work, "main:promote-main", "replicas: 2\n")
    pull = api.create_pull(
        "acme", "shop", {"head": "promote-main", "base": "main", "title": "Promote"}
    )
    index = int(pull["number"])

    with pytest.raises(GiteaError) as own:
        api.review("acme", "shop", index, {"event": "APPROVED", "body": "mine"})
    assert own.value.status == 422  # Gitea refuses approving one's own pull request
    Gitea(base, ALICE, timeout=10).review("acme", "shop", index, {"event": "APPROVED"})
    Gitea(base, BOB, timeout=10).review("acme", "shop", index, {"event": "REQUEST_CHANGES"})
    reviews = api.reviews("acme", "shop", index)
    assert [(r["user"]["login"], r["state"], r["stale"]) for r in reviews] == [
        ("alice", "APPROVED", False),
        ("bob", "REQUEST_CHANGES", False),
    ]

    second = _push(base, work, "main:promote-main", "replicas: 3\n")  # a new push
    assert api.pull("acme", "shop", index)["head"]["sha"] == second
    reviews = api.reviews("acme", "shop", index)
    assert [(r["commit_id"], r["stale"]) for r in reviews] == [(first, True), (first, True)]
    policy = GatePolicy("prod", "stg", required_approvers=1)
    promotion = Promotion(
        "stg", "deliver", second, second, None, tuple(Review.from_gitea(r) for r in reviews)
    )
    (gate,) = [
        g
        for g in evaluate(policy, promotion, dt.datetime.now(dt.UTC))
        if g.gate == "requiredApprovers"
    ]
    assert not gate.passed
    assert (
        "stale after a new push: alice" in gate.detail and "changes requested by bob" in gate.detail
    )

    api.set_status(
        "acme", "shop", second, {"state": "pending", "context": "ci", "description": "1"}
    )
    api.set_status(
        "acme", "shop", second, {"state": "success", "context": "ci", "description": "2"}
    )
    statuses = [CommitStatus.from_gitea(s) for s in api.statuses("acme", "shop", second)]
    assert [(s.context, s.state, s.description) for s in statuses] == [
        ("ci", "success", "2"),  # newest first, as Gitea lists them
        ("ci", "pending", "1"),
    ]

    with pytest.raises(GiteaError) as moved:
        api.merge_pull("acme", "shop", index, {"Do": "merge", "head_commit_id": first})
    assert moved.value.status == 409  # reviewed at another head: nothing merged
    assert _heads(root)["main"] == main
    api.merge_pull(
        "acme",
        "shop",
        index,
        {"Do": "merge", "head_commit_id": second, "MergeMessageField": "gates: 5/5"},
    )
    merged = _heads(root)["main"]
    parents = subprocess.run(
        ["git", "-C", str(root / "acme/shop.git"), "log", "-1", "--format=%P%n%B", merged],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split("\n")
    assert parents[0].split() == [main, second] and "gates: 5/5" in parents
    assert api.pull("acme", "shop", index)["merged"] is True
    with pytest.raises(GiteaError) as again:
        api.merge_pull("acme", "shop", index, {"Do": "merge"})
    assert again.value.status == 405
    assert stand_in.violations == []
