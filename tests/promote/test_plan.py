"""The promotion plan in the pull request body: objects, values and where they were set."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from syrupy.assertion import SnapshotAssertion
from syrupy.extensions.single_file import SingleFileSnapshotExtension, WriteMode

from blueprintc.compile.planner import compile_workspace
from blueprintc.compile.run import run_compile
from blueprintc.promote.gates import GatePolicy, Promotion, Review, evaluate
from blueprintc.promote.plan import plan_promotion, render_plan, where_in
from tests.compile.helpers import copy_workspace, tree_files


class MarkdownSnapshot(SingleFileSnapshotExtension):
    _write_mode = WriteMode.TEXT
    file_extension = "md"


def _branch(root: Path, org: str, app: str, branch: str) -> dict[str, bytes]:
    outcome = run_compile(root)
    assert outcome.diagnostics == []
    return tree_files(root / "out" / "repos" / org / app / branch)


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), "utf-8")


def test_an_unchanged_branch_has_an_empty_plan(tmp_path: Path) -> None:
    root = copy_workspace(tmp_path / "ws")
    files = _branch(root, "acme", "shop", "staging")
    plan = plan_promotion(files, files)
    assert plan.empty and plan.values == ()
    assert (plan.blueprint, plan.version_from, plan.version_to) == ("bp-webapp", "1.4.2", "1.4.2")


def test_objects_added_changed_and_removed() -> None:
    before = {
        "a.yaml": b"kind: ConfigMap\nmetadata: {name: a, namespace: x}\ndata: {k: v}\n",
        "b.yaml": b"kind: Secret\nmetadata: {name: b}\n",
    }
    after = {
        "a.yaml": b"kind: ConfigMap\nmetadata: {name: a, namespace: x}\ndata: {k: w}\n",
        "c/kustomization.yaml": b"kind: Kustomization\nresources: [../a.yaml]\n",
    }
    plan = plan_promotion(before, after)
    assert [(o.change, o.object, o.path) for o in plan.objects] == [
        ("changed", "ConfigMap x/a", "a.yaml"),
        ("added", "Kustomization (c/kustomization.yaml)", "c/kustomization.yaml"),
        ("removed", "Secret b", "b.yaml"),
    ]


def test_the_plan_digest_changes_with_the_plan() -> None:
    one = plan_promotion({}, {"a.yaml": b"kind: A\nmetadata: {name: a}\n"})
    two = plan_promotion({}, {"a.yaml": b"kind: A\nmetadata: {name: b}\n"})
    assert one.digest() != two.digest()
    assert (
        one.digest() == plan_promotion({}, {"a.yaml": b"kind: A\nmetadata: {name: a}\n"}).digest()
    )


def test_pull_request_body_of_a_config_promotion(
    tmp_path: Path, snapshot: SnapshotAssertion
) -> None:
    """acme/shop into staging after its config changed: the golden PR body."""
    root = copy_workspace(tmp_path / "ws")
    before = _branch(root, "acme", "shop", "staging")
    acme = root / "organizations/acme.yaml"
    _edit(
        acme,
        "replicaCount: 3\n          ui:\n            message: Welcome to Acme",
        "replicaCount: 4\n          ui:\n            message: Hello from Acme",
    )
    after = _branch(root, "acme", "shop", "staging")
    result = compile_workspace(root)
    app = result.apps["acme/shop/stg"]
    assert app.values is not None
    plan = plan_promotion(before, after, (), where_in({"shop": app.values}))
    assert {(v.key, v.old, v.new) for v in plan.values} == {
        ("webapp.replicaCount", 3, 4),
        ("webapp.ui.message", "Welcome to Acme", "Hello from Acme"),
    }
    assert all(
        v.where and v.where.startswith("Application config at organizations/acme.yaml:")
        for v in plan.values
    )
    now = dt.datetime(2026, 12, 3, 6, 0, tzinfo=dt.UTC)
    policy = GatePolicy.from_spec(
        {
            "environment": "acme-stg",
            "promotesFrom": "dev",
            "requiredApprovers": 1,
            "soakDuration": "4h",
        }
    )
    promotion = Promotion(
        source_env="dev",
        author="dev1",
        head_sha="a" * 40,
        source_commit="c" * 40,
        source_landed_at=now - dt.timedelta(hours=5),
        reviews=(Review("alice", "APPROVED", "a" * 40, now),),
    )
    body = render_plan("Promote acme/shop: dev → stg", plan, evaluate(policy, promotion, now))
    assert body == snapshot(extension_class=MarkdownSnapshot)


def test_dependents_are_listed() -> None:
    plan = plan_promotion({}, {}, ("acme/blog", "acme/shop"))
    body = render_plan("Promote acme/db: stg → prod", plan)
    assert "### Applications that depend on this one\n\n- acme/blog\n- acme/shop\n" in body
    assert "### Gates" not in body


def test_a_file_that_is_not_yaml_is_a_changed_file_not_a_traceback() -> None:
    """The branch on the server, which a pull request's plan starts from, may hold what
    compile never writes."""
    before = {"base/broken.yaml": b"key: [unclosed\n", "base/ok.yaml": b"kind: A\n"}
    after = {"base/broken.yaml": b"kind: A\nmetadata: {name: a}\n", "base/ok.yaml": b"kind: A\n"}
    plan = plan_promotion(before, after)
    assert [(o.change, o.object) for o in plan.objects] == [
        ("added", "A a"),
        ("removed", "file (base/broken.yaml)"),
    ]
