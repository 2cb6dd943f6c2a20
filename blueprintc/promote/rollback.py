"""`promote --rollback`: the entry an Environment ran before its current one.

blueprintc.lock's Git history (first parent: what the branch ran, merge by merge) is
read as an undo stack of entries. An entry the Environment had not run is pushed; a
return to one it ran before (a rollback, a revert of the lock, a promotion of the
same content) is read as going back to it, and drops the entries after it. A
rollback goes to the entry below the current one. So a second rollback goes further
back, never forward to the entry the first one left, as `helm rollback` would (it
takes the previous release, which after a rollback is the bad one); when nothing is
below, the rollback is refused, naming the entries it left. Going forward again is
a promotion.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from blueprintc.compile.inputfiles import LOCK_FILE
from blueprintc.promote.lock import Key, LockEntry, entries_of
from blueprintc.promote.lockdoc import entry_value
from blueprintc.promote.request import PromoteError


@dataclass(frozen=True)
class Ran:
    """An entry the Environment ran, and the commit that brought it ("" uncommitted)."""

    entry: LockEntry
    commit: str

    def describe(self) -> str:
        since = f"of {self.commit[:12]}" if self.commit else "(uncommitted)"
        return f"{self.entry.blueprint} {self.entry.version} {since}"


def rollback_entry(root: Path, key: Key, current: LockEntry) -> LockEntry:
    """The entry `key` ran before `current` (see the module doc)."""
    history = [*_history(root, key), (current, "")]
    stack, left = undo_stack(history)
    if len(stack) >= 2:
        return stack[-2].entry
    org, app, env_type = key
    if not left:
        raise PromoteError(
            f"{LOCK_FILE}'s Git history holds no earlier entry for {org}/{app} {env_type} "
            "to roll back to"
        )
    named = ", ".join(ran.describe() for ran in left)
    raise PromoteError(
        f"{org}/{app} {env_type} has no earlier entry to roll back to: it runs "
        f"{stack[0].describe()}, and every entry after it in {LOCK_FILE}'s Git history was "
        f"rolled back ({named}); a rollback never goes forward to one: promote a fixed "
        "version instead"
    )


def undo_stack(
    history: list[tuple[LockEntry | None, str]],
) -> tuple[list[Ran], list[Ran]]:
    """The entries the Environment can go back through, oldest first, and the ones
    rollbacks left (each once, in the order it first ran them), from its entries in
    time order (None: it had no entry then, and what it ran before does not count)."""
    stack: list[Ran] = []
    left: list[Ran] = []
    for entry, commit in history:
        if entry is None:
            stack = []
            continue
        at = next((i for i in range(len(stack) - 1, -1, -1) if stack[i].entry == entry), None)
        if at is None:
            stack.append(Ran(entry, commit))
        else:
            left += stack[at + 1 :]
            del stack[at + 1 :]
    gone: list[Ran] = []
    for ran in left:
        if not any(ran.entry == other.entry for other in [*stack, *gone]):
            gone.append(ran)
    position = {commit: i for i, (_, commit) in enumerate(history)}
    return stack, sorted(gone, key=lambda ran: position[ran.commit])


def _history(root: Path, key: Key) -> list[tuple[LockEntry | None, str]]:
    """`key`'s entry in each version of the lock, oldest first, with its commit: the
    first-parent history of HEAD, one version a commit that changed the file."""
    import pygit2

    found = pygit2.discover_repository(str(root))
    if found is None:
        raise PromoteError(
            f"{root} is not in a Git repository: a rollback reads the previous entry "
            f"from {LOCK_FILE}'s history"
        )
    repo = pygit2.Repository(found)
    workdir = Path(repo.workdir or root).resolve()
    path = (root.resolve() / LOCK_FILE).relative_to(workdir).as_posix()
    if repo.head_is_unborn:
        raise PromoteError(f"{LOCK_FILE} has no history yet: commit it first")
    walker = repo.walk(repo.head.target, pygit2.enums.SortMode.TOPOLOGICAL)
    walker.simplify_first_parent()
    versions: list[tuple[Any, str]] = []  # (blob id or None, commit), newest first
    for commit in walker:
        try:
            blob_id = commit.tree[path].id
        except KeyError:
            blob_id = None
        if versions and versions[-1][0] == blob_id:
            versions[-1] = (blob_id, str(commit.id))  # the oldest commit with this version
        else:
            versions.append((blob_id, str(commit.id)))
    read: dict[Any, tuple[LockEntry | None, bool]] = {}
    history: list[tuple[LockEntry | None, str]] = []
    for blob_id, commit in reversed(versions):
        if blob_id not in read:
            read[blob_id] = _entry(repo, blob_id, key)
        entry, valid = read[blob_id]
        if valid:
            history.append((entry, commit))
    return history


def _entry(repo: Any, blob_id: Any, key: Key) -> tuple[LockEntry | None, bool]:
    """`key`'s entry in one version of the lock (None: it has none), and whether that
    version could be read at all (an invalid one is left out of the history)."""
    if blob_id is None:
        return None, True
    text = repo[blob_id].data.decode("utf-8", "replace")
    org, app, env_type = key
    try:
        value = entry_value(text, f"{org}/{app}", env_type)
        if value is not None:
            return LockEntry.from_dict(value), True
        return entries_of(_load(text)).get(key), True
    except (ValueError, KeyError, TypeError, AttributeError):
        return None, False


def _load(text: str) -> Any:
    """A whole lock version: JSON, or the YAML form the first `blueprintc lock` wrote."""
    try:
        return json.loads(text)
    except ValueError:
        import yaml

        try:
            return yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise ValueError(str(exc)) from None
