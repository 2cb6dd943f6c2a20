"""The canon: the data every rule enforces (default file + workspace override)."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from blueprintc import yamldata
from blueprintc.mapping import deep_merge
from blueprintc.packagedata import data_file
from blueprintc.source import read_source
from blueprintc.yamldoc import load_yaml


@dataclass(frozen=True)
class Canon:
    """Read-only view over canon data; rules read literals only through this."""

    data: dict[str, Any]
    origin: str = "default canon"

    def section(self, name: str) -> dict[str, Any]:
        value = self.data.get(name, {})
        return value if isinstance(value, dict) else {}

    @functools.cached_property
    def providers(self) -> dict[str, dict[str, Any]]:
        return dict(self.section("naming").get("providers", {}))

    @functools.cached_property
    def env_types(self) -> dict[str, str]:
        return dict(self.section("naming").get("envTypes", {}))

    @functools.cached_property
    def building_blocks(self) -> dict[str, str]:
        return dict(self.section("naming").get("buildingBlocks", {}))

    @functools.cached_property
    def location_codes(self) -> frozenset[str]:
        """Every valid `{p}{r}{b}{e}` location code."""
        codes = set()
        for provider in self.providers.values():
            for region_short in provider.get("regions", {}).values():
                for bb_short in self.building_blocks.values():
                    for env_short in self.env_types.values():
                        codes.add(f"{provider['short']}{region_short}{bb_short}{env_short}")
        return frozenset(codes)

    def regex(self, section: str, key: str) -> re.Pattern[str]:
        return _compile(str(self.section(section)[key]))


@functools.lru_cache(maxsize=64)
def _compile(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


@functools.lru_cache(maxsize=1)
def _default_data() -> dict[str, Any]:
    text = data_file("canon.yaml").read_text("utf-8")
    data: dict[str, Any] = yamldata.load_all(text)[0]  # CSafeLoader's data, in half the time
    return data


def default_canon() -> Canon:
    return Canon(_default_data())


def load_canon(override: Path | None, root: Path) -> Canon:
    """Default canon, with the workspace's override file merged over it."""
    if override is None:
        return default_canon()
    doc = load_yaml(read_source(override, root))
    data = doc.data if isinstance(doc.data, dict) else {}
    return Canon(deep_merge(_default_data(), data), origin=doc.source.rel)
