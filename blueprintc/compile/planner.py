"""The plan: a pure description of every output file, with the diagnostics found on the way.

`compile_workspace` never writes; `blueprintc.emit` does. Files are grouped by
owner (the Sovereign, an Organization, an Application) and each file's
`inputs` digest covers everything that determined it, so an incremental emit
can skip what did not change.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from blueprintc import progress
from blueprintc.compile import catalyst_config as cc
from blueprintc.compile import flux, names
from blueprintc.compile.app_checks import crd_order, one_finding_per_failure, render_checks
from blueprintc.compile.app_hosts import app_hosts
from blueprintc.compile.app_names import reserved_name
from blueprintc.compile.app_ownership import app_ownership
from blueprintc.compile.apps import AppPlan, plan_application, resolve_blueprint
from blueprintc.compile.dependency_placement import unplaced_dependencies
from blueprintc.compile.findings import at, report, schema_reports
from blueprintc.compile.helmvalues import organization_values
from blueprintc.compile.inputfiles import organization_files
from blueprintc.compile.inputs import (
    Inputs,
    load_inputs,
    parse_organization,
    read_organization,
)
from blueprintc.compile.invariants import SLUG, check_organization, check_sovereign
from blueprintc.compile.kit import plan_kit
from blueprintc.compile.locked import gated_application, lock_removed
from blueprintc.compile.one_finding import one_finding_per_value
from blueprintc.compile.reads import InputReads
from blueprintc.compile.render_check import RenderCache
from blueprintc.compile.repos import app_branch_files, vcluster_files, vcluster_for
from blueprintc.compile.shard import Shard
from blueprintc.diagnostics import Diagnostic, failing
from blueprintc.emit.manifest import Entry, Manifest, ManifestIndex
from blueprintc.emit.model import OutputFile
from blueprintc.lint import finalise
from blueprintc.model.organization import Environment, Organization, normalise_organization
from blueprintc.source import SourceFile
from blueprintc.suppression import tolerance
from blueprintc.validate.references import Unresolved
from blueprintc.workspace import Workspace, load_workspace
from blueprintc.yamldoc import load_yaml

Documents = dict[str, list[dict[str, Any]]]


@dataclass
class CompileResult:
    inputs: Inputs
    files: list[OutputFile] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    apps: dict[str, AppPlan] = field(default_factory=dict)  # "<org>/<app>/<env>"
    renders: int = 0
    # Planning only what changed (`compile_workspace(..., unchanged=...)`): the owners
    # left out because their inputs are as recorded, and whether such a partial plan
    # was possible at all (False: the shared inputs changed, so everything changes).
    carried: set[str] = field(default_factory=set)
    partial_ok: bool = True
    # What compile workers found of the files they planned (`blueprintc.compile.workers`):
    # each file's object kinds and schema findings, by path, and each Organization's
    # unresolved references, by part (`outcome.reference_part`).
    checked: dict[str, tuple[list[str], list[Diagnostic]]] = field(default_factory=dict)
    references: dict[str, list[Unresolved]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not failing(self.diagnostics, self.inputs.workspace.fail_on)


CATALYST_CONFIG = cc.ROOT
# Fewer fresh Organizations are planned in this process: forking workers costs more.
PARALLEL_MIN_ORGANIZATIONS = 16
SOVEREIGN_OWNER = "@sovereign"  # owners of non-Organization files; slugs cannot hold "@"
INDEX_OWNER = "@index"


def compile_workspace(
    root: Path | Workspace,
    previous: Manifest | None = None,
    *,
    unchanged: ManifestIndex | None = None,
    reads: InputReads | None = None,
    shard: Shard | None = None,
    jobs: int = 1,
    validate: bool = True,
) -> CompileResult:
    """Plan every output file. With `previous` (the manifest of the last emit into
    out/), Organizations whose inputs did not change are not parsed or planned:
    their files are carried over with a `build` that re-plans them only if emit
    finds the file on disk no longer matches (a hand edit, a deleted file).

    With `unchanged` (the manifest index of an out/ known to be untouched), plan
    only the owners whose inputs digest differs from the index's: the others are
    named in `result.carried` and get no files, and the catalyst-config index file
    is left to the caller (`index_files`), who knows the carried owners' paths.

    `reads`: the reads of the fingerprint taken for this compile (their bytes are the
    ones parsed); a fresh reader when not given.

    With `shard`, plan only that shard's part (`blueprintc.compile.shard`): shard 1
    also reads every other Organization, for the catalyst-config index and the
    check that no slug is defined twice; the other shards read only their own.

    With `jobs` > 1, the Organizations are planned in that many forked worker
    processes (`blueprintc.compile.workers`), which also check (if `validate`) and
    serialise their files: the result is the one a single process plans.
    """
    workspace = root if isinstance(root, Workspace) else load_workspace(root)
    inputs = load_inputs(workspace, organizations=False, reads=reads)
    result = CompileResult(inputs)
    sovereign = inputs.sovereign
    if sovereign is None:
        return _done(result)
    result.diagnostics.extend(_schema(sovereign.doc, "sovereign.schema.json"))
    result.diagnostics.extend(check_sovereign(workspace.canon, sovereign))
    cache = RenderCache(workspace.helm_budget, workspace.kubernetes_version)
    kit_digest = _digest(inputs.shared_digest)
    grouped = previous.by_owner() if previous is not None else {}
    reused = _reusable(grouped, SOVEREIGN_OWNER, kit_digest)
    if shard is not None and not shard.first:
        pass  # the Sovereign-wide part is shard 1's
    elif unchanged is not None:
        if unchanged.owners.get(SOVEREIGN_OWNER) != kit_digest:
            result.partial_ok = False  # shared inputs changed: every owner changes
            return _done(result)
        result.carried.add(SOVEREIGN_OWNER)
    elif reused:
        result.files.extend(_carried(reused, kit_digest, lambda: _kit_documents(inputs, cache)))
    else:
        kit_files, found = plan_kit(inputs, cache, kit_digest, SOVEREIGN_OWNER)
        result.files.extend(kit_files)
        result.diagnostics.extend(found)
    seen: dict[str, str] = {}
    fresh: list[Organization] = []
    others: set[str] = set()  # shard 1: the rel paths of Organizations other shards plan
    for path in organization_files(workspace):
        mine = shard is None or shard.owns(path.stem)
        if shard is not None and not mine and not shard.first:
            continue
        source = read_organization(inputs, path)
        if source is None:
            continue
        digest = _digest(inputs.shared_digest, inputs.organization_digests[source.rel])
        if not mine:
            org = parse_organization(inputs, source)
            if org is not None:
                fresh.append(org)
                others.add(org.rel)
            continue
        if unchanged is not None and unchanged.owners.get(path.stem) == digest:
            seen[path.stem] = source.rel
            result.carried.add(path.stem)
            continue
        reused = _reusable(grouped, path.stem, digest)
        if reused:
            seen[path.stem] = source.rel
            build = _lazy_organization(result, source, cache)
            result.files.extend(_carried(reused, digest, build))
            continue
        org = parse_organization(inputs, source)
        if org is not None:
            fresh.append(org)
    resources: list[str] = []
    planned: list[Organization] = []
    # Of two files defining one slug, the one named after it is planned, the other told.
    for org in sorted(fresh, key=lambda o: (o.slug, o.doc.source.path.stem != o.slug, o.rel)):
        if org.slug in seen:
            result.diagnostics.append(
                report(
                    "BPP013",
                    f"Organization {org.slug} is defined twice (also in {seen[org.slug]})",
                    at(org.doc, ("metadata", "name")),
                    f"delete {org.rel} if it is a copy, or give it its own metadata.name "
                    "(and its file that name)",
                )
            )
            continue
        seen[org.slug] = org.rel
        if org.rel in others:
            resources.extend(catalyst_resources(org))
        else:
            planned.append(org)
    if jobs > 1 and len(planned) >= PARALLEL_MIN_ORGANIZATIONS:
        from blueprintc.compile.workers import plan_in_workers

        plan_in_workers(result, planned, cache, jobs, validate)
    else:
        with progress.phase("plan Organizations", len(planned)) as step:
            for org in planned:
                step()
                plan_organization(result, org, cache)
    if shard is None or shard.first:  # shard 1 reads every Organization
        result.diagnostics.extend(lock_removed(inputs, fresh))
    if unchanged is None and (shard is None or shard.first):
        prefix = f"{cc.ROOT}/"
        resources += [f.path[len(prefix) :] for f in result.files if f.path.startswith(prefix)]
        result.files.extend(index_files(inputs, resources))
    result.renders += cache.renders  # after the workers' own (plan_in_workers)
    return _done(result)


def _reusable(
    grouped: dict[str, dict[str, Entry]], owner: str, digest: str
) -> list[tuple[str, Entry]]:
    """The previous files of `owner` (and its `owner/...` sub-owners), if every one was
    made from exactly these inputs; else nothing."""
    owned = grouped.get(owner, {})
    if owned and all(entry.inputs == digest for entry in owned.values()):
        return sorted(owned.items())
    return []


def _carried(
    owned: list[tuple[str, Entry]], digest: str, build: Callable[[], Documents]
) -> list[OutputFile]:
    memo: dict[str, Documents] = {}

    def documents(path: str) -> Callable[[], tuple[Any, ...]]:
        def produce() -> tuple[Any, ...]:
            if not memo:
                memo["all"] = build()
            return tuple(memo["all"].get(path, ()))

        return produce

    return [OutputFile(path, (), digest, entry.owner, documents(path)) for path, entry in owned]


def _kit_documents(inputs: Inputs, cache: RenderCache) -> Documents:
    files, _ = plan_kit(inputs, cache, _digest(inputs.shared_digest), SOVEREIGN_OWNER)
    return {f.path: list(f.documents) for f in files}


def _lazy_organization(
    result: CompileResult, source: SourceFile, cache: RenderCache
) -> Callable[[], Documents]:
    def build() -> Documents:
        scratch = CompileResult(result.inputs)
        doc = load_yaml(source, tolerance(result.inputs.workspace))  # reported when planned
        organization_values(doc)  # found clean when these files were planned
        org = normalise_organization(doc)
        plan_organization(scratch, org, cache)
        return {f.path: list(f.documents) for f in scratch.files}

    return build


def _done(result: CompileResult) -> CompileResult:
    """Input diagnostics (gathered while loading, also lazily) first, deduplicated, under
    the workspace's rule settings and inline comments exactly as lint applies them,
    sorted."""
    everything = [*result.inputs.diagnostics, *result.diagnostics]
    finalised = finalise(everything, result.inputs.workspace, None)
    result.diagnostics = one_finding_per_value(one_finding_per_failure(finalised))
    return result


def _schema(doc: Any, name: str) -> list[Diagnostic]:
    return schema_reports("BPP015", doc, name)


def _digest(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


def plan_organization(result: CompileResult, org: Organization, cache: RenderCache) -> None:
    inputs = result.inputs
    sovereign = inputs.sovereign
    assert sovereign is not None
    canon = inputs.workspace.canon
    result.diagnostics.extend(_schema(org.doc, "organization.schema.json"))
    pool = org.pool_domain or (sovereign.tenant_pool[0] if sovereign.tenant_pool else "")
    result.diagnostics.extend(check_organization(canon, sovereign, org, pool))
    if not SLUG.match(org.slug):
        return  # reported: every name planned from it would be wrong as well
    inputs_digest = _digest(inputs.shared_digest, inputs.organization_digests.get(org.rel, ""))
    documents: Documents = {}
    owners: dict[str, str] = {}
    siblings = {}
    entries = {}
    for app in org.applications:
        if app.name in siblings:
            result.diagnostics.append(
                report(
                    "BPP013",
                    f"Application {app.name} is defined twice in {org.slug}",
                    at(org.doc, (*app.path, "name")),
                    "merge the two entries into one, or give one of them another name",
                )
            )
            continue
        reserved = reserved_name(org, app)
        if reserved is not None:  # planned, it would replace what applies it
            result.diagnostics.append(reserved)
            continue
        siblings[app.name] = app
        entry, found = resolve_blueprint(inputs, org, app)
        result.diagnostics.extend(found)
        if entry is not None:
            entries[app.name] = entry
    vclusters: dict[tuple[str, str], list[tuple[AppPlan, str]]] = defaultdict(list)
    planned: list[AppPlan] = []
    for env in org.environments:
        for name, app in siblings.items():
            gated = gated_application(inputs, org, env, app)
            result.diagnostics.extend(gated.diagnostics)
            entry = gated.locked.entry if gated.locked is not None else entries.get(name)
            if entry is None or not gated.planned:
                continue
            plan = plan_application(inputs, org, env, app, entry, siblings, gated.locked)
            result.diagnostics.extend(plan.diagnostics)
            result.apps[f"{org.slug}/{app.name}/{env.env_type}"] = plan
            planned.append(plan)
            result.diagnostics.extend(render_checks(inputs, plan, cache))
            for path, docs in app_branch_files(sovereign, plan).items():
                documents[path] = docs
                owners[path] = plan.owner
            assert plan.placement is not None
            for region in plan.placement.regions:
                host, vcluster, _ = vcluster_for(plan, region)
                vclusters[(host, vcluster)].append((plan, region))
    result.diagnostics.extend(unplaced_dependencies(planned))
    result.diagnostics.extend(crd_order(inputs, planned, cache))
    result.diagnostics.extend(app_ownership(inputs, planned, cache))
    result.diagnostics.extend(app_hosts(inputs, pool, planned, cache))
    env_vclusters: dict[str, list[str]] = defaultdict(list)
    for (host, vcluster), plans in sorted(vclusters.items()):
        env_vclusters[plans[0][0].env.env_type].append(vcluster)
        for path, docs in vcluster_files(sovereign, vcluster, host, plans).items():
            documents[path] = docs
            owners[path] = f"{org.slug}/vclusters"
    base = f"{cc.ROOT}"
    documents[f"{base}/{_organization_resource(org)}"] = [
        cc.organization_resource(sovereign, org, pool)
    ]
    for env in org.environments:
        documents[f"{base}/{_environment_resource(org, env)}"] = [
            cc.environment_resource(sovereign, org, env, sorted(env_vclusters[env.env_type]))
        ]
        documents[f"{base}/{_policy_resource(org, env)}"] = [
            cc.policy_resource(sovereign, org, env)
        ]
    for path, docs in documents.items():
        result.files.append(
            OutputFile(path, tuple(docs), inputs_digest, owners.get(path, org.slug))
        )


def catalyst_resources(org: Organization) -> list[str]:
    """The catalyst-config files `plan_organization` writes for `org` (relative to
    CATALYST_CONFIG), named without planning it."""
    if not SLUG.match(org.slug):
        return []
    paths = [_organization_resource(org)]
    for env in org.environments:
        paths += [_environment_resource(org, env), _policy_resource(org, env)]
    return list(dict.fromkeys(paths))


def _organization_resource(org: Organization) -> str:
    return f"organizations/{org.slug}.yaml"


def _environment_resource(org: Organization, env: Environment) -> str:
    return f"environments/{names.environment(org.slug, env.env_type)}.yaml"


def _policy_resource(org: Organization, env: Environment) -> str:
    return f"policies/{names.policy(org.slug, env.env_type)}.yaml"


def index_files(inputs: Inputs, resources: list[str]) -> list[OutputFile]:
    """The catalyst-config `kustomization.yaml`, listing every Organization's resources
    (paths relative to `CATALYST_CONFIG`, taken from the planned or recorded paths, so
    carried-over Organizations need no parsing)."""
    resources = sorted(resources)
    digest = _digest(inputs.shared_digest, *resources)
    documents = {f"{cc.ROOT}/kustomization.yaml": [flux.kustomization(resources)]}
    return [OutputFile(p, tuple(d), digest, INDEX_OWNER) for p, d in documents.items()]
