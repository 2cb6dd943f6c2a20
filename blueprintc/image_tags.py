"""Rendered image tags that are a number as Go prints one (`6.1`, `2.0240101e+07`).

A values number Helm renders into an image reference prints as Go's text of a float64
(`blueprintc.go_text`), which differs from what was written whenever the text had a
trailing zero, a leading zero or more than six digits. What such a tag can have come
from: a number whose printed text is the tag's (BPG017, in lint and in compile).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

from blueprintc.go_text import rendered_text
from blueprintc.helm import Render, RenderedObject
from blueprintc.image_names import image_fields
from blueprintc.mapping import scalars
from blueprintc.yamldoc import PathKey, json_path

# A tag that starts with a number as Go prints it (an optional `v`, and after it only a
# `-` or `_` suffix): `6.1`, `v6.1-alpine`, `1e+06`; `6.5.3` is none.
_NUMBER_TAG = re.compile(r"v?(?P<number>-?\d+(?:\.\d+)?(?:e[+-]\d+)?)(?:[-_].*)?")


# Where a rendered text may hold an image whose tag is a number: a `:` right before one,
# which ends the text, a quote, a space, a flow separator or a suffix (`-alpine`).
_TAG_AFTER_COLON = re.compile(r":v?-?\d+(?:\.\d+)?(?:e[+-]\d+)?(?=[-_@\"'\s,}\]]|$)", re.MULTILINE)


def may_carry_number_tag(text: str) -> bool:
    """Whether a rendered manifest's `text` may hold an image that `number_tag` reads a
    number from (a search in C over the text: False only when none can)."""
    return _TAG_AFTER_COLON.search(text) is not None


def images(body: Any) -> Iterator[str]:
    """Every `image:` string of a rendered object (containers, and custom resources')."""
    return (image for _, image in image_fields(body))


def number_tag(image: str) -> str | None:
    """The number `image`'s tag carries, as Go printed it; None for another tag."""
    name = image.split("@", 1)[0].rsplit("/", 1)[-1]
    if ":" not in name:
        return None
    match = _NUMBER_TAG.fullmatch(name.split(":", 1)[1])
    return match.group("number") if match else None


def number_tagged_images(render: Render) -> dict[str, tuple[RenderedObject, str]]:
    """The first object and image of each number an image tag of `render` carries, by
    the number: only the objects of templates whose text may carry one are walked."""
    texts = render.manifests
    candidates = {name for name, text in texts.items() if may_carry_number_tag(text)}
    found: dict[str, tuple[RenderedObject, str]] = {}
    for obj in render.objects() if candidates else ():
        if obj.template not in candidates:
            continue
        for image in images(obj.body):
            number = number_tag(image)
            if number is not None:
                found.setdefault(number, (obj, image))
    return found


def misprinted_tag(
    path: PathKey, written: str | None, printed: str, runs: str, image: str
) -> tuple[str, str] | None:
    """BPG017's message and hint for the number at `path`, written `written`, that Helm
    printed as `printed` into `image`, which `runs` (a kind and name) runs; None when
    Helm printed it as written, or it is a base-60 number (`12:30`, text to Helm)."""
    if written is None or written == printed or ":" in written:
        return None
    return (
        f"{json_path(path)} is written {written}, a number, which Helm renders as "
        f"{printed}: {runs} runs the image {image}",
        f'quote it: `{path[-1]}: "{written}"`',
    )


def numbers(data: Any) -> Iterator[tuple[tuple[Any, ...], float]]:
    """Every number of plain values data (booleans are not), by path."""
    for path, value in scalars(data):
        if isinstance(value, int | float) and not isinstance(value, bool):
            yield path, value


def printed_as_tags(
    values: Any, tags: Iterable[str]
) -> Iterator[tuple[tuple[Any, ...], float, str]]:
    """The numbers of `values` that print as one of `tags`: (path, number, printed)."""
    wanted = set(tags)
    if not wanted:
        return
    for path, number in numbers(values):
        printed = rendered_text(number)
        if printed in wanted:
            yield path, number, printed
