"""An image tag written as a number in the values renders as other text.

Helm reads every number in values.yaml as a float64, and a template prints Go's text
of it (`blueprintc.go_text`): `tag: 6.10` renders `image: repo:6.1`, `tag: 20240101`
renders `repo:2.0240101e+07`, and `tag: 010` (octal in YAML 1.1) renders `repo:8`. The
release runs another image than the one written, or none (ErrImagePull). A number is
reported at its line when an image of the render carries the text Helm made of it as
its tag (`repo:6.1`, `repo:v6.1`, `repo:6.1-alpine`); a number Helm prints as written
(`2`, `6.5`) is not, nor a number no image shows.

Checked in values.yaml (by the default render) and in each `ci/*values.yaml` (by its
own render).

Failing::

    webapp:
      image:
        tag: 6.10     # renders ghcr.io/example/webapp:6.1
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from blueprintc.diagnostics import Finding, Severity
from blueprintc.go_text import rendered_text
from blueprintc.rules.base import rule
from blueprintc.rules.context import BlueprintContext
from blueprintc.rules.guards.rendered_objects import values_sets
from blueprintc.rules.guards.support import doc_location, is_helm, renderable
from blueprintc.yamldoc import PathKey, YamlDoc, json_path


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
        renamed = _renamed_numbers(doc) if doc is not None else {}
        if doc is None or not renamed:
            continue
        render = ctx.render(values_set.values)
        if render.failure is not None:
            continue  # BPG003 and BPG012 report it
        for obj in render.objects():
            for image in _images(obj.body):
                for path, written, rendered in _tagged(image, renamed):
                    if (doc.source.rel, path) in reported:
                        continue
                    reported.add((doc.source.rel, path))
                    yield Finding(
                        f"{json_path(path)} is written {written}, a number, which Helm "
                        f"renders as {rendered}: {obj.kind} {obj.name} runs the image {image}",
                        doc_location(doc, path),
                        hint=f'quote it: `{path[-1]}: "{written}"`',
                    )


def _renamed_numbers(doc: YamlDoc) -> dict[str, list[tuple[PathKey, str]]]:
    """The numbers of `doc` that Helm prints otherwise than written, by that text."""
    found: dict[str, list[tuple[PathKey, str]]] = {}
    for path, number in _numbers(doc.data, ()):
        written = doc.written(path)
        rendered = rendered_text(number)
        if written is not None and written != rendered:
            found.setdefault(rendered, []).append((path, written))
    return found


def _numbers(data: Any, path: PathKey) -> Iterator[tuple[PathKey, int | float]]:
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _numbers(value, (*path, key))
    elif isinstance(data, list):
        for index, item in enumerate(data):
            yield from _numbers(item, (*path, index))
    elif isinstance(data, int | float) and not isinstance(data, bool):
        yield path, data


def _images(body: Any) -> Iterator[str]:
    """Every `image:` string of a rendered object (containers, and custom resources')."""
    if isinstance(body, dict):
        for key, value in body.items():
            if key == "image" and isinstance(value, str):
                yield value
            else:
                yield from _images(value)
    elif isinstance(body, list):
        for item in body:
            yield from _images(item)


def _tagged(
    image: str, renamed: dict[str, list[tuple[PathKey, str]]]
) -> Iterator[tuple[PathKey, str, str]]:
    """The renamed numbers `image`'s tag carries: (path, as written, as rendered)."""
    name = image.split("@", 1)[0].rsplit("/", 1)[-1]
    if ":" not in name:
        return
    tag = name.split(":", 1)[1]
    for rendered, places in renamed.items():
        for text in (rendered, "v" + rendered):
            if tag == text or tag.startswith((text + "-", text + "_")):
                for path, written in places:
                    yield path, written, rendered
                break


RULE = check
