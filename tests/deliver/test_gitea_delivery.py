"""``deliver --remote`` into a Gitea: the real git server with the API stand-in that
holds every call to Gitea 1.22.0's spec (tests/gitea_contract.py)."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from blueprintc.build.envtree import compiled_files
from blueprintc.compile.run import run_compile
from blueprintc.deliver.embedded import Identity
from blueprintc.deliver.provision import gated_branches
from blueprintc.deliver.remote import deliver_remote
from blueprintc.model.sovereign import Mirror
from tests.deliver.helpers import CREDS, clone_equals_compiled, repos_of, serve_all, server_state
from tests.gitea_contract import GiteaStandIn
from tests.gitserver import protect
from tests.hostile.harness import run_cli

WHO = Identity("Test Bot", "bot@example.test", 1_700_000_000)
Gitea = tuple[str, Path, GiteaStandIn]


def test_the_gates_are_the_gated_environments_branches(ws: Path) -> None:
    gates = gated_branches(compiled_files(ws / "out"))
    assert {b: g.approvals for b, g in gates["acme"].items()} == {"main": 2, "staging": 1}
    assert "develop" not in gates["acme"]  # dev: no policy gates it
    assert "system" not in gates


def test_first_delivery_creates_orgs_repos_branches_and_protections(
    ws: Path, gitea: Gitea, tmp_path: Path, creds: None
) -> None:
    base, root, stand_in = gitea
    out = ws / "out"
    result = deliver_remote(out, base, WHO, jobs=3)
    assert not result.failed, [b.detail for b in result.branches if b.detail]
    assert result.count("delivered") == len(result.branches)
    assert set(stand_in.orgs) == {name.split("/")[0] for name in repos_of(out)}
    assert sorted(server_state(root)) == repos_of(out)
    assert clone_equals_compiled(base, out, tmp_path) == len(result.branches)
    gates = gated_branches(compiled_files(out))
    for name in repos_of(out):
        rules = {p["rule_name"]: p for p in stand_in.protections.get(name, [])}
        expected = gates.get(name.split("/")[0], {})
        assert set(rules) == set(expected), name
        for branch, gate in expected.items():
            assert rules[branch]["required_approvals"] == gate.approvals
            assert rules[branch]["enable_push"] is False
    assert ("POST", "/orgs") in stand_in.writes

    # unchanged rerun: no commit, no API write
    writes, state = list(stand_in.writes), server_state(root)
    again = deliver_remote(out, base, WHO, jobs=3)
    assert again.count("unchanged") == len(again.branches)
    assert stand_in.writes == writes
    assert server_state(root) == state


def _delivered_then_changed(ws: Path, base: str, root: Path) -> dict:
    """Deliver the workspace, then change acme's config (every acme/shop branch, two of
    them protected) and compile: the server's state as delivered."""
    out = ws / "out"
    assert not deliver_remote(out, base, WHO).failed
    before = server_state(root)
    org = ws / "organizations/acme.yaml"
    org.write_text(org.read_text().replace("Welcome to Acme", "Welcome to Acme Trading"))
    assert not run_compile(ws, out=out).diagnostics
    return before


def test_a_change_to_protected_branches_is_proposed_as_pull_requests(
    ws: Path, gitea: Gitea, creds: None
) -> None:
    base, root, stand_in = gitea
    out = ws / "out"
    before = _delivered_then_changed(ws, base, root)
    result = deliver_remote(out, base, WHO)
    assert not result.failed, [b.detail for b in result.branches if b.detail]
    by = {(b.repo, b.branch): b for b in result.branches if b.status != "unchanged"}
    assert sorted(by) == [("acme/shop", "develop"), ("acme/shop", "main"), ("acme/shop", "staging")]
    assert by[("acme/shop", "develop")].status == "delivered"  # not gated: pushed
    for branch in ("main", "staging"):
        assert by[("acme/shop", branch)].status == "proposed"
        assert "pull request #" in by[("acme/shop", branch)].detail
    after = server_state(root)
    assert after["acme/shop"]["main"] == before["acme/shop"]["main"]  # never pushed to
    assert after["acme/shop"]["staging"] == before["acme/shop"]["staging"]
    pulls = stand_in.pulls["acme/shop"]
    assert sorted(p["base"]["ref"] for p in pulls) == ["main", "staging"]
    for pull in pulls:
        head = pull["head"]["ref"]
        assert head.startswith(f"blueprintc/{pull['base']['ref']}/")
        parent = subprocess.run(
            ["git", "--git-dir", str(root / "acme/shop.git"), "rev-parse", f"{head}^"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        assert parent == before["acme/shop"][pull["base"]["ref"]]  # on the branch's tip
        assert (
            "Welcome to Acme Trading"
            in subprocess.run(
                ["git", "--git-dir", str(root / "acme/shop.git"), "grep", "-h", "Welcome", head],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
        )

    # a rerun finds its proposals: no new commit, branch or pull request
    writes, state = list(stand_in.writes), server_state(root)
    again = deliver_remote(out, base, WHO)
    assert {b.status for b in again.branches if b.repo == "acme/shop"} == {"unchanged", "proposed"}
    assert stand_in.writes == writes and server_state(root) == state
    assert len(stand_in.pulls["acme/shop"]) == 2


def test_an_api_failure_fails_that_repo_and_a_rerun_finishes(
    ws: Path, gitea: Gitea, creds: None
) -> None:
    base, _, stand_in = gitea
    out = ws / "out"
    stand_in.faults["repoCreateBranchProtection"] = 500
    result = deliver_remote(out, base, WHO, jobs=2)
    failed = [b for b in result.branches if b.status == "failed"]
    assert failed and all("protecting it failed" in b.detail for b in failed)
    gates = gated_branches(compiled_files(out))
    assert {(b.repo, b.branch) for b in failed} == {
        (name, branch)
        for name in repos_of(out)
        for branch in gates.get(name.split("/")[0], {})
        if (name, branch) in {(r.repo, r.branch) for r in result.branches}
    }
    del stand_in.faults["repoCreateBranchProtection"]
    rerun = deliver_remote(out, base, WHO, jobs=2)
    assert not rerun.failed
    for name in repos_of(out):
        expected = set(gates.get(name.split("/")[0], {}))
        assert {p["rule_name"] for p in stand_in.protections.get(name, [])} == expected


def test_refused_api_credentials_are_one_error(
    ws: Path, gitea: Gitea, monkeypatch: pytest.MonkeyPatch
) -> None:
    base, _, _ = gitea
    monkeypatch.setenv("BLUEPRINTC_GIT_USERNAME", "deliver")
    monkeypatch.setenv("BLUEPRINTC_GIT_PASSWORD", "wrong")
    from blueprintc.deliver.errors import DeliverError

    with pytest.raises(DeliverError) as refused:
        deliver_remote(ws / "out", base, WHO)
    assert "refused the credentials" in str(refused.value)
    assert "wrong" not in str(refused.value)


def _upstream(tmp_path: Path) -> Path:
    """A catalog repository with one commit, as a bare repository."""
    work = tmp_path / "upstream-work"
    git = ["git", "-C", str(work), "-c", "user.name=x", "-c", "user.email=x@x"]
    subprocess.run(["git", "init", "-q", "-b", "main", str(work)], check=True)
    (work / "README.md").write_text("the catalog\n")
    subprocess.run([*git, "add", "README.md"], check=True)
    subprocess.run([*git, "commit", "-qm", "catalog"], check=True)
    bare = tmp_path / "upstream.git"
    subprocess.run(["git", "clone", "-q", "--bare", str(work), str(bare)], check=True)
    return bare


def test_catalog_mirrors_are_made_once(ws: Path, gitea: Gitea, tmp_path: Path, creds: None) -> None:
    base, root, stand_in = gitea
    upstream = _upstream(tmp_path)
    mirrors = (
        Mirror(str(upstream), "catalog/blueprints", "1h"),
        Mirror(str(upstream), "acme/shared-blueprints", "8h"),
    )
    result = deliver_remote(ws / "out", base, WHO, mirrors=mirrors)
    assert not result.failed
    assert [(m.repo, m.status) for m in result.mirrors] == [
        ("catalog/blueprints", "mirrored"),
        ("acme/shared-blueprints", "mirrored"),
    ]
    assert stand_in.mirrors["catalog/blueprints"] == {
        "clone_addr": str(upstream),
        "mirror_interval": "1h",
    }
    assert "catalog" in stand_in.orgs
    assert server_state(root)["catalog/blueprints"]["main"]
    writes = list(stand_in.writes)
    again = deliver_remote(ws / "out", base, WHO, mirrors=mirrors)
    assert [m.status for m in again.mirrors] == ["unchanged", "unchanged"]
    assert stand_in.writes == writes

    # a repository of that name that is not a mirror is refused, never replaced
    taken = (Mirror(str(upstream), "acme/shop", "8h"),)
    refused = deliver_remote(ws / "out", base, WHO, mirrors=taken)
    assert refused.failed
    assert "is not a mirror" in refused.mirrors[0].detail
    assert stand_in.writes == writes


def test_mirrors_are_read_from_the_sovereign_spec() -> None:
    from blueprintc.model.sovereign import _mirrors

    found = _mirrors(
        [
            {"url": "https://github.com/openova/blueprints.git"},
            {
                "url": "https://gitea.example.test/acme/shared/",
                "repo": "acme/shared",
                "interval": "2h",
            },
            "not a mapping",
        ]
    )
    assert found == (
        Mirror("https://github.com/openova/blueprints.git", "catalog/blueprints", "8h"),
        Mirror("https://gitea.example.test/acme/shared", "acme/shared", "2h"),
    )


def test_mirrors_need_a_gitea(ws: Path, git_server: tuple[str, Path], creds: None) -> None:
    base, _ = git_server
    from blueprintc.deliver.errors import DeliverError

    with pytest.raises(DeliverError) as refused:
        deliver_remote(
            ws / "out", base, WHO, mirrors=(Mirror("https://x.test/a.git", "c/a", "8h"),)
        )
    assert "no Gitea API" in str(refused.value)


def test_webhooks_reach_each_vcluster_s_receiver(ws: Path, gitea: Gitea, creds: None) -> None:
    base, _, stand_in = gitea
    out = ws / "out"
    assert not deliver_remote(out, base, WHO, jobs=2).failed
    path = "/hook/" + hashlib.sha256(b"test-only-webhook-tokengiteaflux-system").hexdigest()
    hooks = stand_in.hooks["acme/shop"]
    by_branch = sorted((h["branch_filter"], h["config"]["url"]) for h in hooks)
    branch_of = {"dev": "develop", "stg": "staging", "prod": "main"}
    expected = sorted(
        (
            branch_of[d.name.split("-")[-2]],
            f"https://flux-{d.name}.hfmp.t38.omani.works{path}",
        )
        for d in (out / "vclusters").iterdir()
        if (d / "applications/shop.yaml").is_file()
    )
    assert len(expected) == 6  # dev, stg and prod, in both regions (active-active)
    assert by_branch == expected
    assert all(h["type"] == "gitea" and h["events"] == ["push"] and h["active"] for h in hooks)
    assert {stand_in.hook_secrets[h["id"]] for h in hooks} == {"test-only-webhook-token"}
    assert "system/fleet" not in stand_in.hooks
    writes = list(stand_in.writes)
    assert not deliver_remote(out, base, WHO, jobs=2).failed
    assert stand_in.writes == writes  # every webhook found by its URL


def test_receivers_without_a_token_are_one_error(
    ws: Path, gitea: Gitea, creds: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    base, _, stand_in = gitea
    monkeypatch.delenv("BLUEPRINTC_WEBHOOK_TOKEN")
    from blueprintc.deliver.errors import DeliverError

    with pytest.raises(DeliverError) as refused:
        deliver_remote(ws / "out", base, WHO)
    assert "BLUEPRINTC_WEBHOOK_TOKEN" in str(refused.value)
    assert stand_in.writes == []


def test_a_removed_application_is_emptied_by_a_commit_and_its_repository_kept(
    ws: Path, gitea: Gitea, creds: None
) -> None:
    base, root, stand_in = gitea
    out = ws / "out"
    assert not deliver_remote(out, base, WHO).failed
    before = server_state(root)
    initech = ws / "organizations" / "initech.yaml"
    doc = yaml.safe_load(initech.read_text())
    removed = f"initech/{doc['spec']['applications'].pop()['name']}"
    initech.write_text(yaml.safe_dump(doc, sort_keys=False))
    assert not run_compile(ws, out=out).diagnostics
    shutil.rmtree(out / "git")  # a fresh runner: Gitea's list of repositories says it
    result = deliver_remote(out, base, WHO)
    assert not result.failed, [b.detail for b in result.branches if b.detail]
    emptied = {b.branch: b.status for b in result.branches if b.repo == removed}
    gated = set(gated_branches(compiled_files(out))["initech"])
    assert emptied == {b: "proposed" if b in gated else "delivered" for b in before[removed]}
    after = server_state(root)
    assert removed in after  # the repository is never deleted
    for branch, status in emptied.items():
        git_dir = root / f"{removed}.git"
        if status == "delivered":
            files = subprocess.run(
                ["git", "--git-dir", str(git_dir), "ls-tree", "-r", "--name-only", branch],
                capture_output=True,
                text=True,
                check=True,
            ).stdout.split()
            assert files == []
        else:
            assert after[removed][branch] == before[removed][branch]  # a pull request
    writes = list(stand_in.writes)
    again = deliver_remote(out, base, WHO)
    assert {b.status for b in again.branches if b.repo == removed} <= {"proposed"}
    assert stand_in.writes == writes


def test_the_cli_reports_pull_requests_and_mirrors(ws: Path, gitea: Gitea) -> None:
    base, _, _ = gitea
    sovereign = ws / "sovereign.yaml"
    original = sovereign.read_text()
    unreachable = "    mirrors:\n      - url: http://127.0.0.1:9/upstream.git\n"
    sovereign.write_text(original.replace("    receiver:\n", unreachable + "    receiver:\n"))
    first = run_cli("deliver", "--remote", base, "--format", "json", cwd=ws, env=CREDS)
    assert first.code == 1, str(first)  # the mirror's upstream is not reachable
    document = json.loads(first.stdout)
    assert document["failed"] == 0 and document["delivered"] == len(document["branches"])
    (mirror,) = document["mirrors"]
    assert mirror["repo"] == "catalog/upstream" and mirror["status"] == "failed"
    assert "could not migrate" in mirror["detail"]
    sovereign.write_text(original)
    org = ws / "organizations/acme.yaml"
    org.write_text(org.read_text().replace("Welcome to Acme", "Welcome to Acme Trading"))
    assert not run_compile(ws, out=ws / "out").diagnostics
    second = run_cli("deliver", "--remote", base, cwd=ws, env=CREDS)
    assert second.code == 0, str(second)
    assert "2 proposed as pull requests" in second.stdout
    proposed = [line for line in second.stdout.splitlines() if line.startswith("proposed")]
    assert len(proposed) == 2 and all("pull request #" in line for line in proposed)


def test_a_push_refused_by_protection_becomes_a_pull_request(
    ws: Path, gitea: Gitea, creds: None
) -> None:
    base, root, stand_in = gitea
    out = ws / "out"
    assert not deliver_remote(out, base, WHO).failed
    before = server_state(root)
    # a protection the API does not list (added on the server since, say): the push is
    # refused by the server's pre-receive hook, then proposed instead
    protect(root / "acme/shop.git", "develop")
    org = ws / "organizations/acme.yaml"
    org.write_text(org.read_text().replace("replicaCount: 1\n", "replicaCount: 2\n", 1))
    assert not run_compile(ws, out=out).diagnostics
    result = deliver_remote(out, base, WHO)
    assert not result.failed, [b.detail for b in result.branches if b.detail]
    (develop,) = [b for b in result.branches if b.status != "unchanged"]
    assert (develop.repo, develop.branch, develop.status) == ("acme/shop", "develop", "proposed")
    assert server_state(root)["acme/shop"]["develop"] == before["acme/shop"]["develop"]
    (pull,) = stand_in.pulls["acme/shop"]
    assert pull["base"]["ref"] == "develop" and pull["head"]["ref"].startswith("blueprintc/")


def test_a_protected_refusal_on_a_plain_git_server_says_what_to_do(
    ws: Path, git_server: tuple[str, Path], creds: None
) -> None:
    base, root = git_server
    out = ws / "out"
    serve_all(root, out)
    protect(root / "acme/wiki.git", "main", "someone-else")
    result = deliver_remote(out, base, WHO)
    (refused,) = [
        b
        for b in result.branches
        if b.status == "failed" and b.branch == "main" and b.repo == "acme/wiki"
    ]
    assert "refused as a protected branch" in refused.detail
    assert "pull request" in refused.detail


@pytest.mark.parametrize("status", [500, 503, 429])
def test_a_gitea_whose_api_fails_is_not_taken_for_a_plain_git_server(
    ws: Path, gitea: Gitea, creds: None, status: int
) -> None:
    """Taken for one, deliver pushed straight to main and staging, past the gates their
    branch protections and pull requests are."""
    base, root, stand_in = gitea
    out = ws / "out"
    before = _delivered_then_changed(ws, base, root)
    stand_in.faults["getVersion"] = status
    from blueprintc.deliver.errors import DeliverError

    with pytest.raises(DeliverError) as failing:
        deliver_remote(out, base, WHO)
    assert f"the Gitea API at {base} is failing (HTTP {status}" in str(failing.value)
    assert str(failing.value).endswith("nothing was pushed")
    assert server_state(root) == before


def test_a_proposal_a_reviewer_merged_in_gitea_is_blueprintc_s_history(
    ws: Path, gitea: Gitea, creds: None
) -> None:
    """Gitea's merge button writes its own message (`Merge pull request '...' (#1) from
    ... into main`), without deliver's trailer: every later delivery to that branch was
    refused as someone else's history, with "delete the branch" as the way out."""
    from blueprintc.deliver.credentials import Credentials
    from blueprintc.gitea import Gitea as GiteaApi

    base, root, stand_in = gitea
    out = ws / "out"
    _delivered_then_changed(ws, base, root)
    org = ws / "organizations/acme.yaml"
    assert not deliver_remote(out, base, WHO).failed
    pull = next(p for p in stand_in.pulls["acme/shop"] if p["base"]["ref"] == "main")
    title = f"Merge pull request '{pull['title']}' (#{pull['number']}) into main"
    alice = GiteaApi(base, Credentials("alice", "test-only", "test"), 10)
    alice.merge_pull("acme", "shop", pull["number"], {"Do": "merge", "MergeTitleField": title})
    merged = server_state(root)["acme/shop"]["main"]

    org.write_text(org.read_text().replace("Welcome to Acme Trading", "Welcome, traders"))
    assert not run_compile(ws, out=out).diagnostics
    again = deliver_remote(out, base, WHO)

    main = next(b for b in again.branches if (b.repo, b.branch) == ("acme/shop", "main"))
    assert main.status == "proposed", main.detail
    head = main.detail.split(" from ")[1].split(":")[0]
    parent = subprocess.run(
        ["git", "--git-dir", str(root / "acme/shop.git"), "rev-parse", f"{head}^"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert parent == merged  # proposed on the merge, nothing forced


def test_a_merge_commit_with_other_changes_is_not_blueprintc_s(tmp_path: Path) -> None:
    """A merge whose tree is not the proposal's (someone resolved it by hand, or merged
    a branch of their own) is someone else's history."""
    import pygit2

    from blueprintc.deliver.embedded import TRAILER, written_by_blueprintc

    repo = pygit2.init_repository(str(tmp_path / "r.git"), bare=True)
    sig = pygit2.Signature("t", "t@x.invalid", 1_700_000_000, 0)

    def commit(files: dict[str, bytes], message: str, parents: list[pygit2.Oid]) -> pygit2.Oid:
        builder = repo.TreeBuilder()
        for name, data in files.items():
            builder.insert(name, repo.create_blob(data), pygit2.GIT_FILEMODE_BLOB)
        return repo.create_commit(None, sig, sig, message, builder.write(), parents)

    ours = commit({"a": b"1"}, f"deliver\n\n{TRAILER}\n", [])
    proposal = commit({"a": b"2"}, f"deliver\n\n{TRAILER}\n", [ours])
    clean = commit({"a": b"2"}, "Merge pull request 'x' (#1)", [ours, proposal])
    edited = commit({"a": b"3"}, "Merge pull request 'x' (#1)", [ours, proposal])
    theirs = commit({"a": b"2"}, "their work", [ours])
    foreign = commit({"a": b"2"}, "Merge branch 'theirs'", [ours, theirs])
    again = commit({"a": b"2"}, "Merge pull request 'y' (#2)", [clean, proposal])

    verdicts = [written_by_blueprintc(repo.get(c)) for c in (clean, edited, foreign, again)]
    assert verdicts == [True, False, False, True]
