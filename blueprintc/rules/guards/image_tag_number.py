"""An image tag written as a number in the values renders as other text.

Helm reads every number in values.yaml as a float64, and a template prints Go's text
of it: `tag: 6.10` renders `image: repo:6.1`, `tag: 20240101`
renders `repo:2.0240101e+07`, and `tag: 010` (octal in YAML 1.1) renders `repo:8`. The
release runs another image than the one written, or none (ErrImagePull). A number is
reported at its line when an image of the render carries the text Helm made of it as
its tag (`repo:6.1`, `repo:v6.1`, `repo:6.1-alpine`); a number Helm prints as written
(`2`, `6.5`) is not, nor a number no image shows.

Checked in values.yaml (by the default render) and in each `ci/*values.yaml` (by its
own render); compile checks the values a Sovereign or an Organization gives a release
(the kit entry's `values`, an overlay, an Application's config) the same way.

Failing::

    webapp:
      image:
        tag: 6.10     # renders ghcr.io/example/webapp:6.1
"""

from __future__ import annotations

from collections.abc import Iterator

from blueprintc.diagnostics import Finding, Severity
from blueprintc.image_tags import misprinted_tag, number_tagged_images, printed_as_tags
from blueprintc.rules.base import rule
from blueprintc.rules.context import BlueprintContext
from blueprintc.rules.guards.rendered_objects import values_sets
from blueprintc.rules.guards.support import doc_location, is_helm, renderable
from blueprintc.yamldoc import PathKey


@rule(
    "BPG017",
    "image-tag-number",
    Severity.ERROR,
    "an image tag written as a number renders as other text (6.10 as 6.1)",
    'quote the tag in the values file (`tag: "6.10"`)',
    __doc__,
)
def check(ctx: BlueprintContext) -> Iterator[Finding]:
    if not is_helm(ctx) or not renderable(ctx):
        return
    reported: set[tuple[str, PathKey]] = set()
    for values_set in values_sets(ctx):
        doc = ctx.values_yaml if values_set.location is None else values_set.doc
        if doc is None:
            continue
        render = ctx.render(values_set.values, values_set.api_versions)
        if render.failure is not None:
            continue  # BPG003 and BPG012 report it
        tagged = number_tagged_images(render)
        for path, _, printed in printed_as_tags(doc.data, tagged):
            obj, image = tagged[printed]
            runs = f"{obj.kind} {obj.name}"
            said = misprinted_tag(path, doc.written(path), printed, runs, image)
            if said is None or (doc.source.rel, path) in reported:
                continue
            reported.add((doc.source.rel, path))
            message, hint = said
            yield Finding(message, doc_location(doc, path), hint=hint)


RULE = check
