"""Which chart directories keep their `charts/` in git (asked of git once per lint run).

A source tree normally ignores `charts/` and CI builds it (`helm dependency build`):
absent dependencies there are a check that could not run, not a defect. A tracked
`charts/` is the vendored truth, and what it lacks is missing.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from blueprintc.childenv import child_env

_GIT_TIMEOUT_SECONDS = 30


def tracked_chart_dirs(root: Path) -> frozenset[str]:
    """Root-relative posix paths of the directories whose `charts/` holds a file git
    tracks ("" for `root` itself). Empty when `root` is in no git work tree, or git is
    missing or refuses the repository (no `charts/` is then known to be tracked)."""
    # No credentials (childenv), and no GIT_* (a hook's GIT_DIR must not redirect it).
    env = {k: v for k, v in child_env().items() if not k.startswith("GIT_")}
    try:
        proc = subprocess.run(
            ["git", "-C", os.fspath(root), "ls-files", "-z", "--", ":(glob)**/charts/**"],
            capture_output=True,
            timeout=_GIT_TIMEOUT_SECONDS,
            env=env,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return frozenset()
    if proc.returncode != 0:
        return frozenset()
    found = set()
    for raw in proc.stdout.split(b"\0"):
        path = raw.decode("utf-8", "surrogateescape")
        parts = path.split("/")
        if "charts" in parts[:-1]:
            found.add("/".join(parts[: parts.index("charts")]))
    return frozenset(found)
