"""A workspace of N generated Organizations around the reference Sovereign and catalog.

The reference workspace's `blueprintc.yaml`, `sovereign.yaml`, `overlays/`,
`blueprints/` and `upstream-charts/` are copied (the compile refuses files
outside the workspace root, so no symlinks). `organizations/` gets N files,
`org-0001.yaml`, ..., each with three Environments (prod, stg, dev, with
policies) and five Applications drawn from the reference Organizations'
patterns: bp-webapp (sizes, configs, single-region or active-active),
bp-wiki (active-hotstandby across both rtz regions), bp-docs-portal (with its
required hostname) and bp-voucher-mailer, some with per-Environment config.
Organization i is drawn from its own seeded generator, so it is the same
whatever N is, and the same on every run.
"""

from __future__ import annotations

import random
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from benchmarks.common import REPO

COPIED = (
    "blueprintc.yaml",
    "sovereign.yaml",
    "overlays",
    "blueprints",
    "upstream-charts",
    "schemas",  # schemas/crds: blueprintc.yaml's schemaLocations
)
ORGANIZATIONS = "organizations"
HEADER = "# yaml-language-server: $schema=../schemas/organization.schema.json\n"
RTZ_REGIONS = ("hz-nbg", "oci-fra")  # the reference Sovereign's regions that host Applications
POOL = ("omani.homes", "omani.rest", "omani.trade")
WORDS = ("Acme", "Globex", "Initech", "Umbrella", "Hooli", "Vandelay", "Stark", "Wayne", "Tyrell")
TRADES = ("Trading", "Logistics", "Labs", "Health", "Foods", "Energy", "Media", "Bank")

Spec = dict[str, Any]


def generate(destination: Path, count: int, seed: int = 1) -> list[str]:
    """Write the workspace into `destination` (empty or absent); the Organization slugs."""
    destination.mkdir(parents=True, exist_ok=True)
    for name in COPIED:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, destination / name)
        else:
            shutil.copy2(source, destination / name)
    folder = destination / ORGANIZATIONS
    folder.mkdir()
    slugs = []
    for index in range(1, count + 1):
        spec = organization(index, seed)
        write_organization(folder, spec)
        slugs.append(spec["metadata"]["name"])
    return slugs


def slug(index: int) -> str:
    return f"org-{index:04d}"


def organization(index: int, seed: int = 1) -> Spec:
    """The spec of Organization `index` (1-based), as it is written to its file."""
    rng = random.Random(f"blueprintc-bench-compile:{seed}:{index}")
    name = slug(index)
    regions = list(RTZ_REGIONS) if rng.random() < 0.6 else list(reversed(RTZ_REGIONS))
    pool = rng.choice((*POOL, None))  # None: the Sovereign's first pool domain
    spec: Spec = {
        "displayName": f"{rng.choice(WORDS)} {rng.choice(TRADES)} {index}",
        **({"poolDomain": pool} if pool else {}),
        "regions": regions,
        "environments": _environments(rng),
    }
    menu = list(APPLICATIONS.items())
    picked = rng.sample(menu, 5)
    domain = pool or POOL[0]
    spec["applications"] = [make(rng, app, name, domain, regions) for app, make in picked]
    return {
        "apiVersion": "catalyst.openova.io/v1alpha1",
        "kind": "Organization",
        "metadata": {"name": name},
        "spec": spec,
    }


def write_organization(folder: Path, spec: Spec) -> Path:
    path = folder / f"{spec['metadata']['name']}.yaml"
    text = yaml.safe_dump(spec, sort_keys=False, default_flow_style=False, width=100)
    path.write_text(HEADER + text, encoding="utf-8")
    return path


def change_one_application(workspace: Path, count: int, revision: int) -> tuple[str, str]:
    """Change the config of one bp-webapp Application in one Organization file.

    Picks the first Organization from the middle of the list that has a bp-webapp
    and sets its greeting to a text that depends on `revision`; returns the
    Organization slug and the Application name.
    """
    folder = workspace / ORGANIZATIONS
    for offset in range(count):
        index = (count // 2 + offset) % count + 1
        path = folder / f"{slug(index)}.yaml"
        spec = yaml.safe_load(path.read_text(encoding="utf-8"))
        for app in spec["spec"]["applications"]:
            if app["blueprint"] == "bp-webapp":
                webapp = app.setdefault("config", {}).setdefault("webapp", {})
                webapp.setdefault("ui", {})["message"] = f"Changed by the benchmark ({revision})"
                write_organization(folder, spec)
                return slug(index), app["name"]
    raise ValueError("no Organization has a bp-webapp Application")


def _environments(rng: random.Random) -> list[Spec]:
    prod: Spec = {
        "requiredApprovers": rng.choice((1, 2, 2, 3)),
        "soakDuration": rng.choice(("12h", "24h", "48h")),
        "minREScore": rng.choice((70, 80, 90)),
    }
    if rng.random() < 0.4:
        prod["changeWindows"] = [
            {
                "days": ["Sun", "Mon", "Tue", "Wed", "Thu"],
                "start": rng.choice(("08:00", "09:00")),
                "end": rng.choice(("16:00", "17:00")),
                "timezone": "Asia/Muscat",
            }
        ]
    stg: Spec = {
        "requiredApprovers": 1,
        "soakDuration": rng.choice(("2h", "4h", "12h")),
        "minREScore": rng.choice((50, 60, 70)),
    }
    dev: Spec = {"requiredApprovers": 0} if rng.random() < 0.3 else {}
    return [
        {"type": "prod", "policy": prod},
        {"type": "stg", "policy": stg},
        {"type": "dev", **({"policy": dev} if dev else {})},
    ]


def _webapp(rng: random.Random, name: str, org: str, domain: str, regions: list[str]) -> Spec:
    app: Spec = {"name": name, "blueprint": "bp-webapp"}
    version = rng.choice(("^1.4", "1.x", "~1.4", None))
    if version:
        app["version"] = version
    size = rng.choice(("small", "medium", "large", None))
    if size:
        app["size"] = size
    if rng.random() < 0.5:
        app["placement"] = {"mode": "active-active", "regions": rng.sample(regions, 2)}
    elif rng.random() < 0.5:
        app["placement"] = {"mode": "single-region", "regions": [rng.choice(regions)]}
    webapp: Spec = {}  # the upstream chart's values, as the configSchema mirrors them
    if rng.random() < 0.6:
        webapp["replicaCount"] = rng.choice((2, 3, 4))
    ui: Spec = {}
    if rng.random() < 0.5:
        ui["message"] = f"Welcome to {name} of {org}"
    if rng.random() < 0.3:
        ui["logLevel"] = rng.choice(("debug", "warn"))
    config: Spec = {}
    if rng.random() < 0.3:
        config["exposure"] = {"mode": "public", "subdomain": name}
    if rng.random() < 0.2:
        webapp["autoscaling"] = {"enabled": True, "maxReplicas": rng.choice((6, 8, 10))}
    if ui:
        webapp["ui"] = ui
    if webapp:
        config["webapp"] = webapp
    if config:
        app["config"] = config
    overrides: Spec = {}
    if rng.random() < 0.5:
        dev = {"webapp": {"replicaCount": 1, "ui": {"logLevel": "debug"}}}
        overrides["dev"] = {"config": dev}
    if rng.random() < 0.3:
        overrides["prod"] = {"config": {"webapp": {"replicaCount": rng.choice((4, 5, 6))}}}
    if overrides:
        app["environments"] = overrides
    return app


def _wiki(rng: random.Random, name: str, org: str, domain: str, regions: list[str]) -> Spec:
    app: Spec = {"name": name, "blueprint": "bp-wiki"}
    if rng.random() < 0.7:
        app["version"] = "^2.0"
    app["placement"] = {"mode": "active-hotstandby", "regions": rng.sample(regions, 2)}
    embedded: Spec = {}
    if rng.random() < 0.4:
        embedded["storageSize"] = rng.choice(("20Gi", "50Gi"))
    if rng.random() < 0.3:
        embedded["replicasPerRegion"] = 3
    postgres: Spec = {"mode": "embedded", **({"embedded": embedded} if embedded else {})}
    config: Spec = {"postgres": postgres}
    if rng.random() < 0.4:
        config["wiki"] = {"search": {"language": rng.choice(("english", "arabic", "french"))}}
    if name != "wiki":  # the chart's host is <subdomain>.<org>.<pool>: one per Application
        config["ingress"] = {"subdomain": name}
    app["config"] = config
    if rng.random() < 0.4:
        dev = {"postgres": {"embedded": {"replicasPerRegion": 1}}}
        app["environments"] = {"dev": {"config": dev}}
    return app


def _docs(rng: random.Random, name: str, org: str, domain: str, regions: list[str]) -> Spec:
    hostname = f"{name}.{org}.{domain}"
    app: Spec = {"name": name, "blueprint": "bp-docs-portal", "version": "~0.4"}
    if rng.random() < 0.3:
        app["placement"] = {"mode": "active-active", "regions": list(regions)}
    else:
        app["placement"] = {"mode": "single-region"}
    config: Spec = {"route": {"hostname": hostname}}
    if rng.random() < 0.3:
        config["static-site"] = {"replicaCount": rng.choice((1, 3))}
    app["config"] = config
    return app


def _mailer(rng: random.Random, name: str, org: str, domain: str, regions: list[str]) -> Spec:
    app: Spec = {"name": name, "blueprint": "bp-voucher-mailer"}
    if rng.random() < 0.5:
        app["placement"] = {"mode": "single-region", "regions": [rng.choice(regions)]}
    else:
        app["placement"] = {"mode": "single-region"}
    return app


Maker = Callable[[random.Random, str, str, str, list[str]], Spec]
# Application name -> how it is drawn; five distinct names per Organization.
APPLICATIONS: dict[str, Maker] = {
    "shop": _webapp,
    "portal": _webapp,
    "landing": _webapp,
    "blog": _webapp,
    "booking": _webapp,
    "wiki": _wiki,
    "kb": _wiki,
    "docs": _docs,
    "handbook": _docs,
    "mailer": _mailer,
}
