"""The canon's naming dimensions as checks: cluster names and location codes.

Built once per canon (`codes(canon)`); every literal comes from the canon's
`naming` section. A provider whose region table is empty in the canon (AWS,
GCP, Azure today) has its region segment accepted as is: the canon cannot
judge it, and a rule that guesses would only produce noise.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from blueprintc.canon import Canon
from blueprintc.rules.naming.text import per_canon

SHAPE = "{prov}-{reg}-{bb}-{env_type}"


@dataclass(frozen=True)
class Provider:
    code: str
    short: str
    name: str
    regions: dict[str, str]  # region code -> 1-char code


class Codes:
    def __init__(self, canon: Canon) -> None:
        naming = canon.section("naming")
        self.providers = {
            str(code): _provider(str(code), spec) for code, spec in canon.providers.items()
        }
        self.by_short = {p.short: p for p in self.providers.values()}
        self.regions = frozenset(r for p in self.providers.values() for r in p.regions)
        self.building_blocks = {str(k): str(v) for k, v in canon.building_blocks.items()}
        self.env_types = {str(k): str(v) for k, v in canon.env_types.items()}
        self.roles = frozenset(str(r) for r in naming.get("failoverRoles", []))
        aliases = naming.get("envTypeAliases") or {}
        self.aliases = {str(k).lower(): str(v) for k, v in aliases.items()}
        self.location_codes = canon.location_codes
        self.example = _example(self)
        self.location_example = self.location_of(self.example)

    def env_list(self) -> str:
        return ", ".join(self.env_types)

    def env_alias(self, value: str) -> str | None:
        """The env type code someone meant by `value` (`production` -> `prod`)."""
        lowered = value.lower()
        return lowered if lowered in self.env_types else self.aliases.get(lowered)

    def is_cluster_shaped(self, name: str) -> bool:
        """A known provider first and at least two more segments that are codes.

        `aws-load-balancer-controller` has the shape but no codes; `hz-fra-rtz-prod`
        and `hz-fsn-rtz-production` are cluster names with one bad segment.
        """
        segments = name.split("-")
        if len(segments) < 4 or segments[0] not in self.providers:
            return False
        region, block, env = segments[1:4]
        known = (
            region in self.regions,
            block in self.building_blocks or block in self.roles,
            env in self.env_types or env in self.roles or env.lower() in self.aliases,
        )
        return sum(known) >= 2

    def role_segments(self, name: str) -> list[str]:
        return [s for s in name.split("-") if s.lower() in self.roles]

    def cluster_problems(self, name: str) -> list[str]:
        """Why `name` is not `{prov}-{reg}-{bb}-{env_type}[-{org}]`; failover roles
        are left to the failover-role rule."""
        segments = name.split("-")
        if len(segments) < 4:
            return [f"it has {len(segments)} segment(s), not the four of {SHAPE}"]
        prov, region, block, env = segments[:4]
        problems = []
        provider = self.providers.get(prov)
        if provider is None:
            problems.append(f"'{prov}' is not a provider code ({', '.join(self.providers)})")
        elif provider.regions and region not in provider.regions and region not in self.roles:
            regions = ", ".join(provider.regions)
            problems.append(f"'{region}' is not a region of {provider.name} ({regions})")
        if block not in self.building_blocks and block not in self.roles:
            blocks = ", ".join(self.building_blocks)
            problems.append(f"'{block}' is not a building block ({blocks})")
        if env not in self.env_types and env not in self.roles:
            problems.append(f"'{env}' is not an env type ({self.env_list()})")
        return problems

    def cluster_fix(self, name: str) -> str | None:
        """The corrected name when only the env type is spelled out (`...-production`)."""
        segments = name.split("-")
        if len(segments) < 4:
            return None
        fixed = [*segments[:3], self.env_alias(segments[3]) or segments[3], *segments[4:]]
        candidate = "-".join(fixed)
        return candidate if candidate != name and not self.cluster_problems(candidate) else None

    def location_of(self, cluster: str) -> str:
        """`hz-fsn-mgt-prod` -> `hfmp` (the cluster name must be valid)."""
        segments = cluster.split("-")
        if len(segments) < 4 or segments[0] not in self.providers:
            return "{p}{r}{b}{e}"
        provider = self.providers[segments[0]]
        return (
            provider.short
            + provider.regions.get(segments[1], "?")
            + self.building_blocks.get(segments[2], "?")
            + self.env_types.get(segments[3], "?")
        )

    def is_location_code(self, label: str) -> bool:
        return len(label) == 4 and label.isalpha() and self.location_problem(label) is None

    def location_problem(self, code: str) -> str | None:
        """Why a 4-letter label is not a `{p}{r}{b}{e}` location code, or None."""
        code = code.lower()
        if code in self.location_codes or len(code) != 4:
            return None
        p, r, b, e = code
        provider = self.by_short.get(p)
        problems = []
        if provider is None:
            problems.append(f"'{p}' is not a provider ({_shorts(self.by_short, _name)})")
        elif provider.regions and r not in provider.regions.values():
            regions = ", ".join(f"{short} ({long})" for long, short in provider.regions.items())
            problems.append(f"'{r}' is not a region of {provider.name} ({regions})")
        blocks = {v: k for k, v in self.building_blocks.items()}
        if b not in blocks:
            problems.append(f"'{b}' is not a building block ({_shorts(blocks, str)})")
        envs = {v: k for k, v in self.env_types.items()}
        if e not in envs:
            problems.append(f"'{e}' is not an env type ({_shorts(envs, str)})")
        return "; ".join(problems) or None


def _provider(code: str, spec: dict[str, Any]) -> Provider:
    regions = spec.get("regions") or {}
    return Provider(
        code=code,
        short=str(spec.get("short", "")),
        name=str(spec.get("name", code)),
        regions={str(k): str(v) for k, v in regions.items()},
    )


def _name(provider: Provider) -> str:
    return provider.name


def _shorts(table: dict[str, Any], describe: Any) -> str:
    return ", ".join(f"{short} ({describe(value)})" for short, value in table.items())


def _example(c: Codes) -> str:
    """A valid cluster name built from the first entry of each table (for hints)."""
    provider = next((p for p in c.providers.values() if p.regions), None)
    if provider is None or not c.building_blocks or not c.env_types:
        return SHAPE
    region = next(iter(provider.regions))
    return f"{provider.code}-{region}-{next(iter(c.building_blocks))}-{next(iter(c.env_types))}"


codes = per_canon(Codes)
