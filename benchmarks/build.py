"""`python -m benchmarks.build [--blueprint webapp] [--json]`.

Times one `build --push` of a reference Blueprint, split into its stages, from
one run each against a real registry (Debian's `docker-registry`, started here
on 127.0.0.1 with the test fixture's helper) and against the embedded OCI
layout, then times `verify` of the result. Stages: render (lint, which runs
`helm dependency build` and every render the guards need), package (`helm
package` of a staged copy), sbom (render of the package for its images, SBOM),
push (immutability check, artifact and SBOM), pull (pull back + guard), sign
(artifact and SBOM signatures), verify.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric import ec

from blueprintc.build import Signer, Target, build_blueprint, open_target, verify_artifact

ROOT = Path(__file__).resolve().parents[1]
STAGES = ["lint", "package", "sbom", "push", "pull", "sign", "verify"]
LABELS = {"lint": "render (lint)", "pull": "pull + guard"}


def workspace(dest: Path, blueprint: str) -> Path:
    dest.mkdir(parents=True)
    shutil.copy(ROOT / "blueprintc.yaml", dest / "blueprintc.yaml")
    shutil.copytree(ROOT / "upstream-charts", dest / "upstream-charts")
    shutil.copytree(ROOT / "schemas", dest / "schemas")  # its schemaLocations
    shutil.copytree(ROOT / "blueprints" / blueprint, dest / "blueprints" / blueprint)
    return dest / "blueprints" / blueprint


def one_run(directory: Path, target: Target, signer: Signer) -> dict[str, float]:
    record = build_blueprint(directory, target=target, signer=signer)
    if not record.ok:
        raise SystemExit(f"build failed: {record.message}\n{record.to_json()}")
    repo = target.repo(record.name)
    start = time.perf_counter()
    result = verify_artifact(
        target.store, repo, record.version, signer.public_key, identity=target.identity(repo)
    )
    timings = dict(record.timings, verify=time.perf_counter() - start)
    if not result.ok:
        raise SystemExit(f"verify failed: {result.failed}")
    timings["build"] = sum(timings[s] for s in STAGES if s != "verify")
    return timings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--blueprint", default="webapp", help="a directory of blueprints/")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    from tests.oci.registry_fixture import start_registry

    signer = Signer(ec.generate_private_key(ec.SECP256R1()))
    figures: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory(prefix="blueprintc-bench-build-") as tmp:
        base = Path(tmp)
        server = start_registry(base / "registry")
        try:
            registry = open_target(f"oci://{server.host}/charts")
            figures["registry"] = one_run(
                workspace(base / "ws-registry", args.blueprint), registry, signer
            )
        finally:
            server.stop()
        layout = open_target(None, layout=base / "oci")
        figures["layout"] = one_run(workspace(base / "ws-layout", args.blueprint), layout, signer)
    if args.json:
        print(json.dumps(figures, indent=2))
        return 0
    print(f"blueprintc build --push of blueprints/{args.blueprint}, one run each (ms)")
    print(f"{'stage':<16}{'registry':>10}{'layout':>10}")
    for stage in [*STAGES, "build"]:
        label = LABELS.get(stage, stage if stage != "build" else "build total")
        row = "".join(f"{figures[t][stage] * 1000:>10.1f}" for t in ("registry", "layout"))
        print(f"{label:<16}{row}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
