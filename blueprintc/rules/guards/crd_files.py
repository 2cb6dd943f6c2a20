"""A chart's `crds/` files, which Helm does not render: it installs each as written,
before the release's templates (`helm template --include-crds` prints them as they
stand). A template directive in one is a mistake that fails the install: the API server
refuses a CRD named `widgets.{{ .Values.group }}`, and `group: {{ .Values.group }}` is
not even YAML. Helm's docs say so ("Files in crds/ cannot be templated"); authors
still write them there, expecting `{{ .Release.Namespace }}` in a conversion webhook's
service or cert-manager's `inject-ca-from` annotation to be filled in.

Only directives that name Helm's own objects or functions count (`.Values`, `.Release`,
`include`, `toYaml`, ...): a CRD's descriptions may quote other template languages'
`{{ }}` (Argo's `{{inputs.parameters.x}}`, Kyverno's `{{ request.object }}`) or Go
templates in general (`{{ if }}`), which install fine. Comment lines are left alone,
and so are the subcharts' `crds/` (an upstream's, fixed upstream).
"""

from __future__ import annotations

import re

from blueprintc.diagnostics import Finding, Location
from blueprintc.rules.context import BlueprintContext

CRD_SUFFIXES = (".yaml", ".yml", ".json")  # the files of crds/ Helm installs
_HELM_DIRECTIVE = re.compile(
    r"\{\{-?\s*(?:\$?\.(?:Values|Release|Chart|Capabilities|Files|Template)\b"
    r"|(?:include|template|tpl|toYaml|required)\b)"
)
HINT = (
    "move the CRD under templates/ (rendered, and installed with the release: gate it on a "
    "value such as `crds.enabled`), or write the value out: Helm installs crds/ files as "
    "they are"
)


def templated_crd_files(ctx: BlueprintContext) -> list[Finding]:
    """Each of the chart's own `crds/` files with a Helm template directive, at its
    first one."""
    if ctx.chart_dir is None:
        return []
    crds = ctx.chart_dir / "crds"
    found = []
    for source in ctx.templates:  # the chart's templates/ and crds/ files, listed once
        path = source.path
        if path.suffix not in CRD_SUFFIXES or not path.is_relative_to(crds):
            continue
        for number, line in enumerate(source.text.splitlines(), 1):
            match = _HELM_DIRECTIVE.search(line)
            if match is None or line.lstrip().startswith("#"):
                continue
            directive = line[match.start() :].split("}}", 1)[0] + "}}"
            message = (
                f"crds/{path.relative_to(crds).as_posix()} holds the template directive "
                f"`{directive}`: Helm does not render files under crds/, it installs them as "
                "written, so the CRD it installs has that text in it (the API server refuses "
                "it in a name; a value that starts with `{{` is not YAML)"
            )
            found.append(Finding(message, Location(source.rel, number, match.start() + 1), HINT))
            break
    return found
