"""BPP013 for an Application named as compile names its own objects in a vcluster: an
Application `applications` would replace the root Kustomization that applies it, and
one named `flux-system` would own (and its pruning delete) Flux's namespace."""

from __future__ import annotations

from blueprintc.compile.findings import at, report
from blueprintc.compile.repos import reserved_application_names
from blueprintc.diagnostics import Diagnostic
from blueprintc.model.organization import Application, Organization


def reserved_name(org: Organization, app: Application) -> Diagnostic | None:
    """The finding, at the Application's `name:`, if compile keeps its name for itself."""
    reserved = reserved_application_names()
    what = reserved.get(app.name)
    if what is None:
        return None
    return report(
        "BPP013",
        f"Application {app.name} of {org.slug} takes a name compile reserves inside each "
        f"vcluster: {what}",
        at(org.doc, (*app.path, "name")),
        "rename the Application (its namespace, Flux objects and repository take its name); "
        f"reserved: {', '.join(sorted(reserved))}",
    )
