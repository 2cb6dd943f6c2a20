"""`compile --shard K/N`: the union of the N shard trees is the single-machine compile,
byte for byte; shard 1 alone holds the Sovereign-wide part; adding an Organization
moves no other one; the matrix has the shape `changed` prints."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmarks.compile.generate import generate, organization, write_organization
from blueprintc.compile.planner import CATALYST_CONFIG
from blueprintc.compile.run import run_compile
from blueprintc.compile.shard import Shard, ShardSyntaxError, shard_of
from tests.hostile.harness import run_cli

from .helpers import tree_files

ORGANIZATIONS = 8


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("sharded") / "ws"
    generate(root, ORGANIZATIONS)
    return root


@pytest.fixture(scope="module")
def whole(workspace: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    out = tmp_path_factory.mktemp("whole") / "out"
    outcome = run_compile(workspace, out=out)
    assert not outcome.failing and outcome.report is not None
    return tree_files(out)


def compile_shard(workspace: Path, out: Path, shard: Shard) -> dict[str, bytes]:
    outcome = run_compile(workspace, out=out, shard=shard)
    assert [str(d) for d in outcome.failing] == []
    return tree_files(out)


@pytest.mark.parametrize("count", [1, 2, 3, 7])
def test_the_union_of_the_shards_is_the_whole_compile(
    workspace: Path, whole: dict[str, bytes], tmp_path: Path, count: int
) -> None:
    union: dict[str, bytes] = {}
    for index in range(1, count + 1):
        files = compile_shard(workspace, tmp_path / f"shard-{index}", Shard(index, count))
        overlap = union.keys() & files.keys()
        assert not overlap, f"shard {index}/{count} repeats {sorted(overlap)[:3]}"
        union.update(files)
        kit = [p for p in files if p.startswith("clusters/")]
        assert bool(kit) == (index == 1), "the bootstrap kit is shard 1's alone"
        assert (f"{CATALYST_CONFIG}/kustomization.yaml" in files) == (index == 1)
    assert union.keys() == whole.keys()
    assert [p for p in sorted(whole) if union[p] != whole[p]] == []


def test_every_organization_lands_in_the_shard_its_name_hashes_to(
    workspace: Path, tmp_path: Path
) -> None:
    shard = Shard(2, 3)
    files = compile_shard(workspace, tmp_path / "out", shard)
    mine = {f"org-{i:04d}" for i in range(1, ORGANIZATIONS + 1) if shard.owns(f"org-{i:04d}")}
    assert mine, "the generated workspace has an Organization in shard 2/3"
    planned = {p.split("/")[1] for p in files if p.startswith("repos/")}
    assert planned == mine


def test_a_shard_recompiled_with_nothing_changed_is_sealed(workspace: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    compile_shard(workspace, out, Shard(1, 2))
    again = run_compile(workspace, out=out, shard=Shard(1, 2))
    assert again.sealed
    other = run_compile(workspace, out=out, shard=Shard(2, 2))  # another share: re-planned
    assert not other.sealed and other.report is not None
    assert tree_files(out) == compile_shard(workspace, tmp_path / "fresh", Shard(2, 2))


def test_adding_an_organization_changes_no_other_shard(tmp_path: Path) -> None:
    """Shares come from each name's hash, not a position in a list: a new Organization
    adds its own files to its shard (and its resources to shard 1's index), nothing
    else moves."""
    copy = tmp_path / "ws"
    generate(copy, 6)
    newcomer = organization(7)
    name = newcomer["metadata"]["name"]
    count = 3
    untouched = [k for k in range(2, count + 1) if k != shard_of(name, count)]
    before = {k: compile_shard(copy, tmp_path / f"before-{k}", Shard(k, count)) for k in untouched}
    write_organization(copy / "organizations", newcomer)
    for k in untouched:
        assert compile_shard(copy, tmp_path / f"after-{k}", Shard(k, count)) == before[k]


def test_shares_are_spread() -> None:
    names = [f"org-{i:04d}" for i in range(1, 1001)]
    for count in (2, 3, 7):
        sizes = [sum(1 for n in names if shard_of(n, count) == k) for k in range(1, count + 1)]
        assert min(sizes) > 0.8 * len(names) / count, sizes


def test_a_slug_defined_twice_is_caught_by_shard_one_whichever_shards_hold_the_files(
    workspace: Path, tmp_path: Path
) -> None:
    copy = tmp_path / "ws"
    generate(copy, 3)
    folder = copy / "organizations"
    (folder / "org-0001.yaml").rename(folder / "zz-twin.yaml")
    write_organization(folder, organization(1))
    first = run_compile(copy, out=tmp_path / "out", shard=Shard(1, 2))
    assert [d.rule for d in first.failing] == ["BPP013"]


@pytest.mark.parametrize("text", ["0/2", "3/2", "2", "a/b", "1/0", "1/257", " "])
def test_a_bad_shard_is_refused(text: str) -> None:
    with pytest.raises(ShardSyntaxError):
        Shard.parse(text)


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("0/3", "'0/3': shards are numbered from 1: the first of 3 is 1/3"),
        ("00/3", "'00/3': shards are numbered from 1: the first of 3 is 1/3"),
        ("1/0", "'1/0': N counts the shards, at least 1 (for example 1/4)"),
    ],
)
def test_a_shard_numbered_from_0_is_told_they_start_at_1(text: str, said: str) -> None:
    with pytest.raises(ShardSyntaxError) as refused:
        Shard.parse(text)
    assert str(refused.value) == said


def test_the_cli_compiles_a_shard_and_prints_the_matrix(workspace: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    done = run_cli("compile", workspace, "-o", out, "--shard", "2/2", cwd=tmp_path)
    assert done.code == 0, done.output
    assert "(shard 2/2)" in done.stdout
    assert not (out / "clusters").exists()

    matrix = run_cli("compile", "--shards", "3", "--format", "github-matrix", cwd=tmp_path)
    assert matrix.code == 0, matrix.output
    assert json.loads(matrix.stdout) == {
        "include": [
            {"shard": "1/3", "name": "shard-1-of-3"},
            {"shard": "2/3", "name": "shard-2-of-3"},
            {"shard": "3/3", "name": "shard-3-of-3"},
        ]
    }

    bad = run_cli("compile", workspace, "--shard", "4/3", cwd=tmp_path)
    assert bad.code == 2
    assert "--shard" in bad.stderr and "4/3" in bad.stderr and "Traceback" not in bad.output
    alone = run_cli("compile", "--shards", "3", cwd=tmp_path)
    assert alone.code == 2 and "--format github-matrix" in alone.stderr
