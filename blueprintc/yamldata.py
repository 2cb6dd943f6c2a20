"""Plain data from YAML, as `yaml.load_all(text, Loader=yaml.CSafeLoader)` gives it, faster
(and a plain `=` read as the string, where PyYAML refuses it: `as_go_yaml`).

libyaml composes the node tree in C; a lean walk then builds dicts, lists and
scalars from it, calling SafeConstructor's own scalar constructors (so YAML 1.1
resolution is PyYAML's to the letter). What the walk does not handle (aliases,
merge keys, explicit collection tags such as `!!set`, a value no constructor
accepts) it leaves to PyYAML's constructor, for the whole document: the data, and
any error, are then PyYAML's own. Rendered Kubernetes manifests never need that.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

STR_TAG = "tag:yaml.org,2002:str"
_MAP_TAG = "tag:yaml.org,2002:map"
_SEQ_TAG = "tag:yaml.org,2002:seq"
_SCALAR_TAGS = ("null", "bool", "int", "float", "binary", "timestamp", "str")
# tag -> SafeConstructor's unbound constructor, for the scalar tags the walk builds.
SCALAR_CONSTRUCTORS: dict[str, Callable[[Any, Node], Any]] = {
    f"tag:yaml.org,2002:{name}": yaml.constructor.SafeConstructor.yaml_constructors[
        f"tag:yaml.org,2002:{name}"
    ]
    for name in _SCALAR_TAGS
}


_RESOLVED_MAX = 65_536


class Loader(yaml.CSafeLoader):
    """CSafeLoader whose implicit tag resolution (Python, called by the C composer for
    every plain scalar) is remembered by value: the same answer, without the regexes,
    except that a plain `=` is a string (`as_go_yaml`)."""

    _resolved: dict[str, str] = {}  # noqa: RUF012 - shared on purpose, bounded below
    # Where `load_all` notes the mappings that give a key twice (None: not asked).
    duplicates: list[DuplicateKeys] | None = None
    # The C composer calls these two around every node, for path resolvers, which safe
    # loading never has (asserted below): C no-ops instead of Python ones.
    descend_resolver = staticmethod(operator.is_)  # (parent, index): ignored
    ascend_resolver = staticmethod(tuple)

    def resolve(self, kind: type[Node], value: Any, implicit: tuple[bool, bool]) -> str:
        if kind is not ScalarNode:  # Resolver's default, without path resolvers
            return _MAP_TAG if kind is MappingNode else _SEQ_TAG
        if not implicit[0]:  # quoted, or tagged `!`: Resolver's default, without path resolvers
            return STR_TAG
        resolved = self._resolved
        tag = resolved.get(value)
        if tag is None:
            if len(resolved) >= _RESOLVED_MAX:
                resolved.clear()
            tag = resolved[value] = as_go_yaml(_resolve(self, kind, value, implicit))
        return tag


class PyLoader(yaml.SafeLoader):
    """PyYAML's pure-Python SafeLoader (its own error wording, which a command's message
    quotes), reading a plain `=` as `Loader` does."""

    def resolve(self, kind: type[Node], value: Any, implicit: tuple[bool, bool]) -> str:
        return as_go_yaml(super().resolve(kind, value, implicit))


_resolve = yaml.resolver.Resolver.resolve
# YAML 1.1's "value" type, a plain `=`: no safe constructor builds it, so PyYAML refuses
# the document, where go-yaml (Helm, Kubernetes) reads the string "=". It is a string
# here, as there: prometheus-operator's CRDs list `=` among a matcher's operators.
_VALUE_TAG = "tag:yaml.org,2002:value"


def as_go_yaml(tag: str) -> str:
    """A plain scalar's resolved tag, with YAML 1.1's "value" type read as a string."""
    return STR_TAG if tag == _VALUE_TAG else tag


assert not Loader.yaml_path_resolvers  # what `resolve` and the no-op hooks rely on
assert Loader.DEFAULT_SCALAR_TAG == STR_TAG
assert (Loader.DEFAULT_MAPPING_TAG, Loader.DEFAULT_SEQUENCE_TAG) == (_MAP_TAG, _SEQ_TAG)


class _Unusual(Exception):
    """A node the lean walk leaves to PyYAML's constructor."""


_TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"
_SEXAGESIMAL_TAGS = ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float")


def is_base_60(node: Node) -> bool:
    """A YAML 1.1 base-60 number (`12:30`, 750), which go-yaml does not read: its text."""
    return node.tag in _SEXAGESIMAL_TAGS and ":" in node.value


def _sexagesimal_as_text(number: Callable[[Any, Node], Any]) -> Callable[[Any, Node], Any]:
    def construct(constructor: Any, node: Node) -> Any:
        return node.value if is_base_60(node) else number(constructor, node)

    return construct


class KubernetesLoader(Loader):
    """`Loader` reading a manifest as Kubernetes does, where sigs.k8s.io/yaml's go-yaml
    v2 differs from YAML 1.1: a timestamp is its text, not a time (it decodes one
    into a string: `day: 2024-01-01` in a ConfigMap's data is "2024-01-01"), and so is
    a base-60 number, which it does not read (`at: 12:30` is "12:30", not 750)."""


_KUBERNETES_SCALARS = {
    **SCALAR_CONSTRUCTORS,
    _TIMESTAMP_TAG: yaml.constructor.SafeConstructor.construct_yaml_str,
    **{tag: _sexagesimal_as_text(SCALAR_CONSTRUCTORS[tag]) for tag in _SEXAGESIMAL_TAGS},
}
for _tag in (_TIMESTAMP_TAG, *_SEXAGESIMAL_TAGS):  # also where PyYAML builds the document
    KubernetesLoader.add_constructor(_tag, _KUBERNETES_SCALARS[_tag])


@dataclass(frozen=True)
class DuplicateKeys:
    """The keys that one mapping gives twice (PyYAML, like go-yaml v2, keeps the last
    value; go-yaml v3, and so kustomize, refuses the document): the first such key's
    first and second lines, and its column (0-based)."""

    keys: tuple[str, ...]
    first_line: int
    line: int
    column: int


def load_all(
    text: str, *, kubernetes: bool = False, duplicates: list[DuplicateKeys] | None = None
) -> list[Any]:
    """Every document of `text`, as plain Python data; with `kubernetes`, as the API
    server reads a manifest (timestamps and base-60 numbers stay text). `duplicates`, when
    given, gets each mapping that gives a plain-text key again (in a document this walk
    builds: not one with aliases or merge keys)."""
    loader = (KubernetesLoader if kubernetes else Loader)(text)
    loader.duplicates = duplicates
    scalars = _KUBERNETES_SCALARS if kubernetes else SCALAR_CONSTRUCTORS
    try:
        documents = []
        while loader.check_node():
            node = loader.get_node()
            try:
                documents.append(_build(node, loader, set(), scalars))
            except Exception:  # PyYAML's constructor decides, and raises its own error
                documents.append(loader.construct_document(node))
        return documents
    finally:
        loader.dispose()


def _build(
    node: Node, constructor: Any, seen: set[int], scalars: dict[str, Callable[[Any, Node], Any]]
) -> Any:
    kind = node.__class__
    tag = node.tag
    if kind is ScalarNode:
        if tag == STR_TAG:
            return node.value
        scalar = scalars.get(tag)
        if scalar is None:
            raise _Unusual
        return scalar(constructor, node)
    if id(node) in seen:  # an alias: PyYAML shares the object (and allows recursion)
        raise _Unusual
    seen.add(id(node))
    if kind is MappingNode and tag == _MAP_TAG:
        result = {}
        for key_node, value_node in node.value:
            if key_node.__class__ is not ScalarNode:
                raise _Unusual  # a collection as a key
            # Plain-string keys and values, by far the most, without a call each.
            if key_node.tag == STR_TAG:
                key = key_node.value
            elif key_node.tag in scalars:
                key = scalars[key_node.tag](constructor, key_node)
            else:
                raise _Unusual  # merge keys (`<<`), `=` keys
            if value_node.__class__ is ScalarNode and value_node.tag == STR_TAG:
                result[key] = value_node.value
            else:
                result[key] = _build(value_node, constructor, seen, scalars)
        if len(result) < len(node.value) and constructor.duplicates is not None:
            constructor.duplicates.extend(_duplicate_keys(node))
        return result
    if kind is SequenceNode and tag == _SEQ_TAG:
        return [_build(child, constructor, seen, scalars) for child in node.value]
    raise _Unusual


def _duplicate_keys(node: MappingNode) -> list[DuplicateKeys]:
    """The plain-text keys of `node` given again: none, or one record of them."""
    first: dict[str, Node] = {}
    again: dict[str, tuple[Node, Node]] = {}
    for key_node, _ in node.value:
        if key_node.tag == STR_TAG:
            earlier = first.setdefault(key_node.value, key_node)
            if earlier is not key_node:
                again.setdefault(key_node.value, (earlier, key_node))
    if not again:
        return []
    earlier, repeat = next(iter(again.values()))
    mark = repeat.start_mark
    return [DuplicateKeys(tuple(again), earlier.start_mark.line, mark.line, mark.column)]
