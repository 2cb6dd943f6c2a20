"""Placement: which regions an Application runs in, checked against its Blueprint."""

from __future__ import annotations

from dataclasses import dataclass

from blueprintc.compile.findings import at, report
from blueprintc.compile.region_keys import region_hint
from blueprintc.diagnostics import Diagnostic
from blueprintc.model.blueprint import Blueprint
from blueprintc.model.organization import Application, Organization

SINGLE = "single-region"
MODES = ("single-region", "active-active", "active-hotstandby")
_CHOSEN = (
    "regions are chosen when the Organization is created (canon P2): "
    "add the region to spec.regions in the same change, or pick one of them"
)


@dataclass(frozen=True)
class ResolvedPlacement:
    mode: str
    regions: tuple[str, ...]  # `{prov}-{reg}`; for active-hotstandby the first is active

    def role(self, region: str) -> str:
        if self.mode == "active-hotstandby":
            return "active" if region == self.regions[0] else "standby"
        return "active"


def resolve_placement(
    org: Organization,
    app: Application,
    blueprint: Blueprint,
    hosting: frozenset[str] | None = None,
) -> tuple[ResolvedPlacement, list[Diagnostic]]:
    """`hosting`: the Sovereign's regions that host Applications (rtz). While the
    Organization's own regions name one outside them (its BPP011, a typo most often),
    a placement in one of them is not reported too: the Organization's list is what
    is wrong, once."""
    schema = blueprint.placement or {}
    written = schema.get("modes", MODES)
    # A list as the schema has it; anything else (BPS001 reports it) is every mode.
    modes = [str(m) for m in (written if isinstance(written, list) else MODES)]
    default = str(schema.get("default") or (modes[0] if modes else SINGLE))
    mode = app.placement.mode or default
    diagnostics = []
    mode_path = (*app.path, "placement", "mode") if app.placement.mode else app.path
    if mode not in modes:
        diagnostics.append(
            report(
                "BPP005",
                f"Application {app.name}: placement mode {mode} is not supported by "
                f"{blueprint.name} (supports: {', '.join(modes)})",
                at(org.doc, mode_path),
                hint=f"use one of: {', '.join(modes)}",
            )
        )
    if app.placement.regions is not None:
        regions = app.placement.regions
    elif mode == SINGLE:
        regions = tuple(org.regions[:1])
    else:
        regions = tuple(org.regions)
    regions_path = (*app.path, "placement", "regions") if app.placement.regions else app.path
    low = _count(schema.get("minRegions"), 1)
    high = _count(schema.get("maxRegions"), 1 if mode == SINGLE else max(len(regions), 1))
    if mode == SINGLE:
        high = min(high, 1)
    if mode in ("active-active", "active-hotstandby"):
        low = max(low, 2)
    if not low <= len(regions) <= high:
        bound = f"at least {low}" if len(regions) < low else f"at most {high}"
        diagnostics.append(
            report(
                "BPP006",
                f"Application {app.name}: {mode} placement in {len(regions)} region(s); "
                f"{blueprint.name} needs {bound}",
                at(org.doc, regions_path),
                hint=f"place it in {low} to {high} of the Organization's regions",
            )
        )
    mistyped = hosting is not None and not set(org.regions) <= hosting
    for index, region in enumerate(regions):
        if region not in org.regions and not (mistyped and hosting and region in hosting):
            path = (*app.path, "placement", "regions", index)
            diagnostics.append(
                report(
                    "BPP011",
                    f"Application {app.name} is placed in {region}, which is not one of "
                    f"Organization {org.slug}'s regions ({', '.join(org.regions)})",
                    at(org.doc, path),
                    hint=_placement_hint(region, org.regions),
                )
            )
    return ResolvedPlacement(mode, regions), diagnostics


def _count(value: object, default: int) -> int:
    """A region count of the Blueprint's placement, as written when it is a whole number
    (`2`, `2.0`); else `default`: BPS001 reports the value (`minRegions: two` was a
    ValueError traceback)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return default
    if isinstance(value, float) and not value.is_integer():  # 2.5, .inf, .nan
        return default
    return int(value)


def _placement_hint(region: str, chosen: list[str]) -> str:
    """A key without its provider (`nbg`) is a slip in writing one of the Organization's
    regions; any other is a region to choose, or one not to place in."""
    return ("-" not in region and region_hint(region, chosen)) or _CHOSEN
