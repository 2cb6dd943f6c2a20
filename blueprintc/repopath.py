"""Report paths relative to the repository root, where CI attaches annotations.

GitHub, Gitea and code scanning resolve a report's paths against the checkout (the
git top level), not against a workspace that may sit in a subdirectory of a monorepo
(``platform/blueprintc.yaml``). Outside git the workspace root is the base.
"""

from __future__ import annotations

import dataclasses
import os
import re
import subprocess
from pathlib import Path

from blueprintc.childenv import child_env
from blueprintc.lint import LintResult

_GIT_TIMEOUT_SECONDS = 30


def repository_root(workspace_root: Path) -> Path:
    """The git top level holding ``workspace_root``; ``workspace_root`` when it is in no
    git work tree (or git is missing)."""
    # No credentials (childenv), and no GIT_* (a hook's GIT_DIR must not redirect it).
    env = {k: v for k, v in child_env().items() if not k.startswith("GIT_")}
    try:
        proc = subprocess.run(
            ["git", "-C", os.fspath(workspace_root), "rev-parse", "--show-toplevel"],
            capture_output=True,
            timeout=_GIT_TIMEOUT_SECONDS,
            env=env,
            stdin=subprocess.DEVNULL,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return workspace_root
    top = os.fsdecode(proc.stdout).strip()
    if proc.returncode != 0 or not top:
        return workspace_root
    real_top = Path(top).resolve()
    real_root = workspace_root.resolve()
    return real_top if real_root.is_relative_to(real_top) else workspace_root


def workspace_prefix(workspace_root: Path, top: Path) -> str:
    """The workspace's path below ``top`` with a trailing ``/`` ("" when they are one)."""
    rel = workspace_root.resolve().relative_to(top.resolve()).as_posix()
    return "" if rel == "." else rel + "/"


def from_repository_root(result: LintResult) -> LintResult:
    """``result`` with its root the repository root and every file below it: locations,
    and the workspace paths that messages and hints name (`set name: bp-demo in
    blueprints/demo/chart/Chart.yaml`), so a hint names the file its location does."""
    top = repository_root(result.root)
    prefix = workspace_prefix(result.root, top)
    if not prefix:
        return dataclasses.replace(result, root=top)
    rebase = PathRebaser(result.root, prefix)
    diagnostics = [
        dataclasses.replace(
            d,
            message=rebase(d.message),
            hint=rebase(d.hint),
            location=dataclasses.replace(
                d.location, file=prefix + d.location.file if d.location.file else prefix[:-1]
            ),
        )
        for d in result.diagnostics
    ]
    blueprints = [prefix + name for name in result.blueprints]
    return dataclasses.replace(result, root=top, diagnostics=diagnostics, blueprints=blueprints)


# A relative path in prose (two or more parts, or a directory's `name/`): not the tail of
# a longer path or URL.
_PATH_TOKEN = re.compile(r"(?<![\w./:-])[\w.-]+(?:(?:/[\w.-]+)+/?|/)")


_CODE_SPAN = re.compile(r"(`[^`]*`)")


class PathRebaser:
    """Prefixes the workspace-relative paths in a text: those whose first part is an
    entry of the workspace root (`blueprints/...`; a template's `bp-x/templates/...`
    in a Helm message is not one). Not inside a `code span`: that is text to write as
    it stands, such as blueprintc.yaml's workspace-relative `ignore: [blueprints/x/**]`."""

    def __init__(self, workspace_root: Path, prefix: str) -> None:
        self.prefix = prefix
        try:
            self.tops = frozenset(os.listdir(workspace_root))
        except OSError:
            self.tops = frozenset()

    def __call__(self, text: str) -> str:
        if not self.tops:
            return text
        parts = _CODE_SPAN.split(text)  # odd indexes: the code spans, kept as written
        return "".join(
            part if index % 2 else _PATH_TOKEN.sub(self._rebased, part)
            for index, part in enumerate(parts)
        )

    def _rebased(self, match: re.Match[str]) -> str:
        token = match.group()
        return self.prefix + token if token.split("/", 1)[0] in self.tops else token
