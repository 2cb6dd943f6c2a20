"""The branch plan from the owners' shards: a delivery parses only the shards of owners
changed since the last one, and gets exactly the branches and contents that parsing
every shard gives (the reference workspace, compiled for real, changed as users do)."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from blueprintc.build.envtree import compiled_branch
from blueprintc.build.errors import BuildError
from blueprintc.compile.run import run_compile
from blueprintc.deliver.branchplan import plan, plan_branches
from blueprintc.deliver.embedded import Identity, deliver
from blueprintc.deliver.state import DeliveryState
from blueprintc.emit.manifest import Manifest, ManifestShards, shard_name
from tests.compile.helpers import copy_workspace

WHO = Identity("Test Bot", "bot@example.test", 1_700_000_000)


def _parsed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The owners whose shards are parsed from now on (observed, not replaced)."""
    parsed: list[str] = []
    real = ManifestShards.entries

    def observed(self: ManifestShards, owner: str) -> dict[str, object]:
        if owner not in self._entries:
            parsed.append(owner)
        return real(self, owner)  # type: ignore[return-value]

    monkeypatch.setattr(ManifestShards, "entries", observed)
    return parsed


def _every_shard(out: Path, state: DeliveryState) -> dict[tuple[str, str], str]:
    """The contents planned with no owner record and no branch content: every shard."""
    shards = ManifestShards.load(out)
    assert shards is not None
    blank = dataclasses.replace(state, branches={}, owners={})
    return plan_branches(shards, blank).contents


def _edit(path: Path, change: Callable[[dict[str, object]], None]) -> None:
    doc = yaml.safe_load(path.read_text())
    change(doc)
    path.write_text(yaml.safe_dump(doc, sort_keys=False))


def _message(doc: dict[str, object]) -> None:
    text = yaml.safe_dump(doc).replace("Welcome to Acme", "Welcome back to Acme")
    doc.clear()
    doc.update(yaml.safe_load(text))


def _drop_application(doc: dict[str, object]) -> None:
    doc["spec"]["applications"].pop()  # type: ignore[index]


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    workspace = copy_workspace(tmp_path / "ws")
    assert not run_compile(workspace, out=workspace / "out").failing
    return workspace


def test_an_unchanged_delivery_parses_no_shard(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = workspace / "out"
    deliver(out, WHO)
    parsed = _parsed(monkeypatch)
    again = deliver(out, WHO)
    assert parsed == []
    assert again.count("unchanged") == len(again.branches)


@pytest.mark.parametrize(
    ("organization", "change", "owners"),
    [
        ("acme", _message, {"acme"}),
        ("initech", _drop_application, {"initech"}),
    ],
)
def test_a_changed_organization_parses_only_its_shard_and_plans_as_every_shard_does(
    workspace: Path,
    monkeypatch: pytest.MonkeyPatch,
    organization: str,
    change: Callable[[dict[str, object]], None],
    owners: set[str],
) -> None:
    out = workspace / "out"
    deliver(out, WHO)
    _edit(workspace / "organizations" / f"{organization}.yaml", change)
    assert not run_compile(workspace, out=out).failing
    state = DeliveryState.load(out / "git")
    shards = ManifestShards.load(out)
    assert shards is not None
    parsed = _parsed(monkeypatch)
    contents = plan_branches(shards, state).contents
    assert set(parsed) == owners
    assert contents == _every_shard(out, state)


def test_an_owner_leaving_a_branch_another_makes_up_changes_its_content(
    workspace: Path,
) -> None:
    """The fleet branch is every owner's: one Organization's files leaving it is a new
    fleet content, though every other owner's shard is as recorded."""
    out = workspace / "out"
    first = {(b.repo, b.branch): b.commit for b in deliver(out, WHO).branches}
    state = DeliveryState.load(out / "git")
    fleet = ("system/fleet", "main")
    makers = [o for o, r in state.owners.items() if fleet in r.parts]
    assert len(makers) > 1
    (workspace / "organizations" / "initech.yaml").unlink()
    assert not run_compile(workspace, out=out).failing
    shards = ManifestShards.load(out)
    assert shards is not None
    contents = plan_branches(shards, state).contents
    assert contents == _every_shard(out, state)
    assert contents[fleet] != state.branches["system/fleet main"]["content"]
    again = {(b.repo, b.branch): b for b in deliver(out, WHO).branches}
    assert again[fleet].status == "delivered" and again[fleet].commit != first[fleet]


def test_a_plan_from_every_shard_is_the_plan_of_the_whole_manifest(workspace: Path) -> None:
    out = workspace / "out"
    shards = ManifestShards.load(out)
    assert shards is not None
    branches = plan_branches(shards, DeliveryState(out / "git"))
    whole = plan({path: path for path in Manifest.load(out).files})
    assert sorted(branches.contents) == sorted(whole)
    for key, files in whole.items():
        assert branches.files(key) == files


def test_owner_records_of_another_version_or_malformed_are_none(workspace: Path) -> None:
    out = workspace / "out"
    deliver(out, WHO)
    state_file = out / "git" / ".blueprintc-delivered.json"
    data = json.loads(state_file.read_text())
    assert DeliveryState.load(out / "git").owners
    other = {**data, "owners": {**data["owners"], "version": "0.0.0-other"}}
    state_file.write_text(json.dumps(other))
    assert DeliveryState.load(out / "git").owners == {}
    shards = data["owners"]["shards"]
    damaged = {owner: {**record, "shard": 1} for owner, record in shards.items()}
    state_file.write_text(json.dumps({**data, "owners": {**data["owners"], "shards": damaged}}))
    assert DeliveryState.load(out / "git").owners == {}
    no_branch = {owner: {**r, "parts": {"no-branch": "x"}} for owner, r in shards.items()}
    state_file.write_text(json.dumps({**data, "owners": {**data["owners"], "shards": no_branch}}))
    assert DeliveryState.load(out / "git").owners == {}
    assert DeliveryState.load(out / "git").branches  # the branch records are kept


def test_a_damaged_shard_of_a_changed_owner_is_refused_with_the_fix(workspace: Path) -> None:
    out = workspace / "out"
    deliver(out, WHO)
    shard = out / ".blueprintc" / shard_name("acme")
    shard.write_text("{not json")
    with pytest.raises(BuildError, match=r"not a manifest shard: run `blueprintc compile`"):
        deliver(out, WHO)


def test_a_promotion_reads_one_branch_from_its_organizations_shard_alone(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = workspace / "out"
    prefix = "repos/acme/shop/staging/"
    whole = {p for p in Manifest.load(out).files if p.startswith(prefix)}
    parsed = _parsed(monkeypatch)
    files = compiled_branch(out, prefix, "promote again")
    assert parsed == ["acme"]
    assert {prefix + p for p in files} == whole and whole
    (out / prefix / "stray.yaml").write_text("kind: Secret\n")
    with pytest.raises(BuildError, match=r"stray\.yaml was not written by compile"):
        compiled_branch(out, prefix, "promote again")
