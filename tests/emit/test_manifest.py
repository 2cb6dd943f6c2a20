"""The manifest is sharded by top-level owner: a change to one owner rewrites its shard
and the index, and leaves every other shard as it was."""

from __future__ import annotations

import json
import os
from pathlib import Path

from blueprintc.emit import OutputFile, emit
from blueprintc.emit.manifest import Entry, Manifest, ManifestIndex, shard_bytes, shard_name


def _files(version: str = "v1") -> list[OutputFile]:
    files = []
    for owner in ("acme", "globex", "@sovereign"):
        for i in range(3):
            value = version if owner == "acme" and i == 1 else "v1"
            files.append(
                OutputFile(f"{owner}/f{i}.yaml", ({"v": value},), f"in-{value}", f"{owner}/app")
            )
    return files


def test_one_owner_change_rewrites_only_its_shard_and_the_index(tmp_path: Path) -> None:
    out = tmp_path / "out"
    emit(_files(), out)
    state = out / ".blueprintc"
    shards = {owner: state / shard_name(owner) for owner in ("acme", "globex", "@sovereign")}
    before = {owner: os.lstat(path) for owner, path in shards.items()}
    report = emit(_files("v2"), out)
    assert report.strategy == "in-place" and report.written == ("acme/f1.yaml",)
    after = {owner: os.lstat(path) for owner, path in shards.items()}
    assert after["acme"].st_ino != before["acme"].st_ino
    for owner in ("globex", "@sovereign"):
        assert (after[owner].st_ino, after[owner].st_mtime_ns) == (
            before[owner].st_ino,
            before[owner].st_mtime_ns,
        )
    index = ManifestIndex.load(out)
    assert index is not None
    assert index.owners == {"acme": None, "globex": "in-v1", "@sovereign": "in-v1"}
    manifest = Manifest.load(out)
    assert manifest.files["acme/f1.yaml"].inputs == "in-v2"
    assert set(Manifest.load(out, ["globex"]).files) == {f"globex/f{i}.yaml" for i in range(3)}


def test_an_owner_gone_loses_its_shard(tmp_path: Path) -> None:
    out = tmp_path / "out"
    emit(_files(), out)
    emit([f for f in _files() if not f.path.startswith("globex/")], out)
    assert not (out / ".blueprintc" / shard_name("globex")).exists()
    index = ManifestIndex.load(out)
    assert index is not None and set(index.owners) == {"acme", "@sovereign"}


def test_a_missing_shard_costs_speed_not_correctness(tmp_path: Path) -> None:
    out = tmp_path / "out"
    emit(_files(), out)
    (out / ".blueprintc" / shard_name("acme")).unlink()
    assert Manifest.load(out).files == {}
    report = emit(_files("v2"), out)
    assert report.written == ("acme/f1.yaml",)
    assert (out / "acme/f1.yaml").read_text() == "v: v2\n"


def test_a_shard_is_what_json_dumps_writes_row_by_row() -> None:
    """shard_bytes quotes strings itself; the bytes stay those of `json.dumps` (the
    format shards have always had), for awkward text too."""
    odd = ["plain", 'quo"te', "back\\slash", "tab\there", "new\nline", "ünï", "emoji 🎉", "\x00"]
    files = {
        f"dir/{text}.yaml": Entry(f"in {text}", f"sha {text}", f"owner {text}") for text in odd
    }
    rows = ",\n".join(
        f"  {json.dumps(path)}: "
        + json.dumps({"inputs": e.inputs, "owner": e.owner, "sha256": e.sha256})
        for path, e in sorted(files.items())
    )
    expected = f'{{\n "files": {{\n{rows}\n }},\n "version": 1\n}}\n'
    written = shard_bytes(files).decode()
    assert written == expected.replace(
        '"version": 1', f'"version": {json.loads(written)["version"]}'
    )
    assert json.loads(written)["files"]['dir/quo"te.yaml']["owner"] == 'owner quo"te'
    assert shard_bytes({}) == shard_bytes({}) and json.loads(shard_bytes({}))["files"] == {}
