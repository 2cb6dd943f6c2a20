"""BPG020 and BPG021: a chart's `crds/` changed since the ref, which no upgrade applies.
Declared here with the chart guards; raised by `lint --since` (blueprintc/build/
crd_upgrades.py), which compares the chart with itself at the ref's merge base."""

from __future__ import annotations

from blueprintc.diagnostics import Severity
from blueprintc.rules.base import input_rule

_WHY = """
    Helm installs the CRDs of a chart's `crds/` directories (its own and its
    subcharts') on a first install only: `helm upgrade` neither installs a new one nor
    updates a changed one ("There is no support at this time for upgrading or deleting
    CRDs using Helm"; helm/helm#11969). Flux's helm-controller does the same unless a
    HelmRelease opts in: its `upgrade.crds` defaults to `Skip` ("CRDs are neither
    installed nor upgraded"), and blueprintc's HelmReleases keep that default.

    Checked by `blueprintc lint --since origin/main`, against the merge base: the CRDs
    of the chart's `crds/` files, by name, as Helm loads them (an upstream compared when
    it is there at both ends: vendored, or a `file://` source). A CRD in `templates/` is
    an object like any other: Helm creates and updates it with the release.
"""

NEW_CRD = input_rule(
    "BPG020",
    "crd-not-installed-on-upgrade",
    "a CRD new in the chart's crds/ since the ref, whose kind the chart or a Blueprint "
    "depending on it renders: no upgrade installs it, so those objects fail",
    "move the CRD to templates/ (Helm then creates it with the upgrade), or apply it to "
    "every cluster before the upgrade",
    """A new CRD in crds/ never reaches a cluster the release is installed on.
"""
    + _WHY
    + """
    The objects of the new kind may be the chart's own or, as the canon has it (BPG009),
    a Blueprint's that depends on this one (`spec.depends`): either fails.

    Failing: `crds/backups.yaml` added to bp-backup-operator, and bp-backups, which
    depends on it, renders a `Backup`: on a cluster where bp-backup-operator is
    installed, its upgrade skips the CRD and bp-backups fails (`no matches for kind
    "Backup" in version "example.com/v1"`).
    """,
)

CHANGED_CRD = input_rule(
    "BPG021",
    "crd-not-updated-on-upgrade",
    "a CRD of the chart's crds/ changed since the ref (or is new, and the chart renders "
    "none of its objects): no upgrade applies it",
    "move the CRD to templates/ (Helm then updates it with the release), or apply it to "
    "every cluster with the upgrade",
    """A changed CRD in crds/ stays as it was on a cluster the release is installed on.
"""
    + _WHY
    + """
    Clusters keep the old definition: a field the new one adds is pruned from every
    object, a version it adds is not served.

    Failing: a field added to the schema of `crds/widgets.yaml`.
    """,
    Severity.WARNING,
)
