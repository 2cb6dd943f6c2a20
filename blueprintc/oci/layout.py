"""An OCI image layout directory per repository under one root (``out/oci/<repo>/``).

Writes are atomic (temp file + rename), ``index.json`` is sorted and only
rewritten when its content changes, so a rebuild with no change touches no file.
Nothing below the root (nor the root itself, nor the ``anchor`` above it the
caller names) is followed through a link, in writes or reads (``write_file``,
``read_file``), and reads are capped: a planted link or FIFO is an error, never
a write outside the layout or a hang.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from blueprintc.emit.fsutil import (
    FileTooLarge,
    LinkInPath,
    NotRegularFile,
    opened_dir,
    read_file,
    write_file,
)
from blueprintc.oserror import Left, OutputOSError

from .content import (
    ANNOTATION_REF_NAME,
    OCI_INDEX,
    OCTET_STREAM,
    Descriptor,
    FetchedManifest,
    check_digest,
    go_json,
    guess_manifest_media_type,
    is_digest,
    manifest_children,
    verify_digest,
)
from .errors import NotFoundError, OCIError
from .reference import validate_repository, validate_tag
from .tarball import MAX_BYTES

OCI_LAYOUT_FILE = "oci-layout"
OCI_LAYOUT_CONTENT = b'{"imageLayoutVersion":"1.0.0"}'
INDEX_FILE = "index.json"


MAX_MANIFEST_BYTES = 4 * 1024 * 1024  # index.json and manifests (what registries accept)
MAX_BLOB_BYTES = MAX_BYTES  # a layer: what an archive may expand to


class LayoutStore:
    """A ``Store`` backed by OCI image layout directories, one per repository.

    ``anchor`` (the root, or a directory above it, e.g. ``out/`` for ``out/oci``)
    is where link-free paths start.
    """

    def __init__(
        self, root: str | os.PathLike[str], *, anchor: str | os.PathLike[str] | None = None
    ) -> None:
        self.root = Path(root)
        self.anchor = self.root if anchor is None else Path(anchor)

    def __repr__(self) -> str:
        return f"LayoutStore({str(self.root)!r})"

    def layout_dir(self, repo: str) -> Path:
        return self.root.joinpath(*validate_repository(repo).split("/"))

    # -- blobs -----------------------------------------------------------

    def _blob_path(self, repo: str, digest: str) -> Path:
        algorithm, _, hexpart = check_digest(digest).partition(":")
        return self.layout_dir(repo) / "blobs" / algorithm / hexpart

    def push_blob(self, repo: str, data: bytes, media_type: str = OCTET_STREAM) -> Descriptor:
        desc = Descriptor.of(data, media_type)
        self._init_layout(repo)
        if not self.has_blob(repo, desc.digest):
            self._write(self._blob_path(repo, desc.digest), data)
        return desc

    def get_blob(self, repo: str, digest: str) -> bytes:
        data = self._read(self._blob_path(repo, digest), MAX_BLOB_BYTES)
        if data is None:
            raise NotFoundError(
                f"blob {digest} not found in layout {self.layout_dir(repo)}", code="BLOB_UNKNOWN"
            )
        return verify_digest(data, digest)

    def has_blob(self, repo: str, digest: str) -> bool:
        path = self._blob_path(repo, digest)
        try:
            with opened_dir(path.parent, anchor=self.anchor) as fd:
                return stat.S_ISREG(os.stat(path.name, dir_fd=fd, follow_symlinks=False).st_mode)
        except FileNotFoundError:
            return False
        except OSError as exc:
            raise self._error(exc, path, "read") from None

    # -- manifests -------------------------------------------------------

    def push_manifest(self, repo: str, data: bytes, media_type: str, tag: str | None = None) -> str:
        if tag is not None:
            validate_tag(tag)
        try:
            children = manifest_children(data)
        except (ValueError, AttributeError) as exc:
            raise OCIError(f"manifest is not valid JSON: {exc}", code="MANIFEST_INVALID") from None
        missing = [c.digest for c in children if not self.has_blob(repo, c.digest)]
        if missing:
            raise NotFoundError(
                f"manifest references blobs missing from {self.layout_dir(repo)}: "
                + ", ".join(missing)
                + " (push the blobs first)",
                code="MANIFEST_BLOB_UNKNOWN",
            )
        desc = self.push_blob(repo, data, media_type)
        with self._locked(repo):
            entries = self._read_index(repo)
            entries = _with_manifest(entries, desc, tag)
            self._write_index(repo, entries)
        return desc.digest

    def get_manifest(self, repo: str, ref: str) -> FetchedManifest:
        entries = self._read_index(repo)
        if is_digest(ref):
            digest = ref
            media_type = next((e["mediaType"] for e in entries if e["digest"] == ref), None)
        else:
            digest_or_none = _lookup_tag(entries, validate_tag(ref))
            if digest_or_none is None:
                raise NotFoundError(
                    f"manifest {repo}:{ref} not found in layout {self.layout_dir(repo)}",
                    code="MANIFEST_UNKNOWN",
                )
            digest = digest_or_none
            media_type = next(e["mediaType"] for e in entries if e["digest"] == digest)
        try:
            data = self.get_blob(repo, digest)
        except NotFoundError:
            raise NotFoundError(
                f"manifest {repo}@{digest} not found in layout {self.layout_dir(repo)}",
                code="MANIFEST_UNKNOWN",
            ) from None
        return FetchedManifest(data, media_type or guess_manifest_media_type(data), digest)

    def resolve(self, repo: str, tag: str) -> str | None:
        return _lookup_tag(self._read_index(repo), validate_tag(tag))

    def tags(self, repo: str) -> list[str]:
        names = {
            e["annotations"][ANNOTATION_REF_NAME]
            for e in self._read_index(repo)
            if ANNOTATION_REF_NAME in e.get("annotations", {})
        }
        return sorted(names)

    def referrers(self, repo: str, digest: str) -> list[Descriptor]:
        check_digest(digest)
        found: dict[str, Descriptor] = {}
        for entry in self._read_index(repo):
            data = self.get_blob(repo, entry["digest"])
            doc = json.loads(data)
            subject = doc.get("subject") or {}
            if subject.get("digest") == digest:
                found[entry["digest"]] = Descriptor(
                    entry["mediaType"], entry["digest"], len(data), doc.get("annotations") or {}
                )
        return [found[k] for k in sorted(found)]

    def prune(self, repo: str) -> list[str]:
        """Drop untagged manifests and the blobs no kept manifest reaches.

        A layout reused across builds otherwise keeps what moved tags left
        behind, and would differ from a fresh build of the same inputs.
        Untagged referrers (``subject``) of kept manifests are kept. Returns the
        removed blob digests, sorted.
        """
        with self._locked(repo):
            entries = self._read_index(repo)
            keep = {e["digest"] for e in entries if _ref_name(e)}
            subjects = {e["digest"]: _subject(self.get_blob(repo, e["digest"])) for e in entries}
            grew = True
            while grew:
                extra = {d for d, subject in subjects.items() if subject in keep} - keep
                keep |= extra
                grew = bool(extra)
            self._write_index(repo, [e for e in entries if e["digest"] in keep])
            reachable: set[str] = set()
            pending = list(keep)
            while pending:
                digest = pending.pop()
                if digest in reachable:
                    continue
                reachable.add(digest)
                data = self.get_blob(repo, digest)
                if _looks_like_manifest(data):
                    with contextlib.suppress(ValueError):  # JSON that only looks like one
                        pending.extend(c.digest for c in manifest_children(data))
            return self._remove_blobs(repo, reachable)

    def _remove_blobs(self, repo: str, keep: set[str]) -> list[str]:
        """Unlink every blob not in ``keep`` (through directory fds: never via a link)."""
        removed = []
        blobs = self.layout_dir(repo) / "blobs"
        try:
            with opened_dir(blobs, anchor=self.anchor) as fd:
                algorithms = sorted(os.listdir(fd))
            for algorithm in algorithms:
                with opened_dir(blobs / algorithm, anchor=self.anchor) as fd:
                    for name in sorted(os.listdir(fd)):
                        if f"{algorithm}:{name}" not in keep:
                            os.unlink(name, dir_fd=fd)
                            removed.append(f"{algorithm}:{name}")
        except FileNotFoundError:
            pass
        except OSError as exc:
            raise self._error(exc, blobs, "write") from None
        return removed

    # -- index.json --------------------------------------------------------

    def _init_layout(self, repo: str) -> None:
        path = self.layout_dir(repo) / OCI_LAYOUT_FILE
        if self._read(path, MAX_MANIFEST_BYTES) is None:
            self._write(path, OCI_LAYOUT_CONTENT)

    def _write(self, path: Path, data: bytes) -> None:
        try:
            write_file(path, data, anchor=self.anchor)
        except OSError as exc:
            raise self._error(exc, path, "write") from None

    def _read(self, path: Path, limit: int) -> bytes | None:
        """The file's bytes, None if it is absent."""
        try:
            return read_file(path, limit, anchor=self.anchor)
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise self._error(exc, path, "read") from None

    def _error(self, exc: OSError, path: Path, action: str) -> OSError:
        """A planted link, special or oversized file as the store's error; any other OS
        error (a full disk, a read-only layout) says what the layout holds now."""
        if isinstance(exc, (LinkInPath, NotRegularFile, FileTooLarge)):
            return _layout_error(exc)
        # blobs and manifests are whole files, and the index names a manifest only
        # after it and its blobs were written
        return OutputOSError(exc, action, self.root, Left.WHOLE_FILES, path)

    @contextlib.contextmanager
    def _locked(self, repo: str) -> Iterator[None]:
        """Serialise index updates between processes (flock on the layout directory)."""
        try:
            with opened_dir(self.layout_dir(repo), anchor=self.anchor) as fd:
                fcntl.flock(fd, fcntl.LOCK_EX)
                yield
        except (LinkInPath, NotRegularFile, FileTooLarge) as exc:
            raise _layout_error(exc) from None

    def _read_index(self, repo: str) -> list[dict[str, Any]]:
        path = self.layout_dir(repo) / INDEX_FILE
        raw = self._read(path, MAX_MANIFEST_BYTES)
        if raw is None:
            return []
        try:
            doc = json.loads(raw)
        except ValueError as exc:
            raise OCIError(f"{path} is not valid JSON: {exc}", code="MANIFEST_INVALID") from None
        manifests = doc.get("manifests") if isinstance(doc, dict) else None
        if not isinstance(manifests, list):
            raise OCIError(f"{path} has no 'manifests' list", code="MANIFEST_INVALID")
        for entry in manifests:
            Descriptor.from_dict(entry)  # validates; other fields are kept as written
        return [dict(m) for m in manifests]

    def _write_index(self, repo: str, entries: list[dict[str, Any]]) -> None:
        doc = {"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": _sorted(entries)}
        self._write(self.layout_dir(repo) / INDEX_FILE, go_json(doc))


def _layout_error(exc: LinkInPath | NotRegularFile | FileTooLarge) -> OCIError:
    """A planted link, special or oversized file, as the store's error."""
    return OCIError(str(exc), code="LAYOUT_UNSAFE")


def _ref_name(entry: dict[str, Any]) -> str | None:
    return entry.get("annotations", {}).get(ANNOTATION_REF_NAME)


def _lookup_tag(entries: list[dict[str, Any]], tag: str) -> str | None:
    return next((e["digest"] for e in entries if _ref_name(e) == tag), None)


def _sorted(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(entries, key=lambda e: (_ref_name(e) or "", e["digest"]))


def _with_manifest(
    entries: list[dict[str, Any]], desc: Descriptor, tag: str | None
) -> list[dict[str, Any]]:
    """Add ``desc`` (tagged or not); a moved tag leaves its old manifest reachable."""
    plain = Descriptor(desc.media_type, desc.digest, desc.size).to_dict()
    kept = [e for e in entries if tag is None or _ref_name(e) != tag]
    displaced = {e["digest"]: e for e in entries if tag is not None and _ref_name(e) == tag}
    if tag is not None:
        kept = [e for e in kept if not (e["digest"] == desc.digest and _ref_name(e) is None)]
        kept.append({**plain, "annotations": {ANNOTATION_REF_NAME: tag}})
    elif not any(e["digest"] == desc.digest for e in kept):
        kept.append(plain)
    for digest, old in displaced.items():
        if digest != desc.digest and not any(e["digest"] == digest for e in kept):
            kept.append({k: v for k, v in old.items() if k != "annotations"})
    return kept


def _subject(manifest: bytes) -> str | None:
    subject = json.loads(manifest).get("subject")
    return subject.get("digest") if isinstance(subject, dict) else None


def _looks_like_manifest(data: bytes) -> bool:
    """Only JSON objects with manifest keys have children worth following."""
    if not data.startswith(b"{"):
        return False
    try:
        doc = json.loads(data)
    except ValueError:
        return False
    return isinstance(doc, dict) and doc.get("schemaVersion") == 2
