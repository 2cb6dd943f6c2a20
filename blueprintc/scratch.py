"""Temporary directories that a killed process does not leave behind.

Each Helm worker has a temporary directory of its own (its TMPDIR), removed when the
worker is stopped. A process that ends without stopping its workers left them in the
system's temporary directory for ever: a forked compile worker, which its pool ends
with SIGTERM (every `compile --jobs 2` left two), or any blueprintc killed from
outside. One machine's /tmp held 6,266 of them after a few days of test runs.

So such a directory is locked (`flock` on the directory itself) by the process that
makes it, and by every process it hands it to (the Helm worker inherits the
descriptor): the kernel drops the lock when the last of them has died, however it
died. `sweep` removes the directories of a prefix that nobody holds. It leaves those
younger than `MIN_AGE_SECONDS` alone: making a directory and locking it are two
steps, and one being made may not be locked yet.

`tempfile` has nothing like it (its `TemporaryDirectory` is removed by the process
that made it, or not at all); the lock is the kernel's own record of who is alive, so
a reused process id cannot keep a dead directory, nor one being used be removed.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import tempfile
import time
from dataclasses import dataclass

MIN_AGE_SECONDS = 60.0


@dataclass(frozen=True)
class ScratchDirectory:
    """A temporary directory and this process's locked descriptor of it."""

    path: str
    fd: int  # pass it on (`pass_fds`) to a process that uses the directory

    def release(self) -> None:
        """Remove the directory, then drop this process's hold on it."""
        shutil.rmtree(self.path, ignore_errors=True)
        with contextlib.suppress(OSError):  # closed already (a second release)
            os.close(self.fd)


def make(prefix: str) -> ScratchDirectory:
    """A new directory in the system's temporary directory, held until `release` (or
    until this process and those it was handed to have died)."""
    path = tempfile.mkdtemp(prefix=prefix)
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    fcntl.flock(fd, fcntl.LOCK_EX)
    return ScratchDirectory(path, fd)


def sweep(prefix: str, min_age: float = MIN_AGE_SECONDS) -> list[str]:
    """Remove this user's directories named `prefix*` in the temporary directory that
    no live process holds and that are at least `min_age` seconds old; the paths
    removed."""
    removed: list[str] = []
    cutoff = time.time() - min_age
    try:
        entries = os.scandir(tempfile.gettempdir())
    except OSError:
        return removed
    with entries:
        for entry in entries:
            if entry.name.startswith(prefix) and _abandoned(entry, cutoff):
                removed.append(entry.path)
    return removed


def _abandoned(entry: os.DirEntry[str], cutoff: float) -> bool:
    """Whether `entry` is an old directory nobody holds; if so, it is removed (under the
    lock, so two sweeps never remove one directory at once)."""
    try:
        if not entry.is_dir(follow_symlinks=False):
            return False
        status = entry.stat()
        if status.st_uid != os.getuid() or status.st_mtime > cutoff:  # another's, or new
            return False
        fd = os.open(entry.path, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError:
        return False
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:  # held: its process is alive
            return False
        shutil.rmtree(entry.path, ignore_errors=True)
        return True
    finally:
        os.close(fd)
