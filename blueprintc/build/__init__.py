"""``blueprintc build``: package, guard, sign, SBOM and publish Blueprints as OCI artifacts.

What a Blueprint repo's CI runs on a release tag. Modules, one job each:

- ``pipeline``: ``build_blueprint``/``build_blueprints`` run the stages in order;
- ``package``: reproducible ``helm package``; ``chartfile``: what a package holds;
- ``guards``: dependency presence in the working tree, the package, the pulled artifact;
- ``images`` + ``sbom``: CycloneDX SBOM of the chart, its subcharts and images;
- ``publish``: immutable versions, push, SBOM attachment, signing; ``publish_tree``
  for any directory as a Flux OCI artifact;
- ``attach``: cosign's ``.sig``/``.sbom`` tag scheme; ``keys``: cosign key files;
- ``verify``: every check on a published artifact, by name;
- ``target``: registry or embedded layout; ``record``: the JSON build record;
- ``changed``: the Blueprints to rebuild since a git ref, dependents included.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from blueprintc.lazy_exports import lazy_exports

if TYPE_CHECKING:
    from blueprintc.build.changed import Changed, ChangedResult, changed_blueprints
    from blueprintc.build.errors import BuildError
    from blueprintc.build.keys import Signer, load_signer, load_verifier, write_key_pair
    from blueprintc.build.pipeline import build_blueprint, build_blueprints
    from blueprintc.build.publish import PublishResult, State, publish_tree
    from blueprintc.build.record import BuildRecord
    from blueprintc.build.target import Located, Target, locate, open_target
    from blueprintc.build.verify import (
        Check,
        VerifyResult,
        verify_artifact,
        verify_reference,
        verify_signatures,
    )

# Each name's module, imported on first use (PEP 562): `deliver` needs BuildError and
# envtree, not the signing, SBOM and registry code (about 0.5 s of imports). The
# function `publish` is not among them: its module has its name, which would shadow it.
_HOMES = {
    "Changed": "changed",
    "ChangedResult": "changed",
    "changed_blueprints": "changed",
    "BuildError": "errors",
    "Signer": "keys",
    "load_signer": "keys",
    "load_verifier": "keys",
    "write_key_pair": "keys",
    "build_blueprint": "pipeline",
    "build_blueprints": "pipeline",
    "PublishResult": "publish",
    "State": "publish",
    "publish_tree": "publish",
    "BuildRecord": "record",
    "Located": "target",
    "Target": "target",
    "locate": "target",
    "open_target": "target",
    "Check": "verify",
    "VerifyResult": "verify",
    "verify_artifact": "verify",
    "verify_reference": "verify",
    "verify_signatures": "verify",
}


__getattr__ = lazy_exports(__name__, _HOMES, globals())


__all__ = [
    "BuildError",
    "BuildRecord",
    "Changed",
    "ChangedResult",
    "Check",
    "Located",
    "PublishResult",
    "Signer",
    "State",
    "Target",
    "VerifyResult",
    "build_blueprint",
    "build_blueprints",
    "changed_blueprints",
    "load_signer",
    "load_verifier",
    "locate",
    "open_target",
    "publish_tree",
    "verify_artifact",
    "verify_reference",
    "verify_signatures",
    "write_key_pair",
]
