"""Organization specs, normalised. Never fails: the schema rule reports bad shapes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from blueprintc.yamldoc import PathKey, YamlDoc

BRANCH_OF_ENV_TYPE = {"dev": "develop", "stg": "staging", "prod": "main"}


@dataclass(frozen=True)
class Policy:
    required_approvers: int
    soak_duration: str
    min_re_score: int
    change_windows: tuple[dict[str, Any], ...]


@dataclass(frozen=True)
class Environment:
    env_type: str
    policy: Policy
    path: PathKey

    @property
    def branch(self) -> str:
        """dev, stg and prod live on develop, staging and main; others on their own branch."""
        return BRANCH_OF_ENV_TYPE.get(self.env_type, self.env_type)


@dataclass(frozen=True)
class Placement:
    mode: str | None
    regions: tuple[str, ...] | None


@dataclass(frozen=True)
class Application:
    name: str
    blueprint: str
    version: str | None
    size: str | None
    config: dict[str, Any]
    env_config: dict[str, dict[str, Any]]
    placement: Placement
    path: PathKey


@dataclass
class Organization:
    doc: YamlDoc
    slug: str
    display_name: str
    pool_domain: str | None
    regions: list[str]
    environments: list[Environment] = field(default_factory=list)
    applications: list[Application] = field(default_factory=list)

    @property
    def rel(self) -> str:
        return self.doc.source.rel


def _map(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _count(value: Any) -> int:
    """An integer as the schema takes it (`80`, `80.0`), else 0: `80%`, `"two"` or a
    list is the schema rule's finding (BPP015) at its line, never a failed conversion."""
    if isinstance(value, bool):
        return 0
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value if isinstance(value, int) else 0


def _policy(data: dict[str, Any]) -> Policy:
    soak = data.get("soakDuration")
    return Policy(
        required_approvers=_count(data.get("requiredApprovers")),
        soak_duration=soak if isinstance(soak, str) else "0s",
        min_re_score=_count(data.get("minREScore")),
        change_windows=tuple(w for w in _list(data.get("changeWindows")) if isinstance(w, dict)),
    )


def normalise_organization(doc: YamlDoc) -> Organization:
    data = _map(doc.data)
    spec = _map(data.get("spec"))
    environments = [
        Environment(str(e.get("type")), _policy(_map(e.get("policy"))), ("spec", "environments", i))
        for i, e in enumerate(_list(spec.get("environments")))
        if isinstance(e, dict) and e.get("type")
    ]
    applications = []
    for i, app in enumerate(_list(spec.get("applications"))):
        if not isinstance(app, dict) or not app.get("name") or not app.get("blueprint"):
            continue
        placement = _map(app.get("placement"))
        regions = placement.get("regions")
        applications.append(
            Application(
                name=str(app["name"]),
                blueprint=str(app["blueprint"]),
                version=str(app["version"]) if app.get("version") is not None else None,
                size=str(app["size"]) if app.get("size") else None,
                config=_map(app.get("config")),
                env_config={
                    str(k): _map(_map(v).get("config"))
                    for k, v in _map(app.get("environments")).items()
                },
                placement=Placement(
                    mode=str(placement["mode"]) if placement.get("mode") else None,
                    regions=tuple(str(r) for r in regions) if isinstance(regions, list) else None,
                ),
                path=("spec", "applications", i),
            )
        )
    return Organization(
        doc=doc,
        slug=str(_map(data.get("metadata")).get("name", "")),
        display_name=str(spec.get("displayName", "")),
        pool_domain=str(spec["poolDomain"]) if spec.get("poolDomain") else None,
        regions=[str(r) for r in _list(spec.get("regions"))],
        environments=environments,
        applications=applications,
    )
