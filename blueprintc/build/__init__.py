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

from blueprintc.build.changed import Changed, ChangedResult, changed_blueprints
from blueprintc.build.errors import BuildError
from blueprintc.build.keys import Signer, load_signer, load_verifier, write_key_pair
from blueprintc.build.pipeline import build_blueprint, build_blueprints
from blueprintc.build.publish import PublishResult, State, publish, publish_tree
from blueprintc.build.record import BuildRecord
from blueprintc.build.target import Located, Target, locate, open_target
from blueprintc.build.verify import (
    Check,
    VerifyResult,
    verify_artifact,
    verify_reference,
    verify_signatures,
)

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
    "publish",
    "publish_tree",
    "verify_artifact",
    "verify_reference",
    "verify_signatures",
    "write_key_pair",
]
