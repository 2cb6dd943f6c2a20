"""Finding a workspace, reading its `blueprintc.yaml`, and discovering Blueprints."""

from __future__ import annotations

import fnmatch
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from blueprintc import listing
from blueprintc.canon import Canon, load_canon
from blueprintc.diagnostics import Severity
from blueprintc.helm_pool import DEFAULT_BUDGET, LEAST_MEMORY_MIB, Budget
from blueprintc.source import DEFAULT_MAX_FILE_BYTES, InputError, read_source
from blueprintc.yamldoc import YamlDoc, load_yaml

WORKSPACE_FILE = "blueprintc.yaml"
BLUEPRINT_FILE = "blueprint.yaml"
# Directories never searched for Blueprints: vendored charts, VCS, caches, output.
SKIP_DIRS = frozenset({"charts", ".git", ".venv", "node_modules", "out", "__pycache__", "golden"})


@dataclass(frozen=True)
class RuleConfig:
    enabled: bool = True
    severity: Severity | None = None
    ignore: tuple[str, ...] = ()
    options: dict[str, Any] = field(default_factory=dict, compare=False)  # each rule reads its own

    def ignores(self, rel: str) -> bool:
        return any(fnmatch.fnmatch(rel, pattern) for pattern in self.ignore)


@dataclass
class Workspace:
    root: Path
    canon: Canon
    doc: YamlDoc | None = None
    blueprint_dirs: tuple[str, ...] = ("blueprints",)
    fail_on: Severity = Severity.ERROR
    rules: dict[str, RuleConfig] = field(default_factory=dict)
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES
    helm_budget: Budget = DEFAULT_BUDGET  # what one Helm load or render may take
    kubernetes_version: str = "1.32.0"  # whose schemas validate emitted objects
    schema_locations: tuple[Path, ...] = ()  # extra schemas for kinds not carried
    artifacts: str | None = None  # where locked versions the catalog lacks are read from
    _real: dict[Path, Path] = field(default_factory=dict, repr=False, compare=False)
    # What rules work out from the workspace alone, once per run (every Blueprint asks).
    memo: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def real(self, path: Path) -> Path:
        """`path.resolve()`, asked of the file system once per path in a run: an absolute
        path whose last part is a name that is no link is its parent's real path and that
        name (one `lstat`, the parent's answer shared by its siblings)."""
        real = self._real.get(path)
        if real is None:
            parent = path.parent
            if parent == path or not path.is_absolute() or path.name in ("", ".", ".."):
                real = path.resolve()
            else:
                try:
                    linked = stat.S_ISLNK(os.lstat(path).st_mode)
                except OSError:
                    linked = True  # missing or unreadable: resolve() says what it is
                real = path.resolve() if linked else self.real(parent) / path.name
            self._real[path] = real
        return real

    def rule_config(self, rule_id: str) -> RuleConfig:
        return self.rules.get(rule_id, RuleConfig())

    def rel(self, path: Path) -> str:
        """Workspace-relative posix name: of the real path, else of the path as written
        (a link that leaves the workspace is named by where it sits)."""
        for candidate in (self.real(path), _absolute(path)):
            if candidate.is_relative_to(self.root):
                return candidate.relative_to(self.root).as_posix()
        return path.as_posix()


def _absolute(path: Path) -> Path:
    """Absolute and normalised, without resolving symbolic links."""
    return Path(os.path.normpath(path.absolute()))


def find_root(start: Path) -> Path:
    """The nearest ancestor holding `blueprintc.yaml` (searched from the path as written,
    so a linked Blueprint belongs to the workspace it sits in); else the current directory
    when `start` is inside it, else the start directory itself."""
    found = workspace_root(start)
    if found is not None:
        return found
    start = _absolute(start)
    here = (start if start.is_dir() else start.parent).resolve()
    cwd = Path.cwd().resolve()
    return cwd if here == cwd or cwd in here.parents else here


def workspace_root(start: Path) -> Path | None:
    """The nearest ancestor of `start` (itself included) holding `blueprintc.yaml`, if any."""
    start = _absolute(start)
    here = start if start.is_dir() else start.parent
    for candidate in (here, *here.parents):
        if (candidate / WORKSPACE_FILE).is_file():
            return candidate.resolve()
    return None


def load_workspace(root: Path) -> Workspace:
    """Read `blueprintc.yaml` (optional). Malformed values raise InputError (BPI009)."""
    root = root.resolve()
    path = root / WORKSPACE_FILE
    if not path.exists():
        return Workspace(root=root, canon=load_canon(None, root))
    doc = load_yaml(read_source(path, root))
    data = doc.data if isinstance(doc.data, dict) else {}
    lint = data.get("lint") if isinstance(data.get("lint"), dict) else {}
    canon_file = data.get("canon")
    workspace = Workspace(
        root=root,
        canon=load_canon(root / canon_file if isinstance(canon_file, str) else None, root),
        doc=doc,
    )
    blueprints = data.get("blueprints")
    if isinstance(blueprints, list):
        workspace.blueprint_dirs = tuple(str(b) for b in blueprints)
    if isinstance(lint.get("failOn"), str):
        workspace.fail_on = _severity(doc, ("lint", "failOn"), lint["failOn"])
    if isinstance(lint.get("maxFileBytes"), int):
        workspace.max_file_bytes = lint["maxFileBytes"]
    if isinstance(data.get("helm"), dict):
        workspace.helm_budget = _helm_budget(doc, data["helm"])
    if isinstance(data.get("kubernetesVersion"), str):
        workspace.kubernetes_version = data["kubernetesVersion"]
    if isinstance(data.get("schemaLocations"), list):
        workspace.schema_locations = tuple(
            root / str(p) for p in data["schemaLocations"] if isinstance(p, str)
        )
    if isinstance(data.get("artifacts"), str):
        workspace.artifacts = data["artifacts"]
    rules = lint.get("rules") if isinstance(lint.get("rules"), dict) else {}
    for rule_id, setting in rules.items():
        workspace.rules[str(rule_id)] = _rule_config(doc, ("lint", "rules", str(rule_id)), setting)
    return workspace


def _helm_budget(doc: YamlDoc, settings: dict[str, Any]) -> Budget:
    """`helm: {timeoutSeconds, memoryMiB}`: the budget of each Helm load and render."""
    seconds = settings.get("timeoutSeconds", DEFAULT_BUDGET.seconds)
    memory = settings.get("memoryMiB", DEFAULT_BUDGET.memory_bytes >> 20)
    for key, value, least in (
        ("timeoutSeconds", seconds, 0.1),
        ("memoryMiB", memory, LEAST_MEMORY_MIB),
    ):
        if isinstance(value, bool) or not isinstance(value, int | float) or not value >= least:
            line, column = doc.locate(("helm", key))
            raise InputError(
                "BPI009",
                f"helm.{key} must be a number of at least {least}, not {value!r}",
                doc.source.rel,
                line,
                column,
                hint="write e.g. `helm: {timeoutSeconds: 10, memoryMiB: 1024}`",
            )
    return Budget(seconds=float(seconds), memory_bytes=int(memory) << 20)


def _severity(doc: YamlDoc, path: tuple[str, ...], text: str) -> Severity:
    try:
        return Severity.parse(text)
    except ValueError as exc:
        line, column = doc.locate(path)
        raise InputError(
            "BPI009", str(exc), doc.source.rel, line, column, hint="use error, warning or info"
        ) from None


def _rule_config(doc: YamlDoc, path: tuple[str, ...], setting: Any) -> RuleConfig:
    if setting is False or setting == "off":
        return RuleConfig(enabled=False)
    if isinstance(setting, str):
        return RuleConfig(severity=_severity(doc, path, setting))
    if isinstance(setting, dict):
        severity = setting.get("severity")
        if severity is False:  # YAML 1.1 reads a bare `off` as false
            severity = "off"
        ignore = setting.get("ignore") or []
        options = setting.get("options") or {}
        if not isinstance(options, dict):
            raise _setting_error(
                doc,
                (*path, "options"),
                f"options for {path[-1]} must be a mapping",
                f"write e.g. `options: {{...}}` (blueprintc explain {path[-1]} lists them)",
            )
        if not isinstance(ignore, list):
            raise _setting_error(
                doc,
                (*path, "ignore"),
                f"ignore for {path[-1]} must be a list of glob patterns",
                "write e.g. `ignore: [blueprints/legacy/**]`",
            )
        return RuleConfig(
            enabled=severity != "off",
            severity=_severity(doc, (*path, "severity"), severity)
            if isinstance(severity, str) and severity != "off"
            else None,
            ignore=tuple(str(p) for p in ignore),
            options=options,
        )
    raise _setting_error(
        doc,
        path,
        f"rule setting for {path[-1]} must be off, a severity, or a mapping",
        "write e.g. `BPN001: warning` or `BPN001: {severity: off}`",
    )


def _setting_error(doc: YamlDoc, path: tuple[str, ...], message: str, hint: str) -> InputError:
    """BPI009 at `path` of blueprintc.yaml."""
    line, column = doc.locate(path)
    return InputError("BPI009", message, doc.source.rel, line, column, hint=hint)


def discover(paths: list[Path], workspace: Workspace, *, empty_ok: bool = False) -> list[Path]:
    """Blueprint directories for the given paths, each once, in a stable order.

    A file selects the Blueprint that contains it (as a pre-commit hook passes
    changed files); a directory selects itself if it is a Blueprint, else every
    Blueprint below it. No paths means the workspace's catalog (`catalog_dirs`).
    A symbolic link to a Blueprint directory is followed when its target is inside
    the workspace (the target is linted once, under its real name); a link that
    leaves the workspace is kept as written, so reading it reports BPI006.
    `blueprintc.yaml` itself selects the whole catalog: its settings apply to every
    Blueprint. Paths outside the workspace are refused (InputError, a usage error), and
    so is a directory given explicitly that holds no Blueprint (unless `empty_ok`): a
    lint of it must never pass. A file outside every Blueprint selects nothing (a
    pre-commit hook passes every changed file). With `empty_ok`, a catalog directory
    that does not exist holds no Blueprint (a workspace without `blueprints/`, where
    a rule looks the whole catalog over); without it, that is an error, so `lint`
    with no paths names the missing directory.
    """
    root = workspace.root
    catalog = catalog_dirs(workspace)
    absent_catalog_ok = empty_ok
    unconfigured = not paths and workspace.doc is None  # the catalog is a default
    if not paths:
        paths, empty_ok = catalog, True
    elif any(_absolute(p) == root / WORKSPACE_FILE for p in paths):
        paths = [p for p in paths if _absolute(p) != root / WORKSPACE_FILE] + catalog
    found: dict[Path, None] = {}
    for raw in paths:
        path = _absolute(raw)
        if not path.exists() and not path.is_symlink():
            if path in catalog:
                if absent_catalog_ok:
                    continue
                rel = path.relative_to(root).as_posix()
                raise InputError(
                    "BPI007",
                    f"no such directory: {rel}, a catalog directory of {WORKSPACE_FILE} "
                    "(its `blueprints:` list; `blueprints` when unset)",
                    rel,
                    hint=f"create {rel}/, list the catalog's directories under `blueprints:` "
                    f"in {WORKSPACE_FILE}, or pass the Blueprints to lint",
                )
            raise InputError(
                "BPI007", f"no such file or directory: {raw}", str(raw), hint="check the path"
            )
        if not path.is_relative_to(root):
            path = path.resolve()  # the same place, reached through a linked parent?
        if not path.is_relative_to(root):
            raise InputError(
                "BPI006",
                f"{raw} is outside the workspace {root}; lint each workspace on its own",
                str(raw),
                hint="run blueprintc from the workspace, or pass paths inside it",
            )
        if path.is_dir() and is_blueprint(path):
            found[_blueprint_dir(path, root)] = None
        elif path.is_dir() and not path.is_symlink() and (children := _walk(path, root)):
            found.update(dict.fromkeys(children))
        else:  # a file, or a directory inside a Blueprint (such as its chart/)
            owner = _owning_blueprint(path, root)
            if owner is not None:
                found[owner] = None
            elif path.is_dir() and not empty_ok:
                raise InputError(
                    "BPI007",
                    f"{raw} holds no Blueprint: no blueprint.yaml, chart/Chart.yaml or "
                    "manifests/ in it, below it or above it",
                    str(raw),
                    hint="pass a Blueprint directory, a catalog directory or a file inside a "
                    "Blueprint",
                )
    if unconfigured and not found and catalog != [root]:
        # An empty `blueprints/` names no catalog: the Blueprints below the root are it.
        found.update(dict.fromkeys(_walk(root, root)))
    if unconfigured and not found and not absent_catalog_ok:
        raise InputError(
            "BPI007",
            f"no Blueprint here: no {WORKSPACE_FILE} names a catalog, and no directory "
            "below this one holds a blueprint.yaml, chart/Chart.yaml or manifests/",
            ".",
            hint="run blueprintc in the repository that holds the Blueprints, or pass them",
        )
    return sorted(found, key=lambda p: p.as_posix())


def catalog_dirs(workspace: Workspace) -> list[Path]:
    """The directories the catalog's Blueprints are found below: `blueprintc.yaml`'s
    `blueprints:` (`blueprints/` when unset). In a repository with no `blueprintc.yaml`
    and no `blueprints/`, the root itself: every Blueprint below it, as `lint .` finds
    them (the platform's own repository keeps its Blueprints in `platform/` and
    `products/`; `discover` does the same where `blueprints/` holds none); a written
    `blueprints:` list, or a `blueprintc.yaml` at all, is kept to the letter, so a
    missing directory there is still an error."""
    dirs = [workspace.root / d for d in workspace.blueprint_dirs]
    if workspace.doc is None and not any(d.is_dir() for d in dirs):
        return [workspace.root]
    return dirs


def is_blueprint(directory: Path) -> bool:
    """A directory is a Blueprint as a Blueprint repository's CI sees it: it holds
    `blueprint.yaml`, or `chart/Chart.yaml`, or `manifests/` (a missing `blueprint.yaml`
    is a finding of its own, BPI010, not a reason to look away)."""
    marker = directory / BLUEPRINT_FILE
    return (
        marker.exists()
        or marker.is_symlink()
        or (directory / "chart" / "Chart.yaml").is_file()
        or (directory / "manifests").is_dir()
    )


def has_blueprint_file(directory: Path) -> bool:
    marker = directory / BLUEPRINT_FILE
    return marker.exists() or marker.is_symlink()


def _blueprint_dir(path: Path, root: Path) -> Path:
    """The real directory when it is inside the workspace, else the path as written."""
    real = path.resolve()
    return real if real.is_relative_to(root) else path


def _walk(top: Path, root: Path, real: bool | None = None) -> list[Path]:
    """The Blueprint directories below `top`, by name order at each level. Listed with
    `os.scandir` (entries know whether they are links or directories); `real` says that
    `top` is its own real path, so a directory below it that is no link is one too."""
    if real is None:
        real = os.path.realpath(top) == os.fspath(top)
    with os.scandir(top) as found:
        entries = sorted(found, key=lambda e: e.name)  # what sorting the paths gives
    result = []
    for entry in entries:
        if entry.name in SKIP_DIRS or entry.name.startswith("."):
            continue
        path = Path(entry.path)
        if entry.is_symlink():
            # Followed only onto a Blueprint: never into a linked tree (no cycles).
            if listing.is_dir(entry) and is_blueprint(path):
                result.append(_blueprint_dir(path, root))
        elif listing.is_dir(entry):
            if is_blueprint(path):
                result.append(path if real else _blueprint_dir(path, root))
            else:
                result.extend(_walk(path, root, real))
    return result


def _owning_blueprint(path: Path, root: Path) -> Path | None:
    """The nearest Blueprint directory above `path`, searched no higher than `root`."""
    for candidate in path.parents:
        if not candidate.is_relative_to(root):
            break
        if is_blueprint(candidate):
            return _blueprint_dir(candidate, root)
    return None
