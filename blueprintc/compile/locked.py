"""Promotion-gated Environments built from `blueprintc.lock`, not from the moving spec.

With a lock in the workspace, an Application in a gated Environment (one whose
policy has `promotesFrom`) runs its entry: that Blueprint version and the
Application-level config recorded there; per-Environment config and overlays stay
the spec's. The version comes from the catalog when the catalog directory holds it,
else from its published source (`locked_source.py`), checked against the lock's
digest. Without a lock, promotion is not in use and every Environment follows the
spec, as before; with one, compile says what is missing from it (BPP030) and what
waits for a promotion (BPP031, for the information of whoever runs compile).

A lock deleted by accident would lift every gate without a word: when the workspace
has none but the commit checked out does, and some Environment is gated, compile
says so (BPP030, at blueprintc.lock). Outside git, or once the removal is
committed, promotion is simply not in use.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from blueprintc.blueprint_names import lookup
from blueprintc.compile.catalyst_config import promotion_source
from blueprintc.compile.findings import at, report
from blueprintc.compile.inputfiles import LOCK_FILE
from blueprintc.compile.inputs import CatalogEntry, Inputs, load_catalog_entry
from blueprintc.compile.reads import InputReads
from blueprintc.diagnostics import Diagnostic, Location
from blueprintc.model.organization import Application, Environment, Organization
from blueprintc.yamldoc import PathKey, YamlDoc

if TYPE_CHECKING:
    from blueprintc.promote.lock import LockEntry


_ABSENT = object()


@dataclass(frozen=True)
class LockedApp:
    """What a gated Environment runs: the locked version's catalog entry, and the
    Application config with where the lock holds it."""

    entry: CatalogEntry
    config: dict[str, Any]
    config_at: tuple[YamlDoc, PathKey]


@dataclass(frozen=True)
class Gated:
    """The lock's answer for one Application in one Environment. `locked` None and
    `planned` True: built from the spec (not gated, no lock, or no entry); `planned`
    False: the entry cannot be built (reported), so nothing is planned for it."""

    locked: LockedApp | None
    diagnostics: tuple[Diagnostic, ...] = ()
    planned: bool = True


def gated_application(
    inputs: Inputs, org: Organization, env: Environment, app: Application
) -> Gated:
    lock = inputs.lock
    if lock is None or lock.doc is None or lock.diagnostics:
        return Gated(None)  # no lock: not in use; an invalid one is reported once, on load
    source = promotion_source(org, env)
    if source is None:
        return Gated(None)
    found = lock.entries.get((org.slug, app.name, env.env_type))
    if found is None:
        return Gated(None, (_not_locked(org, env, app),))
    owner = ("applications", f"{org.slug}/{app.name}", env.env_type)
    entry, problem = locked_entry(inputs, found)
    if entry is None:
        where = at(lock.doc, (*owner, "version"))
        hint = (
            f"publish {found.blueprint} {found.version} with `blueprintc build --publish` "
            "(it attaches the source), point `artifacts:` in blueprintc.yaml at where it is "
            f"published, or promote {org.slug}/{app.name} to the catalog's version"
        )
        message = (
            f"blueprintc.lock pins {found.blueprint} {found.version} for {org.slug}/{app.name} "
            f"{env.env_type}, which compile cannot read: {problem}"
        )
        return Gated(None, (report("BPP029", message, where, hint),), planned=False)
    locked = LockedApp(entry, dict(found.config), (lock.doc, (*owner, "config")))
    waiting = _waiting(inputs, org, app, env.env_type, source, found, lock.doc, owner)
    return Gated(locked, tuple(waiting))


def locked_entry(inputs: Inputs, found: LockEntry) -> tuple[CatalogEntry | None, str]:
    """The catalog entry of a locked version (memoised per run); None and why not."""
    key = (found.blueprint, found.version, found.digest)
    memo: dict[tuple[str, str, str], tuple[CatalogEntry | None, str]]
    memo = inputs.locked_entries
    if key not in memo:
        memo[key] = _resolve(inputs, found)
    return memo[key]


def _resolve(inputs: Inputs, found: LockEntry) -> tuple[CatalogEntry | None, str]:
    catalog = lookup(inputs.catalog, found.blueprint)
    if catalog is not None and catalog.version == found.version:
        return catalog, ""
    from blueprintc.compile.locked_source import LockedSourceError, locked_directory

    workspace = inputs.workspace
    try:
        directory = locked_directory(workspace, found.blueprint, found.version, found.digest)
    except LockedSourceError as exc:
        has = f"the catalog has {catalog.version}" if catalog else "the catalog lacks it"
        return None, f"{has}, and {exc}"
    reads = InputReads(directory, workspace.max_file_bytes)
    entry = load_catalog_entry(inputs, directory, reads)
    if entry is None or entry.name != found.blueprint or entry.version != found.version:
        return None, f"its published source is not {found.blueprint} {found.version}"
    return entry, ""


_SHOWN = 5


def lock_removed(inputs: Inputs, organizations: Iterable[Organization]) -> list[Diagnostic]:
    """BPP030 at blueprintc.lock when the workspace has none, the commit checked out has
    one and some Environment of `organizations` is gated (see the module doc): git is
    asked only then, once."""
    lock = inputs.lock
    if lock is None or lock.present or lock.diagnostics:
        return []  # not read, there, or unreadable (reported on load)
    gated = sorted(
        f"{org.slug} {env.env_type}"
        for org in organizations
        for env in org.environments
        if promotion_source(org, env) is not None
    )
    from blueprintc.gitfiles import in_head

    if not gated or not in_head(inputs.workspace.root, LOCK_FILE):
        return []
    named = ", ".join(gated[:_SHOWN]) + (
        f" and {len(gated) - _SHOWN} more" if gated[_SHOWN:] else ""
    )
    message = (
        f"{LOCK_FILE} is missing from the workspace, but the commit checked out has it: the "
        f"promotion-gated Environments ({named}) are built from the spec, as if promoted"
    )
    hint = f"restore it (`git checkout -- {LOCK_FILE}`), or, to stop promoting, commit its removal"
    return [report("BPP030", message, Location(LOCK_FILE), hint)]


def _not_locked(org: Organization, env: Environment, app: Application) -> Diagnostic:
    return report(
        "BPP030",
        f"{org.slug}/{app.name} {env.env_type} is promotion-gated and not in blueprintc.lock: "
        "it is built from the spec, as if promoted",
        at(org.doc, (*app.path, "name")),
        hint="run `blueprintc lock` to pin it (a new Application or Environment starts "
        "from the spec), and commit blueprintc.lock",
    )


def _waiting(
    inputs: Inputs,
    org: Organization,
    app: Application,
    env_type: str,
    source: str,
    found: LockEntry,
    doc: YamlDoc,
    owner: PathKey,
) -> list[Diagnostic]:
    """BPP031 (information) when the source Environment runs something else."""
    lock = inputs.lock
    assert lock is not None
    upstream = lock.entries.get((org.slug, app.name, source))
    if upstream is None:
        catalog = lookup(inputs.catalog, app.blueprint)
        if catalog is None:
            return []  # the spec's own finding (BPP002)
        runs = (catalog.name, catalog.version, f"sha256:{catalog.identity}", dict(app.config))
    else:
        runs = (upstream.blueprint, upstream.version, upstream.digest, dict(upstream.config))
    if runs == (found.blueprint, found.version, found.digest, dict(found.config)):
        return []
    changes = []
    if (runs[0], runs[1]) != (found.blueprint, found.version):
        changes.append(f"{found.blueprint} {found.version} -> {runs[0]} {runs[1]}")
    elif runs[2] != found.digest:
        changes.append(f"{found.blueprint} {found.version} content")
    if runs[3] != dict(found.config):
        keys = sorted(
            {*runs[3], *found.config}
            - {k for k in runs[3] if runs[3].get(k) == found.config.get(k, _ABSENT)}
        )
        changes.append("config " + ", ".join(str(k) for k in keys))
    message = (
        f"{org.slug}/{app.name} {env_type} waits for a promotion from {source}: "
        f"{', '.join(changes)}"
    )
    hint = f"`blueprintc promote {org.slug}/{app.name} --to {env_type}` proposes it"
    return [report("BPP031", message, at(doc, owner), hint)]
