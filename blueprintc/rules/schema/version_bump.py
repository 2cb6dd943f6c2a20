"""BPS007 version-bump: declared here with the schema rules; raised by `lint --since`
and `changed --since` (blueprintc/build/version_bump.py), which compare with git."""

from __future__ import annotations

from blueprintc.rules.base import input_rule

RULE = input_rule(
    "BPS007",
    "version-bump",
    "the Blueprint's chart or manifests changed since the ref, its version did not go up",
    "set the next version in blueprint.yaml and chart/Chart.yaml",
    """A changed chart needs a new version.

    A published version is immutable: `blueprintc publish` refuses to publish
    `bp-<name>:<version>` again with other content. So a pull request that
    changes a Blueprint's `chart/` or `manifests/` (any file, as
    chart-testing's `--check-version-increment` counts them) must raise its
    version above the one at the ref it merges into, in `blueprint.yaml` and
    `chart/Chart.yaml` alike (BPS006). `blueprint.yaml` alone is not in the
    artifact and needs no bump; a new Blueprint has nothing to compare with.

    Checked by `blueprintc lint --since origin/main` and
    `blueprintc changed --since origin/main`, against the merge base.

    Failing (chart/values.yaml edited in the pull request)::

        spec:
          version: 1.4.2   # as on origin/main: set 1.4.3
    """,
)
