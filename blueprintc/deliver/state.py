"""What the last embedded delivery left in each branch, so the next one opens only the
repositories whose content changed.

``out/git/.blueprintc-delivered.json`` records, per ``(repo, branch)``, the digest of
the branch's content as compile's manifest lists it (each path and its sha256: no
file is read to compute it) and the commit delivered for it. A branch whose content
digest is the recorded one and whose tip (read from its ref file, not by opening the
repository) is still the recorded commit is unchanged: nothing of it is read, opened
or written. Anything else (no state, an unreadable state, a moved or deleted branch,
another blueprintc version) falls back to the full path, which compares trees.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from blueprintc import __version__
from blueprintc.emit.cache import read_bytes

STATE_FILE = ".blueprintc-delivered.json"
_FORMAT = 1


def content_digest(entries: Iterable[tuple[str, str]]) -> str:
    """The digest of a branch's files: (path in the branch, sha256 of its bytes)."""
    lines = "".join([f"{path}\0{sha}\n" for path, sha in sorted(entries)])
    return hashlib.sha256(f"blueprintc {__version__}\n{lines}".encode()).hexdigest()


@dataclass
class DeliveryState:
    git_dir: Path
    branches: dict[str, dict[str, str]] = field(default_factory=dict)
    changed: bool = False  # since loaded

    @classmethod
    def load(cls, git_dir: Path) -> DeliveryState:
        try:
            data = json.loads((git_dir / STATE_FILE).read_bytes())
        except (OSError, ValueError):
            return cls(git_dir)
        branches = data.get("branches") if isinstance(data, dict) else None
        if data.get("format") != _FORMAT or not isinstance(branches, dict):
            return cls(git_dir)
        return cls(git_dir, {k: v for k, v in branches.items() if isinstance(v, dict)})

    def unchanged(self, repo: str, branch: str, content: str) -> str | None:
        """The recorded commit when the branch holds exactly ``content`` still."""
        recorded = self.branches.get(_key(repo, branch))
        if recorded is None or recorded.get("content") != content:
            return None
        commit = recorded.get("commit", "")
        return commit if commit and ref_tip(self.git_dir, repo, branch) == commit else None

    def gone(self, planned: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
        """Recorded branches that are not planned now and still exist (their Application
        was removed): the delivery empties them by a commit, never deletes them."""
        wanted = {_key(repo, branch) for repo, branch in planned}
        found = []
        for key in sorted(self.branches):
            repo, _, branch = key.partition(" ")
            if key not in wanted and ref_tip(self.git_dir, repo, branch) is not None:
                found.append((repo, branch))
        return found

    def record(self, repo: str, branch: str, content: str, commit: str) -> None:
        entry = {"commit": commit, "content": content}
        if self.branches.get(_key(repo, branch)) != entry:
            self.branches[_key(repo, branch)] = entry
            self.changed = True

    def forget(self, repo: str, branch: str) -> None:
        if self.branches.pop(_key(repo, branch), None) is not None:
            self.changed = True

    def save(self) -> None:
        """Written whole, atomically: a delivery killed before this leaves the old state,
        whose branches the next delivery re-checks against their tips."""
        data = {"format": _FORMAT, "branches": dict(sorted(self.branches.items()))}
        target = self.git_dir / STATE_FILE
        staging = target.with_name(f"{STATE_FILE}.{os.getpid()}.tmp")
        self.git_dir.mkdir(parents=True, exist_ok=True)
        staging.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n", "utf-8")
        os.replace(staging, target)


def ref_tip(git_dir: Path, repo: str, branch: str) -> str | None:
    """The commit id ``refs/heads/<branch>`` of ``<repo>.git`` names, read from its loose
    ref file or ``packed-refs`` (None when it has neither)."""
    repository = git_dir / f"{repo}.git"
    ref = f"refs/heads/{branch}"
    text = _loose_ref(repository, ref)
    if text and not text.startswith("ref:"):
        return text
    try:
        packed = (repository / "packed-refs").read_text("ascii")
    except (OSError, UnicodeDecodeError):
        return None
    for line in packed.splitlines():
        commit, _, name = line.partition(" ")
        if name == ref:
            return commit
    return None


def _loose_ref(repository: Path, ref: str) -> str:
    """A loose ref file's text, stripped ("" when unreadable or a link, which then
    leaves the answer to packed-refs or the full path). ``emit.cache.read_bytes``'s
    plain os calls: an unchanged delivery at N = 1000 reads 15,001 of them, and
    pathlib's read_text cost 0.88 s of its 3 s under cProfile."""
    try:
        return read_bytes(repository, ref).decode("ascii").strip()
    except (OSError, UnicodeDecodeError):
        return ""


def _key(repo: str, branch: str) -> str:
    return f"{repo} {branch}"
