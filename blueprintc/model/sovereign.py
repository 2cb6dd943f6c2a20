"""The Sovereign spec, normalised. Never fails: the schema rule reports bad shapes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from blueprintc.durations import go_duration_seconds
from blueprintc.schemas import load_schema, validator_for
from blueprintc.yamldoc import PathKey, YamlDoc

SOVEREIGN_SCHEMA = "sovereign.schema.json"


@dataclass(frozen=True)
class Region:
    provider: str
    region: str
    building_blocks: tuple[str, ...]
    path: PathKey

    @property
    def key(self) -> str:
        """`{prov}-{reg}`, how Organizations refer to a region."""
        return f"{self.provider}-{self.region}"


@dataclass(frozen=True)
class KitEntry:
    """One `bootstrapKit` entry: a Flux release description (unset: Flux's default)."""

    blueprint: str
    version: str
    release_name: str
    target_namespace: str
    values: dict[str, Any]
    path: PathKey
    depends_on: tuple[str, ...] = ()  # kit Blueprints, as written (bp-x or x)
    wait: bool = True
    timeout: str | None = None
    interval: str | None = None
    install: dict[str, Any] = field(default_factory=dict)
    upgrade: dict[str, Any] = field(default_factory=dict)
    namespace_labels: dict[str, str] = field(default_factory=dict)
    namespace_annotations: dict[str, str] = field(default_factory=dict)
    slot: int | None = None
    placement_blocks: tuple[str, ...] = ()  # building blocks it goes to
    placement_clusters: tuple[str, ...] = ()  # and named host clusters (none: everywhere)


@dataclass(frozen=True)
class KitSettings:
    """`spec.kit`: the Flux Kustomization that applies the kit on each host cluster."""

    interval: str = "10m"
    wait: bool = False
    timeout: str | None = None
    source: str = "flux-system"
    before: tuple[str, ...] = ()  # plain manifest directories applied before the kit
    after: tuple[str, ...] = ()  # and after it


@dataclass(frozen=True)
class Mirror:
    """An upstream repository the Sovereign's Gitea pull-mirrors (``spec.git.mirrors``)."""

    url: str
    repo: str  # "<owner>/<name>" in the Sovereign's Gitea
    interval: str  # Gitea's mirror interval, a Go duration


def _mirrors(entries: list[Any]) -> tuple[Mirror, ...]:
    found = []
    for entry in entries:
        if not isinstance(entry, dict) or not entry.get("url"):
            continue
        url = str(entry["url"]).rstrip("/")
        default = "catalog/" + url.rsplit("/", 1)[-1].removesuffix(".git")
        found.append(
            Mirror(url, str(entry.get("repo") or default), str(entry.get("interval") or "8h"))
        )
    return tuple(found)


@dataclass
class Sovereign:
    doc: YamlDoc
    name: str
    fqdn: str
    env_types: tuple[str, ...] | None
    regions: list[Region]
    tenant_pool: list[str]
    registry: str
    git_base_url: str
    parameters: dict[str, str]
    kit: list[KitEntry] = field(default_factory=list)
    kit_settings: KitSettings = field(default_factory=KitSettings)
    signing_keys: tuple[str, ...] = ()  # armored OpenPGP public keys Flux verifies with
    mirrors: tuple[Mirror, ...] = ()  # upstream Blueprint repositories kept in its Gitea
    registry_keys: tuple[str, ...] = ()  # cosign public keys (PEM) Flux verifies charts with
    registry_secret: str = ""  # the Secret Flux logs in to `registry` with
    kit_registry: str = ""  # the kit's charts' registry ("" = `registry`)
    kit_registry_secret: str = ""  # and its login Secret ("" = registry_secret, same registry)
    receiver_url: str = ""  # each vcluster's Flux webhook receiver, with {vcluster}
    receiver_secret: str = "webhook-token"

    @property
    def rel(self) -> str:
        return self.doc.source.rel

    @property
    def primary(self) -> Region | None:
        return self.regions[0] if self.regions else None

    @property
    def hosting_regions(self) -> frozenset[str]:
        """The `{prov}-{reg}` keys of the regions that host Applications (the rtz
        building block): the regions an Organization may choose."""
        return frozenset(r.key for r in self.regions if "rtz" in r.building_blocks)

    @property
    def kit_source(self) -> tuple[str, str]:
        """(registry URL, login Secret name or "") the bootstrap kit's charts come from."""
        if self.kit_registry:
            return self.kit_registry, self.kit_registry_secret
        return self.registry, self.kit_registry_secret or self.registry_secret

    def region(self, key: str) -> Region | None:
        return next((r for r in self.regions if r.key == key), None)


def _map(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _short(name: str) -> str:
    return name[3:] if name.startswith("bp-") else name


def _strings(value: Any) -> dict[str, str]:
    return {str(k): str(v) for k, v in _map(value).items()}


def _optional(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _duration(value: Any) -> str | None:
    """A Go duration as Flux takes it; anything else is None (the schema reports it)."""
    if not isinstance(value, str) or value != value.strip():
        return None
    try:
        go_duration_seconds(value)
    except ValueError:
        return None
    return value


def _flux_setting(value: Any, definition: str) -> dict[str, Any]:
    """`install` or `upgrade` when Flux's schema takes it, else {} (the schema rule
    reports it at its line; compile must not also emit what Flux would refuse)."""
    schema = load_schema(SOVEREIGN_SCHEMA)["$defs"][definition]
    if not isinstance(value, dict) or not validator_for(schema).is_valid(value):
        return {}
    return value


def _kit_entry(entry: dict[str, Any], path: PathKey) -> KitEntry:
    release = str(entry.get("releaseName") or _short(entry["blueprint"]))
    namespace = _map(entry.get("namespace"))
    placement = _map(entry.get("placement"))
    slot = entry.get("slot")
    return KitEntry(
        blueprint=entry["blueprint"],
        version=str(entry.get("version", "*")),
        release_name=release,
        target_namespace=str(entry.get("targetNamespace") or release),
        values=_map(entry.get("values")),
        path=path,
        depends_on=tuple(d for d in _list(entry.get("dependsOn")) if isinstance(d, str)),
        wait=entry.get("wait") is not False,
        timeout=_duration(entry.get("timeout")),
        interval=_duration(entry.get("interval")),
        install=_flux_setting(entry.get("install"), "helmInstall"),
        upgrade=_flux_setting(entry.get("upgrade"), "helmUpgrade"),
        namespace_labels=_strings(namespace.get("labels")),
        namespace_annotations=_strings(namespace.get("annotations")),
        slot=slot if isinstance(slot, int) and not isinstance(slot, bool) and slot >= 0 else None,
        placement_blocks=tuple(str(b) for b in _list(placement.get("buildingBlocks"))),
        placement_clusters=tuple(str(c) for c in _list(placement.get("clusters"))),
    )


def _kit_settings(kit: dict[str, Any]) -> KitSettings:
    return KitSettings(
        interval=_duration(kit.get("interval")) or "10m",
        wait=kit.get("wait") is True,
        timeout=_duration(kit.get("timeout")),
        source=_optional(_map(kit.get("sourceRef")).get("name")) or "flux-system",
        before=tuple(d for d in _list(kit.get("before")) if isinstance(d, str)),
        after=tuple(d for d in _list(kit.get("after")) if isinstance(d, str)),
    )


def normalise_sovereign(doc: YamlDoc) -> Sovereign:
    data = _map(doc.data)
    spec = _map(data.get("spec"))
    regions = [
        Region(
            provider=str(r.get("provider", "")),
            region=str(r.get("region", "")),
            building_blocks=tuple(str(b) for b in _list(r.get("buildingBlocks"))),
            path=("spec", "regions", i),
        )
        for i, r in enumerate(_list(spec.get("regions")))
        if isinstance(r, dict)
    ]
    kit = []
    for i, entry in enumerate(_list(spec.get("bootstrapKit"))):
        if not isinstance(entry, dict) or not isinstance(entry.get("blueprint"), str):
            continue
        kit.append(_kit_entry(entry, ("spec", "bootstrapKit", i)))
    git = _map(spec.get("git"))
    env_types = spec.get("envTypes")
    return Sovereign(
        doc=doc,
        name=str(_map(data.get("metadata")).get("name", "")),
        fqdn=str(spec.get("fqdn", "")),
        env_types=tuple(str(e) for e in env_types) if isinstance(env_types, list) else None,
        regions=regions,
        tenant_pool=[str(d) for d in _list(spec.get("tenantPool"))],
        registry=str(spec.get("registry", "")),
        git_base_url=str(git.get("baseUrl", "")),
        parameters={str(k): str(v) for k, v in _map(spec.get("parameters")).items()},
        kit=kit,
        kit_settings=_kit_settings(_map(spec.get("kit"))),
        signing_keys=tuple(k for k in _list(git.get("signingKeys")) if isinstance(k, str)),
        mirrors=_mirrors(_list(git.get("mirrors"))),
        registry_keys=tuple(k for k in _list(spec.get("registryKeys")) if isinstance(k, str)),
        registry_secret=str(spec.get("registrySecret") or ""),
        kit_registry=str(spec.get("kitRegistry") or ""),
        kit_registry_secret=str(spec.get("kitRegistrySecret") or ""),
        receiver_url=str(_map(git.get("receiver")).get("url") or ""),
        receiver_secret=str(_map(git.get("receiver")).get("secretName") or "webhook-token"),
    )
