"""The compiled Environment trees of ``out/``, read exactly as compile recorded them.

What ``publish --environments`` packs and signs is what compile wrote, and
nothing else:

- an interrupted compile is finished (or undone) first, and the trees are read
  under the lock compile takes (``emit.fsutil.locked`` on out/'s parent), so a
  tree is never part old, part new;
- the files are those ``out/.blueprintc/`` lists, each read without following a
  link (``fsutil.read_file``) and refused unless its sha256 is the recorded one;
- anything else under ``out/repos/`` or ``out/vclusters/`` (a planted link, a
  FIFO, a stray or hand-edited file) refuses the publish, never is packed.

One tree per Environment resource in ``system/catalyst-config/environments/``:
every ``repos/<org>/<app>/<branch>/`` file of its branch and its
``vclusters/<vc>/`` files, at their paths in ``out/``.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from blueprintc.build.errors import BuildError
from blueprintc.emit.cache import scan
from blueprintc.emit.fsutil import AnchoredReader, locked
from blueprintc.emit.manifest import Entry, Manifest, ManifestShards
from blueprintc.emit.model import STATE_DIR, EmitError
from blueprintc.emit.recovery import recover_pending
from blueprintc.emit.seal import Seal

ENVIRONMENTS_DIR = "system/catalyst-config/environments"
TREE_TOPS = ("repos", "vclusters")
MAX_FILE_BYTES = 64 * 1024 * 1024  # far above any compiled manifest file
_LABEL = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")
_TAG = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$")
_RECOMPILE = "run `blueprintc compile` to rewrite out/, then {then}"
_PUBLISH = "publish again"  # what to do once the tree is fixed (deliver: "deliver again")
_NO_MANIFEST = (
    f"{{out}} has no compile manifest ({STATE_DIR}/manifest.json): run `blueprintc compile` first"
)


@dataclass(frozen=True)
class EnvironmentTree:
    """One Environment's files in ``out/``: posix paths relative to ``out/``, sorted,
    and their bytes as verified against the manifest."""

    name: str  # "<org>-<env>"
    organization: str
    branch: str
    vclusters: tuple[str, ...]
    files: list[str]
    contents: dict[str, bytes] = field(default_factory=dict, compare=False, repr=False)


def environment_trees(out: Path) -> list[EnvironmentTree]:
    """Every Environment tree of ``out``, sorted by name: recovered first, read under
    compile's lock, each file verified against the manifest (see the module doc)."""
    with _recovered(out):
        return _read(out)


def compiled_files(out: Path, then: str = _PUBLISH) -> dict[str, bytes]:
    """Every file compile recorded in ``out`` (posix path relative to ``out`` to its
    bytes), recovered first and read under compile's lock, each verified against the
    manifest exactly as :func:`environment_trees` reads its trees (``deliver`` uses it)."""
    with compiled_tree(out, then) as (manifest, read):
        return {path: read(path) for path in sorted(manifest.files)}


def compiled_branch(out: Path, prefix: str, then: str) -> dict[str, bytes]:
    """The files compile recorded under ``prefix`` (``repos/<org>/<app>/<branch>/``),
    by their path below it, read as ``compiled_files`` reads them; anything else in
    that directory (a planted link, a stray file) refuses. Only that directory is
    looked at, and only its Organization's manifest shard is parsed: a promotion reads
    one branch of a tree of 190,000 files."""
    with _recovered(out):
        listed = _listed_under(ManifestShards.load(out), prefix)
        paths = sorted(listed)
        with _Reader(out, lambda path: listed[path].sha256, then) as read:
            _refuse_strays(out, prefix, set(paths), read.fix)
            return {p[len(prefix) :]: read(p) for p in paths}


def _listed_under(shards: ManifestShards | None, prefix: str) -> dict[str, Entry]:
    """The manifest's files under ``prefix``: from the shard of the Organization that
    ``repos/<org>/`` names (at N = 1000, 0.6 s less than parsing all 1,002), else,
    when that shard lists none, from every shard."""
    if shards is None:
        return {}
    parts = prefix.split("/")
    owner = parts[1] if parts[0] == "repos" and len(parts) > 2 else None
    if owner in shards.owners:
        found = {p: e for p, e in shards.entries(owner).items() if p.startswith(prefix)}
        if found:
            return found
    return {p: e for p, e in shards.files.items() if p.startswith(prefix)}


def _refuse_strays(out: Path, prefix: str, listed: set[str], fix: str) -> None:
    top = out / prefix
    for directory, dirs, files in os.walk(top):
        for name in [*files, *(d for d in dirs if os.path.islink(os.path.join(directory, d)))]:
            path = Path(directory, name)
            rel = path.relative_to(out).as_posix()
            if path.is_symlink() or not path.is_file() or rel not in listed:
                raise BuildError(
                    f"{path} was not written by compile (it is not in {STATE_DIR}/, or not a "
                    f"regular file): remove it, or {fix}"
                )


@contextmanager
def compiled_tree(
    out: Path, then: str = _PUBLISH
) -> Iterator[tuple[Manifest, Callable[[str], bytes]]]:
    """Under compile's lock, with ``out`` recovered: its manifest (every file's sha256,
    nothing read yet) and a reader that reads a file and checks it against it."""
    with _recovered(out):
        manifest = _listed(out, then)
        with _Reader(out, _sha256_of(manifest), then) as reader:
            yield manifest, reader


@contextmanager
def compiled_shards(
    out: Path, then: str = _PUBLISH
) -> Iterator[tuple[ManifestShards, Callable[[str], bytes]]]:
    """``compiled_tree``, with the manifest read a shard at a time (``ManifestShards``):
    for a caller that needs the files of only some owners. The tree tops are refused
    on the same terms; only an unsealed tree costs parsing every shard."""
    with _recovered(out):
        shards = ManifestShards.load(out)
        if shards is None or not shards.owners:
            raise BuildError(_NO_MANIFEST.format(out=out))
        _refuse_unsealed(out, lambda: shards.files, then)
        with _Reader(out, lambda path: shards.entry(path).sha256, then) as reader:
            yield shards, reader


@contextmanager
def _recovered(out: Path) -> Iterator[None]:
    """Under compile's lock on ``out``, an interrupted compile finished or undone first;
    the emit layer's errors become publish errors."""
    if not out.is_dir():
        raise BuildError(f"{out} does not exist: run `blueprintc compile` first")
    try:
        with locked(out.parent, exclusive=True):
            recover_pending(out)
            yield
    except EmitError as exc:
        raise BuildError(str(exc)) from None


def _listed(out: Path, then: str = _PUBLISH) -> Manifest:
    """The compile manifest of ``out``, refused when missing or when the tree tops
    hold anything it does not list."""
    manifest = Manifest.load(out)
    if not manifest.files:
        raise BuildError(_NO_MANIFEST.format(out=out))
    _refuse_unsealed(out, lambda: manifest.files, then)
    return manifest


def _sha256_of(manifest: Manifest) -> Callable[[str], str]:
    return lambda path: manifest.files[path].sha256


def _refuse_unsealed(out: Path, listed: Callable[[], dict[str, Any]], then: str) -> None:
    """A sealed tree is proven to hold only the entries compile wrote by its
    directories' stats alone (each file's bytes are checked as it is read); any other
    is checked against the manifest's files (``listed()``)."""
    sealed = Seal.load(out)
    if sealed is None or not sealed.entries_untouched_below(out, TREE_TOPS):
        _refuse_unlisted(out, listed(), then)


def _read(out: Path) -> list[EnvironmentTree]:
    manifest = _listed(out)
    listed = manifest.files
    trees: dict[str, EnvironmentTree] = {}
    prefix = ENVIRONMENTS_DIR + "/"
    with _Reader(out, _sha256_of(manifest)) as read:
        for path in sorted(
            p for p in listed if p.startswith(prefix) and "/" not in p[len(prefix) :]
        ):
            if not path.endswith((".yaml", ".yml")):
                continue
            tree = _tree(out, path, read, listed)
            if tree is None:
                continue
            if tree.name in trees:
                raise BuildError(f"{out / path}: a second Environment named {tree.name}")
            trees[tree.name] = tree
    return [trees[name] for name in sorted(trees)]


def _refuse_unlisted(out: Path, listed: dict[str, Any], then: str = _PUBLISH) -> None:
    """Under the tree tops, only regular files compile recorded; a link, a special or
    unrecorded file, or a recorded file gone, refuses the publish (or delivery); the
    fix ends with `then`."""
    recompile = _RECOMPILE.format(then=then)
    disk = scan(out)
    for top in TREE_TOPS:
        kind = disk.kinds.get(top)
        if kind not in (None, "dir"):
            raise BuildError(f"{out / top} is {_what(kind)}, not a directory: {recompile}")
    for path, kind in sorted(disk.kinds.items()):
        if not path.startswith(tuple(t + "/" for t in TREE_TOPS)):
            continue
        if kind in ("link", "other"):
            raise BuildError(
                f"{out / path} is {_what(kind)}, not a regular file compile wrote: it is "
                f"never packed, signed or delivered; remove it, then {then}"
            )
        if kind == "file" and path not in listed:
            raise BuildError(
                f"{out / path} was not written by compile (it is not in {STATE_DIR}/): "
                f"remove it, then {then}"
            )
    for path in listed:
        if path.startswith(TREE_TOPS) and disk.kinds.get(path) != "file":
            raise BuildError(f"{out / path} is missing: {recompile}")


def _what(kind: str | None) -> str:
    return {"link": "a symbolic link", "other": "a FIFO, socket or device"}.get(
        kind or "", "not a regular file"
    )


class _Reader:
    """Reads files of ``out`` through no link, each checked against its sha256 (the
    directory of the last read kept open: see ``AnchoredReader``)."""

    def __init__(self, out: Path, recorded: Callable[[str], str], then: str = _PUBLISH) -> None:
        self.out, self.recorded = out, recorded  # a listed file's recorded sha256
        self.fix = _RECOMPILE.format(then=then)
        self.files = AnchoredReader(out, MAX_FILE_BYTES)

    def __enter__(self) -> _Reader:
        return self

    def __exit__(self, *_: object) -> None:
        self.files.close()

    def __call__(self, path: str) -> bytes:
        full = self.out / path
        try:
            data = self.files.read(path)
        except OSError as exc:
            raise BuildError(f"cannot read {full}: {exc.strerror or exc}; {self.fix}") from None
        recorded = self.recorded(path)
        actual = hashlib.sha256(data).hexdigest()
        if actual != recorded:
            raise BuildError(
                f"{full} is not what compile wrote (sha256 {actual[:12]}..., recorded "
                f"{recorded[:12]}...): it was changed by hand or by another program; "
                f"{self.fix}"
            )
        return data


def _tree(out: Path, path: str, read: _Reader, listed: dict[str, Any]) -> EnvironmentTree | None:
    import yaml  # publish's alone: not a delivery's start-up

    shown = out / path
    try:
        doc = yaml.safe_load(read(path).decode("utf-8"))
    except (UnicodeDecodeError, yaml.YAMLError) as exc:
        raise BuildError(f"{shown}: cannot read the Environment: {exc}") from None
    if not isinstance(doc, dict) or doc.get("kind") != "Environment":
        return None
    metadata, spec = _map(doc.get("metadata")), _map(doc.get("spec"))
    name = _checked(shown, "metadata.name", metadata.get("name"), _LABEL)
    organization = _checked(shown, "spec.organization", spec.get("organization"), _LABEL)
    branch = _checked(shown, "spec.branch", spec.get("branch"), _TAG)
    vc_list = spec.get("vclusters") or []
    if not isinstance(vc_list, list):
        raise BuildError(f"{shown}: spec.vclusters is not a list")
    vclusters = tuple(sorted({_checked(shown, "spec.vclusters[]", v, _LABEL) for v in vc_list}))
    files = sorted(p for p in listed if _in_tree(p, organization, branch, vclusters))
    contents = {p: read(p) for p in files}
    return EnvironmentTree(name, organization, branch, vclusters, files, contents)


def _in_tree(path: str, organization: str, branch: str, vclusters: tuple[str, ...]) -> bool:
    parts = path.split("/")
    if parts[0] == "repos":
        return len(parts) > 4 and parts[1] == organization and parts[3] == branch
    return parts[0] == "vclusters" and len(parts) > 2 and parts[1] in vclusters


def _map(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _checked(path: Path, key: str, value: Any, pattern: re.Pattern[str]) -> str:
    if not isinstance(value, str) or not pattern.match(value):
        shown = repr(value)[:80]
        raise BuildError(f"{path}: {key} {shown} is not a valid name")
    return value
