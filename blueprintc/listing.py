"""Listing a Blueprint's directories with `os.scandir`, whose entries know their type.

`Path.rglob` and `os.walk` followed by `Path.is_file()` and friends cost a `stat` and
several `Path` objects per entry; the directory entries already say what they are.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

Parts = tuple[str, ...]
Entries = list[os.DirEntry[str]]
# A directory's entries, or None when it cannot be listed.
Scan = Callable[[str], Entries | None]


def _never(_: Parts) -> bool:
    return False


def scan(directory: str) -> Entries | None:
    """The entries of `directory` (None when it cannot be listed)."""
    try:
        with os.scandir(directory) as found:
            return list(found)
    except OSError:
        return None


class Scans:
    """`scan`, asked of the file system once per directory: walks of the same tree (all of
    a Blueprint, its authored files, its templates) share the listings."""

    def __init__(self) -> None:
        self._found: dict[str, Entries | None] = {}

    def __call__(self, directory: str) -> Entries | None:
        found = self._found
        if directory not in found:
            found[directory] = scan(directory)
        return found[directory]


def walk(
    top: Path, skip: Callable[[Parts], bool] = _never, lister: Scan = scan
) -> Iterator[tuple[Parts, Entries]]:
    """Top-down, in `os.walk` order: each directory's parts relative to `top` and its
    entries. Links to directories are listed but not entered, unreadable directories are
    passed over, and `skip(parts)` prunes a subdirectory. `lister` lists a directory."""
    yield from _walk(os.fspath(top), (), skip, lister)


def _walk(
    directory: str, parts: Parts, skip: Callable[[Parts], bool], lister: Scan
) -> Iterator[tuple[Parts, Entries]]:
    entries = lister(directory)
    if entries is None:
        return
    yield parts, entries
    for entry in entries:
        if is_dir(entry) and not entry.is_symlink():
            child = (*parts, entry.name)
            if not skip(child):
                yield from _walk(entry.path, child, skip, lister)


def is_dir(entry: os.DirEntry[str]) -> bool:
    """`Path.is_dir()`: links followed, errors read as no."""
    try:
        return entry.is_dir()
    except OSError:
        return False


def is_file(entry: os.DirEntry[str]) -> bool:
    """`Path.is_file()`: links followed, errors read as no."""
    try:
        return entry.is_file()
    except OSError:
        return False


def suffix(name: str) -> str:
    """`PurePath.suffix` of a file name."""
    index = name.rfind(".")
    return name[index:] if 0 < index < len(name) - 1 else ""


def files_below(
    top: Path,
    keep: Callable[[os.DirEntry[str]], bool],
    skip: Callable[[Parts], bool] = _never,
    lister: Scan = scan,
) -> list[Path]:
    """The entries below `top` that `keep` accepts, as paths, in `sorted(top.rglob("*"))`
    order (path parts compared one by one)."""
    found = [
        ((*parts, entry.name), entry.path)
        for parts, entries in walk(top, skip, lister)
        for entry in entries
        if keep(entry)
    ]
    return [Path(path) for _, path in sorted(found)]
