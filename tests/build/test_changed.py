"""`blueprintc changed` on a real git history with a dependency chain."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import git
import pytest
from click.testing import CliRunner

from blueprintc.build import BuildError, changed_blueprints
from blueprintc.cli import cli

from .conftest import make_workspace

# bp-cert-manager <- bp-cluster-issuers <- bp-webapp, bp-wiki
# bp-cert-manager <- bp-postgres <- bp-wiki (an object-form `depends` entry)
CATALOG = ("cert-manager", "cluster-issuers", "webapp", "wiki", "postgres", "org-defaults")


def _committed(root: Path) -> git.Repo:
    """A git repository of everything under `root`, in one commit."""
    repo = git.Repo.init(root)
    with repo.config_writer() as config:
        config.set_value("user", "name", "blueprintc tests")
        config.set_value("user", "email", "tests@example.invalid")
    repo.git.add("--all")
    repo.index.commit("catalog")
    return repo


@pytest.fixture
def repo(tmp_path: Path) -> git.Repo:
    repo = _committed(make_workspace(tmp_path / "ws", *CATALOG))
    repo.create_tag("v1")
    return repo


def _commit(repo: git.Repo, rel: str, extra: str) -> None:
    path = Path(str(repo.working_tree_dir)) / rel
    path.write_text(path.read_text() + extra)
    repo.index.add([rel])
    repo.index.commit(f"change {rel}")


def _names(root: Path, since: str) -> list[tuple[str, str]]:
    return [(b.name, b.reason) for b in changed_blueprints(root, since).blueprints]


def test_a_change_to_a_base_blueprint_lists_its_dependents(repo: git.Repo) -> None:
    root = Path(str(repo.working_tree_dir))
    assert _names(root, "v1") == []
    _commit(repo, "blueprints/cert-manager/chart/values.yaml", "# tuned\n")
    assert _names(root, "v1") == [
        ("bp-cert-manager", "changed"),
        ("bp-cluster-issuers", "depends on bp-cert-manager"),
        ("bp-postgres", "depends on bp-cert-manager"),
        ("bp-webapp", "depends on bp-cluster-issuers"),
        ("bp-wiki", "depends on bp-cluster-issuers"),
    ]
    assert _names(root, "HEAD") == []


def test_object_form_depends_and_upstream_sources_and_working_tree(repo: git.Repo) -> None:
    root = Path(str(repo.working_tree_dir))
    _commit(repo, "blueprints/postgres/README.md", "More.\n")  # wiki depends on it as an object
    assert _names(root, "v1") == [("bp-postgres", "changed"), ("bp-wiki", "depends on bp-postgres")]
    # An edit to a vendored upstream chart source, not yet committed, counts too.
    values = root / "upstream-charts/webapp/values.yaml"
    values.write_text(values.read_text() + "# local edit\n")
    assert ("bp-webapp", "changed") in _names(root, "HEAD")
    (root / "blueprints/org-defaults/manifests/extra.yaml").write_text("kind: ConfigMap\n")
    assert _names(root, "HEAD") == [("bp-org-defaults", "changed"), ("bp-webapp", "changed")]


def test_cli_text_and_github_matrix(repo: git.Repo, monkeypatch: pytest.MonkeyPatch) -> None:
    root = Path(str(repo.working_tree_dir))
    _commit(repo, "blueprints/cluster-issuers/chart/values.yaml", "# tuned\n")
    monkeypatch.chdir(root)
    runner = CliRunner()
    unbumped = runner.invoke(cli, ["changed", "--since", "v1"])
    assert unbumped.exit_code == 1 and "BPS007" in unbumped.output  # the chart needs 1.0.2
    bumped = [
        "blueprints/cluster-issuers/blueprint.yaml",
        "blueprints/cluster-issuers/chart/Chart.yaml",
    ]
    for rel in bumped:
        path = root / rel
        path.write_text(path.read_text().replace("version: 1.0.1", "version: 1.0.2", 1))
    repo.index.add(bumped)
    repo.index.commit("bump bp-cluster-issuers")
    text = runner.invoke(cli, ["changed", "--since", "v1"])
    assert text.exit_code == 0, text.output
    assert text.output.splitlines() == [
        "bp-cluster-issuers\tblueprints/cluster-issuers\tchanged",
        "bp-webapp\tblueprints/webapp\tdepends on bp-cluster-issuers",
        "bp-wiki\tblueprints/wiki\tdepends on bp-cluster-issuers",
    ]
    matrix = runner.invoke(cli, ["changed", "--since", "v1", "--format", "github-matrix"])
    assert matrix.exit_code == 0, matrix.output
    assert json.loads(matrix.output) == {
        "include": [
            {"blueprint": "bp-cluster-issuers", "path": "blueprints/cluster-issuers"},
            {"blueprint": "bp-webapp", "path": "blueprints/webapp"},
            {"blueprint": "bp-wiki", "path": "blueprints/wiki"},
        ]
    }
    empty = runner.invoke(cli, ["changed", "--since", "HEAD", "--format", "github-matrix"])
    assert json.loads(empty.output) == {"include": []}
    bad = runner.invoke(cli, ["changed", "--since", "no-such-ref"])
    assert bad.exit_code == 2 and "unknown git ref 'no-such-ref'" in bad.output


def test_not_a_git_repository(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path / "plain", "webapp")
    with pytest.raises(BuildError, match="not inside a git repository"):
        changed_blueprints(ws, "HEAD")


def test_two_blueprints_of_one_name_do_not_stop_changed(repo: git.Repo) -> None:
    """A copied Blueprint keeps its name (lint reports the clash): changed still lists."""
    root = Path(str(repo.working_tree_dir))
    shutil.copytree(root / "blueprints" / "webapp", root / "blueprints" / "webapp-copy")
    names = _names(root, "v1")
    assert ("bp-webapp", "changed") in names


def test_a_repository_without_a_workspace_file_lists_the_blueprints_below_it(
    tmp_path: Path,
) -> None:
    """The real platform repository's layout: no blueprintc.yaml, and the Blueprints in
    `platform/<name>/`, not `blueprints/`. `lint .` walks the tree; so does `--since`."""
    from tests.cli.helpers import blueprint_files
    from tests.hostile.harness import run_cli

    for rel, text in blueprint_files("db").items():
        path = tmp_path / rel.replace("blueprints/", "platform/", 1)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    _committed(tmp_path)
    values = tmp_path / "platform/db/chart/values.yaml"
    values.write_text("replicas: 2\n")
    assert _names(tmp_path, "HEAD") == [("bp-db", "changed")]
    run = run_cli("lint", "--since", "HEAD", ".", cwd=tmp_path)
    assert run.code == 1, run
    assert "platform/db/blueprint.yaml:6:12: error BPS007 [version-bump]" in run.stdout
