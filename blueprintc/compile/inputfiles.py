"""Where compile's inputs are, and the fingerprint of every byte in them.

The directories blueprintc.yaml names (`organizations`, `overlays`) must be
directories inside the workspace: a file, an absolute path or a path out of the
workspace is an error at the key, never "no Organizations". Every file listed
here is read through the safe source layer (`InputReads`), so a FIFO, a device
or a link out of the workspace among them is a diagnostic at that file, never a
hang or an unbounded read.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

from blueprintc import __version__
from blueprintc.compile.reads import InputReads
from blueprintc.source import InputError
from blueprintc.workspace import WORKSPACE_FILE, Workspace

# The directories compile reads, by blueprintc.yaml key; whether a missing one is an
# error when the key names it (a missing overlays directory just means no overlays).
INPUT_DIRS = {"organizations": True, "overlays": False}
LOCK_FILE = "blueprintc.lock"  # what promotion-gated Environments run (promote/lock.py)


def setting(workspace: Workspace, key: str, default: str) -> str:
    data = workspace.doc.data if workspace.doc is not None else None
    value = data.get(key) if isinstance(data, dict) else None
    return value if isinstance(value, str) else default


def input_dir(workspace: Workspace, key: str) -> Path | None:
    """The directory blueprintc.yaml's `key` names (default: `key`), or None when it
    is absent and need not exist. Raises InputError when it is not a directory inside
    the workspace."""
    data = workspace.doc.data if workspace.doc is not None else None
    explicit = isinstance(data, dict) and key in data
    value = data.get(key) if explicit else key
    if explicit and not isinstance(value, str):
        raise _config_error(workspace, key, f"`{key}` must be a directory path, not {value!r}")
    assert isinstance(value, str)
    path = workspace.root / value
    where = f"`{key}: {value}` in {WORKSPACE_FILE}" if explicit else f"{value}"
    real = Path(os.path.realpath(path))
    if not real.is_relative_to(workspace.root) or os.path.isabs(value):
        message = f"{where} is outside the workspace ({real})"
        if explicit:
            raise _config_error(workspace, key, message)
        raise InputError(
            "BPI006",
            message,
            value,
            hint=f"keep the {key} directory inside the workspace (a link may not leave it)",
        )
    if not os.path.lexists(path):
        if explicit and INPUT_DIRS.get(key, True):
            raise _config_error(workspace, key, f"{where}: the directory does not exist")
        return None
    if not path.is_dir():
        message = f"{where} is not a directory"
        if explicit:
            raise _config_error(workspace, key, message)
        raise InputError(
            "BPI007",
            f"{message}: compile reads the {key} from the directory {value}/",
            value,
            hint=f"move the file away and create the directory {value}/, "
            f"or name another directory with `{key}:` in {WORKSPACE_FILE}",
        )
    return path


def _config_error(workspace: Workspace, key: str, message: str) -> InputError:
    doc = workspace.doc
    assert doc is not None
    line, column = doc.locate((key,))
    return InputError(
        "BPI009",
        message,
        doc.source.rel,
        line,
        column,
        hint=f"set `{key}:` to a directory inside the workspace, relative to {WORKSPACE_FILE}",
    )


def _organizations_dir(workspace: Workspace) -> Path | None:
    """The organizations directory; None when it is absent or refused (load_inputs
    reports why)."""
    try:
        return input_dir(workspace, "organizations")
    except InputError:
        return None


def organization_files(workspace: Workspace) -> list[Path]:
    """The Organization specs (`*.yaml`, `*.yml` in the organizations directory), sorted;
    none when the directory is absent or refused."""
    folder = _organizations_dir(workspace)
    if folder is None:
        return []
    return sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".yml"))


def nested_organization_files(workspace: Workspace) -> list[Path]:
    """The `*.yaml`/`*.yml` files below a subdirectory of the organizations directory,
    sorted: Organization specs compile does not read (`organization_files` reads the
    directory's own), which a user who sorted them into folders would lose."""
    folder = _organizations_dir(workspace)
    if folder is None:
        return []
    found = []
    for directory, dirs, files in os.walk(folder):
        dirs.sort()
        if Path(directory) != folder:
            found += [Path(directory, f) for f in files if Path(f).suffix in (".yaml", ".yml")]
    return sorted(found)


def tree_files(top: Path) -> list[Path]:
    """Every entry under `top` that is not a directory (a link to one included), sorted;
    links to directories are not followed."""
    found = []
    for directory, dirs, files in os.walk(top):
        base = Path(directory)
        found += [base / name for name in files]
        found += [base / name for name in dirs if os.path.islink(base / name)]
    return sorted(found)


def inside(path: Path, root: Path) -> bool:
    """`path`, links resolved, is `root` or below it."""
    return Path(os.path.realpath(path)).is_relative_to(root)


def fingerprint(workspace: Workspace, reads: InputReads) -> str:
    """A digest of every byte compile reads (and of blueprintc's version): equal
    fingerprints mean an equal plan, so a sealed out/ needs no planning at all.

    Each file is read once, through `reads`, which keeps the bytes the planner then
    parses; a refused file counts as its refusal (the plan reports it)."""
    digest = hashlib.sha256(f"blueprintc {__version__}\n".encode())
    root = workspace.root
    if workspace.doc is not None:  # the very text load_workspace parsed
        digest.update(f"{WORKSPACE_FILE}\0".encode())
        digest.update(hashlib.sha256(workspace.doc.source.text.encode()).digest())
    if workspace.canon.origin != "default canon":
        digest.update(repr(sorted(workspace.canon.data.items())).encode())
    paths = [root / setting(workspace, "sovereign", "sovereign.yaml")]
    lock = root / LOCK_FILE
    if lock.exists() or lock.is_symlink():
        paths.append(lock)
    paths += organization_files(workspace)
    trees = []
    try:
        trees.append(input_dir(workspace, "overlays"))
    except InputError:
        digest.update(b"overlays refused\0")
    trees += [root / d for d in workspace.blueprint_dirs]
    trees += [root / d for d in kit_manifest_dirs(workspace, reads)]
    for tree in trees:
        if tree is not None and tree.is_dir() and inside(tree, root):
            paths += tree_files(tree)
    for path in paths:
        digest.update(reads.rel(path).encode())
        if os.path.islink(path) and os.path.isdir(path) and inside(path, root):
            digest.update(b"\0link " + os.readlink(path).encode())  # a linked directory
            continue
        try:
            digest.update(b"\0" + reads.digest(path))
        except InputError as exc:
            digest.update(f"\0refused {exc.rule}".encode())
    reads.seal_covers()
    return digest.hexdigest()


def _sovereign_data(workspace: Workspace, reads: InputReads) -> dict[str, Any]:
    """The Sovereign spec's data, read without the rest of the inputs ({} if refused)."""
    path = workspace.root / setting(workspace, "sovereign", "sovereign.yaml")
    from blueprintc.suppression import tolerance
    from blueprintc.yamldoc import load_yaml

    try:
        data = load_yaml(reads.source(path), tolerance(workspace)).data
    except InputError:
        return {}
    return data if isinstance(data, dict) else {}


def validation_context(workspace: Workspace) -> str:
    """What objects are validated against beyond blueprintc's own defaults ("" for
    none): a non-default Kubernetes version, the extra schemas' bytes. Part of the seal's
    fingerprint and of every owner's inputs digest, so a tree checked otherwise is
    neither sealed, nor partly re-planned, nor carried over."""
    context = []
    if workspace.kubernetes_version != Workspace.kubernetes_version:
        context.append(f"kubernetes {workspace.kubernetes_version}")
    if workspace.schema_locations:
        from blueprintc.validate.extra_schemas import schema_digest

        context.append(f"schemas {schema_digest(workspace.schema_locations)}")
    return " ".join(context)


def sovereign_name(workspace: Workspace, reads: InputReads) -> str:
    """`metadata.name` of the Sovereign spec, read without the rest of the inputs."""
    metadata = _sovereign_data(workspace, reads).get("metadata")
    return str(metadata.get("name", "")) if isinstance(metadata, dict) else ""


def kit_manifest_dirs(workspace: Workspace, reads: InputReads) -> list[str]:
    """The plain manifest directories the Sovereign's `spec.kit` names (their bytes are
    compile's inputs too)."""
    spec = _sovereign_data(workspace, reads).get("spec")
    kit = spec.get("kit") if isinstance(spec, dict) else None
    if not isinstance(kit, dict):
        return []
    named = [*(kit.get("before") or []), *(kit.get("after") or [])]
    return [d for d in named if isinstance(d, str) and d and not os.path.isabs(d)]
