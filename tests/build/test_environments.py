"""`publish --environments`: each compiled Environment tree of out/ as a signed Flux artifact.

The reference workspace is compiled for real; artifacts go to the embedded
layout and to a real registry (the ``target`` fixture runs both).
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from blueprintc.build import BuildError, Signer, State, Target, open_target, verify_reference
from blueprintc.build.environments import (
    EnvironmentResult,
    environment_trees,
    publish_environments,
    staged,
)
from blueprintc.cli import cli
from blueprintc.compile.run import run_compile
from blueprintc.emit import OutputFile, emit
from blueprintc.oci import RegistryStore, flux_artifact, safe_extract
from blueprintc.oci.artifacts import FLUX_CONFIG_MEDIA_TYPE, FLUX_CONTENT_MEDIA_TYPE
from blueprintc.oci.content import ANNOTATION_REVISION, ANNOTATION_SOURCE, sha256_digest
from blueprintc.oci.tarball import tar_bytes, tree_entries
from blueprintc.signing import signature_tag
from tests.oci.registry_fixture import RegistryServer

from .conftest import PASSWORD, REPO_ROOT

BASE = "https://git.example.invalid"
NAMES = [
    "acme-dev",
    "acme-prod",
    "acme-stg",
    "globex-dev",
    "globex-prod",
    "globex-uat",
    "initech-poc",
    "initech-stg",
]


def _copy_workspace(dest: Path) -> Path:
    """The reference workspace (what compile reads) copied to ``dest``."""
    dest.mkdir(parents=True)
    for name in ("blueprintc.yaml", "sovereign.yaml"):
        shutil.copy2(REPO_ROOT / name, dest / name)
    for name in ("organizations", "overlays", "blueprints", "upstream-charts", "schemas"):
        shutil.copytree(REPO_ROOT / name, dest / name, symlinks=True)
    return dest


def _compile(root: Path, out: Path) -> Path:
    outcome = run_compile(root, out=out)
    assert not outcome.diagnostics, outcome.diagnostics
    return out


@pytest.fixture(scope="module")
def compiled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _compile(REPO_ROOT, tmp_path_factory.mktemp("compiled") / "out")


def _publish(out: Path, target: Target, signer: Signer | None) -> dict[str, EnvironmentResult]:
    results = publish_environments(out, target, signer, source_base=BASE + "/")
    return {r.environment: r for r in results}


def _tags(target: Target) -> dict[str, dict[str, str | None]]:
    """Every tag of every environments/ repository and the digest it names."""
    store = target.store
    repos = [target.repo(f"environments/{name}") for name in NAMES]
    return {repo: {tag: store.resolve(repo, tag) for tag in store.tags(repo)} for repo in repos}


def _layout_bytes(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def _reference(target: Target, repo: str, tag: str) -> str:
    if isinstance(target.store, RegistryStore):
        return target.reference(repo, tag)
    return f"{repo}:{tag}"


# -- the trees ----------------------------------------------------------------------------


def test_trees_partition_the_compiled_repos_and_vclusters(compiled: Path) -> None:
    trees = environment_trees(compiled)
    assert [t.name for t in trees] == NAMES
    assert environment_trees(compiled) == trees  # deterministic
    acme_dev = trees[0]
    assert acme_dev.branch == "develop"
    roots = {"/".join(f.split("/")[: 4 if f.startswith("repos/") else 2]) for f in acme_dev.files}
    assert roots == {
        "repos/acme/shop/develop",
        "repos/acme/wiki/develop",
        "vclusters/hz-nbg-rtz-dev-acme",
        "vclusters/oci-fra-rtz-dev-acme",
    }
    initech_stg = trees[NAMES.index("initech-stg")]
    assert initech_stg.branch == trees[NAMES.index("acme-stg")].branch == "staging"
    repos = {tuple(f.split("/")[1:4]) for f in initech_stg.files if f.startswith("repos/")}
    assert repos == {("initech", "landing", "staging"), ("initech", "portal", "staging")}

    every = [f for t in trees for f in t.files]
    on_disk = sorted(
        p.relative_to(compiled).as_posix()
        for top in ("repos", "vclusters")
        for p in (compiled / top).rglob("*")
        if p.is_file()
    )
    assert sorted(every) == on_disk  # each file in exactly one tree, nothing else
    assert all(t.files == sorted(t.files) for t in trees)


def _emitted(out: Path, name: str) -> Path:
    """A tiny compiled tree, written by emit (so its manifest records it)."""
    env = {
        "kind": "Environment",
        "metadata": {"name": name},
        "spec": {"organization": "o", "branch": "b"},
    }
    files = [
        OutputFile("system/catalyst-config/environments/o-dev.yaml", (env,), name, "o"),
        OutputFile("repos/o/app/b/base/cm.yaml", ({"kind": "ConfigMap"},), "i", "o"),
    ]
    emit(files, out)
    return out


def test_bad_environments_are_refused(tmp_path: Path) -> None:
    out = _emitted(tmp_path / "out", "../evil")
    with pytest.raises(BuildError, match=re.escape("metadata.name '../evil' is not a valid name")):
        environment_trees(out)

    out = _emitted(tmp_path / "out", "o-dev")
    assert [t.files for t in environment_trees(out)] == [["repos/o/app/b/base/cm.yaml"]]
    (out / "repos/o/app/b/link.yaml").symlink_to("/etc/passwd")
    with pytest.raises(BuildError, match="not a regular file compile wrote"):
        environment_trees(out)
    with pytest.raises(BuildError, match="does not exist: run"):
        environment_trees(tmp_path / "elsewhere")
    (tmp_path / "plain").mkdir()
    with pytest.raises(BuildError, match="no compile manifest"):
        environment_trees(tmp_path / "plain")


def test_trees_hold_exactly_what_the_manifest_lists(tmp_path: Path) -> None:
    out = _emitted(tmp_path / "out", "o-dev")
    (out / "repos/o/app/b/base/stray.yaml").write_text("kind: Secret\n")
    with pytest.raises(BuildError, match=r"stray\.yaml was not written by compile"):
        environment_trees(out)
    (out / "repos/o/app/b/base/stray.yaml").unlink()
    (out / "repos/o/app/b/base/cm.yaml").write_text("kind: Secret\n")
    with pytest.raises(BuildError, match=r"cm\.yaml is not what compile wrote"):
        environment_trees(out)


# -- publishing ---------------------------------------------------------------------------


def test_publish_pull_verify_and_republish(
    compiled: Path,
    target: Target,
    signer: Signer,
    key_files: tuple[Path, Path],
    tmp_path: Path,
) -> None:
    trees = {t.name: t for t in environment_trees(compiled)}
    results = _publish(compiled, target, signer)
    assert sorted(results) == NAMES
    store = target.store
    for name, result in results.items():
        tree = trees[name]
        assert result.state is State.PUSHED and result.newly_signed and result.branch_moved
        assert result.tags == (f"rev-{result.tree_digest[len('sha256:') :][:12]}", tree.branch)
        assert result.repo == target.repo(f"environments/{name}")
        for tag in result.tags:
            assert store.resolve(result.repo, tag) == result.digest

        manifest = store.get_manifest(result.repo, tree.branch).json()
        assert manifest["config"]["mediaType"] == FLUX_CONFIG_MEDIA_TYPE
        (layer,) = manifest["layers"]
        assert layer["mediaType"] == FLUX_CONTENT_MEDIA_TYPE
        assert manifest["annotations"] == {
            ANNOTATION_SOURCE: f"{BASE}/{tree.organization}",
            ANNOTATION_REVISION: f"{tree.branch}@{result.tree_digest}",
        }
        config = json.loads(store.get_blob(result.repo, manifest["config"]["digest"]))
        assert config["rootfs"]["diff_ids"] == [result.tree_digest]

        pulled = tmp_path / "pulled" / name
        names = safe_extract(store.get_blob(result.repo, layer["digest"]), pulled)
        assert sorted(names) == tree.files
        for rel in tree.files:
            assert (pulled / rel).read_bytes() == (compiled / rel).read_bytes()

        # One signature (cosign signs the digest) covers both tags.
        sig = store.get_manifest(result.repo, signature_tag(result.digest)).json()
        assert len(sig["layers"]) == 1
        for tag in result.tags:
            verified = verify_reference(
                _reference(target, result.repo, tag),
                key_files[1],
                layout=None if isinstance(store, RegistryStore) else Path(target.display),
                require_sbom=False,
            )
            assert verified.ok, verified.checks
            assert verified.digest == result.digest

    before = _tags(target)
    layout = None if isinstance(store, RegistryStore) else Path(target.display)
    files_before = _layout_bytes(layout) if layout else {}
    again = _publish(compiled, target, signer)
    for name, result in again.items():
        assert result.state is State.UNCHANGED, result
        assert result.digest == results[name].digest
        assert not result.newly_signed and not result.branch_moved
    assert _tags(target) == before
    if layout:
        assert _layout_bytes(layout) == files_before  # not one byte written


def test_changing_one_organization_changes_only_its_environments(
    tmp_path: Path, target: Target, signer: Signer
) -> None:
    ws = _copy_workspace(tmp_path / "ws")
    out = _compile(ws, tmp_path / "ws/out")
    first = _publish(out, target, signer)

    acme = ws / "organizations/acme.yaml"
    text = acme.read_text()
    assert text.count("replicaCount: 1\n") == 1  # the dev override of shop
    acme.write_text(text.replace("replicaCount: 1\n", "replicaCount: 2\n"))
    _compile(ws, out)
    second = _publish(out, target, signer)

    changed = sorted(n for n in NAMES if second[n].digest != first[n].digest)
    assert changed == ["acme-dev"]
    moved, old = second["acme-dev"], first["acme-dev"]
    assert moved.state is State.PUSHED and moved.branch_moved and moved.tag != old.tag
    store = target.store
    assert store.resolve(moved.repo, "develop") == moved.digest
    assert store.resolve(old.repo, old.tag) == old.digest  # rev- tags are history
    for name in NAMES[1:]:
        assert second[name].state is State.UNCHANGED and not second[name].branch_moved


@pytest.fixture
def layout_target(tmp_path: Path) -> Iterator[Target]:
    yield open_target(None, layout=tmp_path / "oci")


def test_same_tree_with_other_annotations_keeps_the_published_artifact(
    compiled: Path, layout_target: Target, signer: Signer, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = _publish(compiled, layout_target, signer)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # would add a created annotation
    again = _publish(compiled, layout_target, signer)
    for name in NAMES:
        assert again[name].state is State.UNCHANGED
        assert again[name].digest == first[name].digest
        assert "already published" in again[name].message


def test_a_rev_tag_holding_another_tree_is_refused(
    compiled: Path, layout_target: Target, signer: Signer, tmp_path: Path
) -> None:
    tree = environment_trees(compiled)[0]
    with staged(tree) as directory:
        digest = sha256_digest(tar_bytes(tree_entries(directory)))
    (tmp_path / "other").mkdir()
    (tmp_path / "other/x.yaml").write_text("kind: ConfigMap\n")
    impostor = flux_artifact(tmp_path / "other", source=BASE, revision="develop@sha256:0")
    repo = layout_target.repo(f"environments/{tree.name}")
    rev = f"rev-{digest[len('sha256:') :][:12]}"
    impostor.push(layout_target.store, repo, rev)

    results = _publish(compiled, layout_target, signer)
    refused = results[tree.name]
    assert refused.state is State.REFUSED and not refused.ok
    assert "holds revision 'develop@sha256:0'" in refused.message
    assert layout_target.store.resolve(repo, tree.branch) is None  # the branch did not move
    assert all(results[n].ok for n in NAMES[1:])


# -- the command line ---------------------------------------------------------------------


def _run(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def test_cli_publishes_environments_and_verify_accepts_them(
    compiled: Path,
    tmp_path: Path,
    key_files: tuple[Path, Path],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(REPO_ROOT)  # the Sovereign's git.baseUrl is the default source
    monkeypatch.setenv("COSIGN_PASSWORD", PASSWORD)
    key, pub = key_files
    layout = tmp_path / "oci"
    args = ("publish", "--environments", "--out", compiled, "--layout", layout, "--key", key)
    first = _run(*args)
    assert first.exit_code == 0, first.output
    lines = first.output.splitlines()
    assert len(lines) == len(NAMES)
    assert lines[0].startswith("acme-dev environments/acme-dev@sha256:")
    assert lines[0].endswith(", develop (pushed, develop updated) signed")
    assert PASSWORD not in first.output

    manifest = open_target(None, layout=layout).store.get_manifest(
        "environments/acme-dev", "develop"
    )
    source = manifest.json()["annotations"][ANNOTATION_SOURCE]
    assert source == "https://gitea.hfmp.t38.omani.works/acme"

    again = _run(*args, "--format", "json")
    assert again.exit_code == 0, again.output
    document = json.loads(again.output)
    assert (document["formatVersion"], document["kind"]) == (1, "publish-environments")
    doc = document["environments"]
    assert [d["state"] for d in doc] == ["unchanged"] * len(NAMES)
    assert doc[0]["tags"][1] == "develop" and not doc[0]["newlySigned"]

    verified = _run(
        "verify", "environments/acme-dev:develop", "--layout", layout, "--key", pub, "--no-sbom"
    )
    assert verified.exit_code == 0, verified.output

    monkeypatch.delenv("COSIGN_PASSWORD")
    unsigned = _run("publish", "--environments", "--out", compiled, "--layout", tmp_path / "u")
    assert unsigned.exit_code == 0 and "unsigned (pass --key to sign)" in unsigned.output


def test_cli_to_a_registry_with_a_given_source(
    compiled: Path, registry: RegistryServer, prefix: str
) -> None:
    host = registry.host
    out = _run(
        "publish", "--environments", "--out", compiled,
        "--registry", f"oci://{host}/{prefix}", "--source", "https://git.example.invalid/x",
    )  # fmt: skip
    assert out.exit_code == 0, out.output
    assert f"globex-uat oci://{host}/{prefix}/environments/globex-uat@sha256:" in out.output
    store = RegistryStore(host)
    notes = store.get_manifest(f"{prefix}/environments/globex-uat", "uat").json()["annotations"]
    assert notes[ANNOTATION_SOURCE] == "https://git.example.invalid/x/globex"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "exactly one"),
        (("--environments", "blueprints/webapp"), "exactly one"),
        (("blueprints/webapp", "--source", "https://x.invalid"), "only applies with"),
    ],
)
def test_cli_usage_errors(args: tuple[str, ...], message: str) -> None:
    result = _run("publish", *args)
    assert result.exit_code == 2 and message in result.output


def test_cli_without_a_compiled_tree(tmp_path: Path) -> None:
    result = _run("publish", "--environments", "--out", tmp_path, "--source", BASE)
    assert result.exit_code == 2
    assert "run `blueprintc compile` first" in result.output
    assert not os.listdir(tmp_path)
