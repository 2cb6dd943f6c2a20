"""What git knows of the workspace's files, asked of git once per run.

Which chart directories keep their `charts/` in git: a source tree normally ignores
`charts/` and CI builds it (`helm dependency build`): absent dependencies there are a
check that could not run, not a defect. A tracked `charts/` is the vendored truth,
and what it lacks is missing. Whether the last commit holds a file the workspace
lacks (`in_head`): deleted by accident, or on purpose and not committed yet.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from blueprintc.childenv import child_env

_GIT_TIMEOUT_SECONDS = 30


def _git(root: Path, *args: str) -> subprocess.CompletedProcess[bytes] | None:
    """git `args` run in `root`; None when git is missing or does not answer in time."""
    # No credentials (childenv), and no GIT_* (a hook's GIT_DIR must not redirect it).
    env = {k: v for k, v in child_env().items() if not k.startswith("GIT_")}
    try:
        return subprocess.run(
            ["git", "-C", os.fspath(root), *args],
            capture_output=True,
            timeout=_GIT_TIMEOUT_SECONDS,
            env=env,
            stdin=subprocess.DEVNULL,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None


def in_head(root: Path, rel: str) -> bool:
    """Whether the commit checked out holds `rel` (relative to `root`). False when `root`
    is in no git work tree, has no commit yet, or git is missing or refuses it."""
    proc = _git(root, "cat-file", "-e", f"HEAD:./{rel}")
    return proc is not None and proc.returncode == 0


def tracked_chart_dirs(root: Path) -> frozenset[str]:
    """Root-relative posix paths of the directories whose `charts/` holds a file git
    tracks ("" for `root` itself). Empty when `root` is in no git work tree, or git is
    missing or refuses the repository (no `charts/` is then known to be tracked)."""
    proc = _git(root, "ls-files", "-z", "--", ":(glob)**/charts/**")
    if proc is None or proc.returncode != 0:
        return frozenset()
    found = set()
    for raw in proc.stdout.split(b"\0"):
        path = raw.decode("utf-8", "surrogateescape")
        parts = path.split("/")
        if "charts" in parts[:-1]:
            found.add("/".join(parts[: parts.index("charts")]))
    return frozenset(found)
