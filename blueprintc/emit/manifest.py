"""The manifest: what each emitted file was made from, and the sha256 of its bytes.

It is sharded by top-level owner (an Organization, the Sovereign, the index; an
owner ``acme/shop`` belongs to ``acme``), so that a change to one owner rewrites
one small shard and the index, never a record of the whole tree:

* ``out/.blueprintc/owners/<sha256(owner)[:24]>.json``: one line per file,
  ``path: {inputs, owner, sha256}``, sorted (deterministic and diffable);
* ``out/.blueprintc/manifest.json``: the index, each owner's shard and, when
  all of an owner's files share one inputs digest, that digest (a compile
  reads it to tell which owners changed without loading any shard). The
  index is always written last: a tree with it is complete (tree.py).

A file whose inputs digest and on-disk sha256 both match its record is fresh:
it is neither serialised nor rewritten. A missing or unreadable manifest (or
shard) only costs speed: every file is then serialised and compared.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import stat
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from json.encoder import encode_basestring_ascii  # type: ignore[attr-defined]
from pathlib import Path

from .cache import read_bytes
from .model import STATE_DIR, EmitError

__all__ = [
    "MANIFEST",
    "Entry",
    "Manifest",
    "ManifestIndex",
    "ManifestShards",
    "StateFile",
    "shard_bytes",
    "shard_name",
    "top_owner",
]

MANIFEST = f"{STATE_DIR}/manifest.json"
SHARDS = "owners"  # under STATE_DIR
_VERSION = 2

# A file of the state dir to write (bytes) or delete (None), relative to STATE_DIR.
StateFile = tuple[str, bytes | None]


@dataclass(frozen=True)
class Entry:
    inputs: str
    sha256: str
    owner: str = ""


def top_owner(owner: str) -> str:
    return owner.split("/", 1)[0]


def shard_name(owner: str) -> str:
    return f"{SHARDS}/{hashlib.sha256(owner.encode()).hexdigest()[:24]}.json"


@dataclass(frozen=True)
class ManifestIndex:
    """Each top-level owner's common inputs digest (None when its files differ)."""

    owners: dict[str, str | None]

    @classmethod
    def load(cls, out: Path) -> ManifestIndex | None:
        """The index, or None if absent or unreadable (out/ and the state dir are
        never followed through a symlink)."""
        try:
            if not all(stat.S_ISDIR(os.lstat(p).st_mode) for p in (out, out / STATE_DIR)):
                return None
            raw = json.loads(read_bytes(out, MANIFEST))
            if raw.get("version") != _VERSION:
                return None
            owners = {str(o): _optional(e["inputs"]) for o, e in raw["owners"].items()}
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None
        return cls(owners)

    def dumps(self) -> bytes:
        rows = ",\n".join(
            f"  {json.dumps(owner)}: "
            + json.dumps({"inputs": inputs, "shard": shard_name(owner)}, sort_keys=True)
            for owner, inputs in sorted(self.owners.items())
        )
        body = f"\n{rows}\n " if rows else ""
        return f'{{\n "owners": {{{body}}},\n "version": {_VERSION}\n}}\n'.encode()


def _optional(value: object) -> str | None:
    return None if value is None else str(value)


@dataclass(frozen=True)
class Manifest:
    files: dict[str, Entry]

    @classmethod
    def load(cls, out: Path, owners: Iterable[str] | None = None) -> Manifest:
        """The recorded manifest (only the shards of `owners`, if given), or an empty
        one if it is absent or unreadable."""
        index = ManifestIndex.load(out)
        if index is None:
            return cls({})
        wanted = index.owners if owners is None else [o for o in owners if o in index.owners]
        files: dict[str, Entry] = {}
        try:
            for owner in wanted:
                files.update(_shard_entries(read_bytes(out, f"{STATE_DIR}/{shard_name(owner)}")))
        except _UNREADABLE:
            return cls({})
        return cls(files)

    def by_owner(self) -> dict[str, dict[str, Entry]]:
        grouped: dict[str, dict[str, Entry]] = defaultdict(dict)
        for path, entry in self.files.items():
            grouped[top_owner(entry.owner)][path] = entry
        return grouped

    def index(self, grouped: dict[str, dict[str, Entry]] | None = None) -> ManifestIndex:
        owners: dict[str, str | None] = {}
        for owner, files in (grouped or self.by_owner()).items():
            digests = {e.inputs for e in files.values()}
            owners[owner] = digests.pop() if len(digests) == 1 else None
        return ManifestIndex(owners)

    def state_files(
        self, old: Manifest | None = None, base: ManifestIndex | None = None
    ) -> list[StateFile]:
        """The shards that differ from `old`'s (all of them without `old`), the shards
        of owners gone since `old`, and the index, last.

        With `base` (the index on disk), this manifest and `old` cover only some
        owners (a patch): every other owner keeps its entry in `base`, and nothing at
        all is returned when no shard and no index entry changed."""
        new = self.by_owner()
        before = old.by_owner() if old is not None else {}
        changed: list[StateFile] = [
            (shard_name(owner), shard_bytes(files))
            for owner, files in sorted(new.items())
            if old is None or before.get(owner) != files
        ]
        gone: list[StateFile] = [
            (shard_name(owner), None) for owner in sorted(before) if owner not in new
        ]
        index = self.index(new)
        if base is not None:
            kept = {o: d for o, d in base.owners.items() if o not in before and o not in new}
            index = ManifestIndex({**kept, **index.owners})
            if not changed and not gone and index == base:
                return []
        return [*changed, *gone, ("manifest.json", index.dumps())]


_MALFORMED = (ValueError, KeyError, TypeError, AttributeError)
_UNREADABLE = (OSError, *_MALFORMED)


def _shard_entries(data: bytes) -> dict[str, Entry]:
    raw = json.loads(data)
    return {
        path: Entry(str(e["inputs"]), str(e["sha256"]), str(e["owner"]))
        for path, e in raw["files"].items()
    }


class ManifestShards:
    """The manifest read one owner's shard at a time: a shard's sha256 without parsing
    it, the entries of only the owners asked for. A delivery whose owners' shards are
    those of the last one parses none of the 1,002 shards (48 MB at N = 1000)."""

    def __init__(self, out: Path, index: ManifestIndex) -> None:
        self.out = out
        self.owners = sorted(index.owners)
        self._entries: dict[str, dict[str, Entry]] = {}
        self._by_path: dict[str, Entry] = {}

    @classmethod
    def load(cls, out: Path) -> ManifestShards | None:
        """None when the index is absent or unreadable."""
        index = ManifestIndex.load(out)
        return None if index is None else cls(out, index)

    def digest(self, owner: str) -> str:
        """The sha256 of the owner's shard bytes."""
        return hashlib.sha256(self._read(owner)).hexdigest()

    def entries(self, owner: str) -> dict[str, Entry]:
        """The owner's files (parsed once)."""
        found = self._entries.get(owner)
        if found is None:
            try:
                found = _shard_entries(self._read(owner))
            except _MALFORMED:
                raise EmitError(
                    f"{self.out / STATE_DIR / shard_name(owner)} is not a manifest shard: "
                    "run `blueprintc compile` to rewrite out/"
                ) from None
            self._entries[owner] = found
            self._by_path.update(found)
        return found

    def entry(self, path: str) -> Entry:
        """The entry of a file of an owner already parsed (else of any owner)."""
        found = self._by_path.get(path)
        return found if found is not None else self.files[path]

    @functools.cached_property
    def files(self) -> dict[str, Entry]:
        """Every owner's files."""
        return {path: e for owner in self.owners for path, e in self.entries(owner).items()}

    def _read(self, owner: str) -> bytes:
        path = f"{STATE_DIR}/{shard_name(owner)}"
        try:
            return read_bytes(self.out, path)
        except OSError as exc:
            raise EmitError(
                f"cannot read {self.out / path}: {exc.strerror or exc}; "
                "run `blueprintc compile` to rewrite out/"
            ) from None


def shard_bytes(files: dict[str, Entry]) -> bytes:
    """Deterministic bytes: sorted paths, one file a line, sorted fields.

    What `json.dumps` writes for each row (tests/emit/test_manifest.py compares the
    two), built from the C encoder's own string quoting: a `json.dumps` call per row
    costs its set-up each time, and `indent=` would force the pure Python encoder.
    """
    quote = encode_basestring_ascii
    rows = ",\n".join(
        f'  {quote(path)}: {{"inputs": {quote(e.inputs)}, "owner": {quote(e.owner)}, '
        f'"sha256": {quote(e.sha256)}}}'
        for path, e in sorted(files.items())
    )
    body = f"\n{rows}\n " if rows else ""
    return f'{{\n "files": {{{body}}},\n "version": {_VERSION}\n}}\n'.encode()
