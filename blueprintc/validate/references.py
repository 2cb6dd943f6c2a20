"""Every reference in the planned tree resolves on the cluster it lands on (BPC003).

Flux waits forever on a `dependsOn`, `sourceRef` or `substituteFrom` that names
nothing, and a Kustomization `path` that does not exist stalls its whole cluster;
none of that is a schema error. This check models what each cluster applies, from
the planned files alone, before anything is written:

- a host cluster applies `clusters/<sovereign>/hosts/<host>/` (its Flux bootstrap),
  and every vcluster `vclusters/<vcluster>/` (the platform's vcluster bootstrap);
- a kustomization brings in the objects of the files it lists and of the
  directories it lists (recursively);
- a Flux Kustomization in a cluster brings in its `path`, in the repository its
  `sourceRef` GitRepository points at: the fleet repository (`system/fleet`, or
  the bootstrap's own GitRepository on a host cluster), or an Application
  repository `<org>/<app>` at the branch it follows (`repos/<org>/<app>/<branch>/`).

Then every HelmRelease `chart.spec.sourceRef`, `chart.spec.verify.secretRef` and
`dependsOn`, Kustomization `sourceRef`, `dependsOn`, `substituteFrom` (unless
optional) and `path`, GitRepository `verify.secretRef` and Receiver resource must
name an object (or directory) that cluster gets. Secrets the platform provisions
(registry logins, the webhook token) are not in the tree and are not checked.
Kustomize `patches` and `labels` are not applied: blueprintc's patches set values
only. Only freshly planned files are read; an incremental compile re-plans a whole
Organization or the whole kit, and no reference crosses from one to another.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

FLEET_REPO = "system/fleet"
KUSTOMIZATION = "kustomization.yaml"
ObjectKey = tuple[str, str, str]  # (kind, namespace, name)


@dataclass(frozen=True)
class Unresolved:
    file: str  # the tree path of the file holding the reference
    message: str  # what names what, without the cluster
    cluster: str


@dataclass
class _Cluster:
    name: str
    objects: dict[ObjectKey, tuple[str, dict[str, Any]]] = field(default_factory=dict)
    provided: set[ObjectKey] = field(default_factory=set)  # by the cluster's bootstrap
    walked: set[str] = field(default_factory=set)

    def has(self, key: ObjectKey) -> bool:
        return key in self.objects or key in self.provided


def unresolved_references(
    files: Mapping[str, Sequence[Any]], paths: set[str], bootstrap_source: str | None = None
) -> list[Unresolved]:
    """Every reference of `files` (tree path -> planned documents) that names nothing on
    its cluster; `paths` holds every path of the tree (carried-over files too).
    `bootstrap_source`: the GitRepository a host cluster's Flux bootstrap provides
    (`spec.kit.sourceRef`); None reads it from each host's `bootstrap-kit.yaml`."""
    directories = _directories(paths)
    found: list[Unresolved] = []
    for name, root, provided in _entry_points(files, bootstrap_source):
        cluster = _Cluster(name, provided=provided)
        _walk(cluster, root, files, paths)
        _follow_kustomizations(cluster, files, paths, directories, found)
        found.extend(_check(cluster, directories))
    return sorted(set(found), key=lambda u: (u.file, u.message, u.cluster))


def _directories(paths: set[str]) -> set[str]:
    found = set()
    for path in paths:
        parent = posixpath.dirname(path)
        while parent and parent not in found:
            found.add(parent)
            parent = posixpath.dirname(parent)
    return found


def _entry_points(
    files: Mapping[str, Sequence[Any]], bootstrap_source: str | None
) -> Iterator[tuple[str, str, set[ObjectKey]]]:
    roots = set()
    for path in files:
        parts = path.split("/")
        if len(parts) >= 5 and parts[0] == "clusters" and parts[2] == "hosts":
            roots.add(("host cluster " + parts[3], "/".join(parts[:4]), True))
        elif len(parts) >= 3 and parts[0] == "vclusters":
            roots.add(("vcluster " + parts[1], "/".join(parts[:2]), False))
    for name, root, host in sorted(roots):
        source = bootstrap_source or _kit_source(files.get(f"{root}/bootstrap-kit.yaml", ()))
        provided = {("GitRepository", "flux-system", source)} if host else set()
        yield name, root, provided


def _kit_source(documents: Sequence[Any]) -> str:
    """The GitRepository a host's kit Kustomization reads: its bootstrap's."""
    for document in documents:
        if isinstance(document, dict) and _is_flux(document):
            source = (document.get("spec") or {}).get("sourceRef") or {}
            return str(source.get("name") or "flux-system")
    return "flux-system"


def _walk(
    cluster: _Cluster, directory: str, files: Mapping[str, Sequence[Any]], paths: set[str]
) -> None:
    """Add the objects the kustomization in `directory` builds (fresh files only)."""
    if directory in cluster.walked:
        return
    cluster.walked.add(directory)
    kustomization = files.get(f"{directory}/{KUSTOMIZATION}")
    if not kustomization or not isinstance(kustomization[0], dict):
        return  # carried over, or not planned: nothing here to read
    for resource in kustomization[0].get("resources") or []:
        target = posixpath.normpath(posixpath.join(directory, str(resource)))
        if f"{target}/{KUSTOMIZATION}" in paths:
            _walk(cluster, target, files, paths)
        for document in files.get(target, ()):
            if isinstance(document, dict) and document.get("kind"):
                cluster.objects.setdefault(_key(document), (target, document))


def _follow_kustomizations(
    cluster: _Cluster,
    files: Mapping[str, Sequence[Any]],
    paths: set[str],
    directories: set[str],
    found: list[Unresolved],
) -> None:
    """Walk each Flux Kustomization's path in its repository, until nothing new."""
    done: set[ObjectKey] = set()
    while True:
        pending = [
            (key, value)
            for key, value in cluster.objects.items()
            if key[0] == "Kustomization" and _is_flux(value[1]) and key not in done
        ]
        if not pending:
            return
        for key, (file, document) in pending:
            done.add(key)
            spec = document.get("spec") or {}
            root = _repository_root(cluster, spec.get("sourceRef") or {}, key[1])
            if root is None:
                continue  # an unresolved sourceRef, reported by _check
            directory = posixpath.normpath(posixpath.join(root, str(spec.get("path", "."))))
            if directory not in directories:
                found.append(
                    Unresolved(
                        file,
                        f"Kustomization {key[1]}/{key[2]} applies path {spec.get('path')}, "
                        f"which is not in the tree ({directory}/)",
                        cluster.name,
                    )
                )
                continue
            _walk(cluster, directory, files, paths)


def _repository_root(cluster: _Cluster, source: Mapping[str, Any], namespace: str) -> str | None:
    """Where a GitRepository's tree is in out/: "" for the fleet repository."""
    key = _ref(source, namespace, "GitRepository")
    if key in cluster.provided:
        return ""
    held = cluster.objects.get(key)
    if held is None:
        return None
    spec = held[1].get("spec") or {}
    url = str(spec.get("url", "")).removesuffix("/").removesuffix(".git")
    repository = "/".join(url.split("/")[-2:])
    if repository == FLEET_REPO:
        return ""
    branch = str((spec.get("ref") or {}).get("branch", "main"))
    return f"repos/{repository}/{branch}"


def _check(cluster: _Cluster, directories: set[str]) -> Iterator[Unresolved]:
    for (kind, namespace, name), (file, document) in sorted(cluster.objects.items()):
        spec = document.get("spec") if isinstance(document.get("spec"), dict) else {}
        subject = f"{kind} {namespace}/{name}"
        for wanted, why in _references(kind, namespace, spec):
            if not cluster.has(wanted):
                yield Unresolved(
                    file,
                    f"{subject}: {why} {wanted[0]} {wanted[1]}/{wanted[2]}, which nothing in "
                    "the tree applies on its cluster",
                    cluster.name,
                )


def _references(kind: str, namespace: str, spec: dict[str, Any]) -> Iterator[tuple[ObjectKey, str]]:
    """(the object referred to, how) for each reference of an object's spec."""
    if kind == "HelmRelease":
        chart = ((spec.get("chart") or {}).get("spec")) or {}
        source = chart.get("sourceRef") or {}
        if source:
            yield _ref(source, namespace), "chart.spec.sourceRef"
        secret = (chart.get("verify") or {}).get("secretRef") or {}
        if secret.get("name"):  # in the namespace of the chart's source
            source_namespace = _ref(source, namespace)[1]
            yield _ref(secret, source_namespace, "Secret"), "chart.spec.verify.secretRef"
        for dependency in spec.get("dependsOn") or []:
            yield _ref(dependency, namespace, "HelmRelease"), "dependsOn"
    elif kind == "Kustomization":
        yield _ref(spec.get("sourceRef") or {}, namespace), "sourceRef"
        for dependency in spec.get("dependsOn") or []:
            yield _ref(dependency, namespace, "Kustomization"), "dependsOn"
        for item in (spec.get("postBuild") or {}).get("substituteFrom") or []:
            if not item.get("optional"):  # always in the Kustomization's own namespace
                yield (str(item.get("kind")), namespace, str(item.get("name"))), "substituteFrom"
    elif kind == "GitRepository":
        secret = (spec.get("verify") or {}).get("secretRef") or {}
        if secret.get("name"):
            yield _ref(secret, namespace, "Secret"), "verify.secretRef"
    elif kind == "Receiver":
        for resource in spec.get("resources") or []:
            yield _ref(resource, namespace), "resources"


def _ref(ref: Mapping[str, Any], namespace: str, kind: str | None = None) -> ObjectKey:
    """The object a Flux reference names: `kind` when given (a reference of one kind,
    such as `dependsOn`), else the reference's own; its `name`; its `namespace`, or
    the referring object's when it gives none."""
    return (
        str(kind or ref.get("kind")),
        str(ref.get("namespace") or namespace),
        str(ref.get("name")),
    )


def _key(document: dict[str, Any]) -> ObjectKey:
    metadata = document.get("metadata") if isinstance(document.get("metadata"), dict) else {}
    return str(document["kind"]), str(metadata.get("namespace") or ""), str(metadata.get("name"))


def _is_flux(document: dict[str, Any]) -> bool:
    return str(document.get("apiVersion", "")).startswith("kustomize.toolkit.fluxcd.io/")
