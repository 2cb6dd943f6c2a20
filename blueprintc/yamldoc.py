"""YAML with positions, duplicate-key detection and an alias-expansion budget.

libyaml composes the node tree in C (about 40x faster here than ruamel.yaml's
round-trip loader, measured on the real blueprint.yaml files); we build plain
Python data from it ourselves so that every key and value keeps its line and
column, duplicate keys are caught, and aliases cannot expand without bound.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.nodes import ScalarNode

from blueprintc.diagnostics import one_line
from blueprintc.mapping import value_at
from blueprintc.source import InputError, SourceFile
from blueprintc.yaml_hints import syntax_hint
from blueprintc.yamldata import SCALAR_CONSTRUCTORS, STR_TAG, Loader, is_base_60

PathKey = tuple[str | int, ...]
MAX_NODES = 100_000
_MERGE_TAG = "tag:yaml.org,2002:merge"
_LITERAL_TAGS = frozenset({"tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:binary"})
# Whether a finding may be reported instead of refusing the file (the workspace makes it
# less than an error): the loader then reads the file as Helm does, the last key winning.
Tolerance = Callable[[InputError, SourceFile], bool]


# A plain scalar in block or flow context: up to a comment, a separator or a flow end.
_PLAIN_SCALAR = re.compile(r"[^\s#,\]}]+")


def plain_scalar_at(line: str, column: int) -> str | None:
    """The plain scalar that starts at 1-based `column` of `line`, as written."""
    token = _PLAIN_SCALAR.match(line, column - 1)
    return token.group() if token else None


@dataclass
class YamlDoc:
    """One YAML document: plain data plus 1-based positions of every key and value."""

    source: SourceFile
    data: Any
    values: dict[PathKey, tuple[int, int]] = field(default_factory=dict)
    keys: dict[PathKey, tuple[int, int]] = field(default_factory=dict)
    # The text as written of every timestamp (`2024-01-01`), !!binary scalar and base-60
    # number (`12:30`, 750 in YAML 1.1), by path, values and keys apart: what Helm reads
    # (go-yaml keeps timestamps as text, and reads no base-60 number).
    literals: dict[PathKey, str] = field(default_factory=dict)
    key_literals: dict[PathKey, str] = field(default_factory=dict)
    # Findings the loader's tolerance let through (the file was read): the caller reports them.
    findings: list[InputError] = field(default_factory=list)

    def written(self, path: PathKey) -> str | None:
        """The plain scalar at `path` as the file spells it (`6.10`, `010`: what the
        data, a number, no longer says); None where `path` has no value of its own."""
        if path not in self.values:
            return None
        line, column = self.values[path]
        return plain_scalar_at(self.source.line_text(line), column)

    def locate(self, path: PathKey, key: bool = False) -> tuple[int, int]:
        """The position of `path`, or of its nearest ancestor that exists."""
        table = self.keys if key else self.values
        probe = tuple(path)
        while probe:
            if probe in table:
                return table[probe]
            if probe in self.values:
                return self.values[probe]
            probe = probe[:-1]
        return self.values.get((), (1, 1))

    def locate_in_string(self, path: PathKey, offset: int) -> tuple[int, int]:
        """The position of character `offset` of the string at `path`.

        Exact when the string is written on its line as is, plain or quoted
        without escapes; otherwise (escapes, folded or block scalars) the
        position of the value itself.
        """
        line, column = self.locate(path)
        value = self.get(path)
        if not isinstance(value, str) or not 0 <= offset <= len(value):
            return line, column
        text = self.source.line_text(line)[column - 1 :]
        if text.startswith(value):
            return line, column + offset
        quote = text[:1]
        unescaped = quote == "'" or (quote == '"' and "\\" not in text[: len(value) + 1])
        if unescaped and text[1:].startswith(value + quote):
            return line, column + 1 + offset
        return line, column

    def get(self, path: PathKey, default: Any = None) -> Any:
        return value_at(self.data, path, default)


def json_path(path: PathKey) -> str:
    """`('spec', 'depends', 0, 'version')` -> `spec.depends[0].version`."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def load_yaml(source: SourceFile, tolerate: Tolerance | None = None) -> YamlDoc:
    """Load a single-document YAML file; an empty file gives `data = None`.

    A duplicate key refuses the file unless `tolerate` accepts its finding: then the
    last of the two keys wins (as in Helm) and the finding is kept in `doc.findings`."""
    docs = list(load_yaml_all(source, tolerate))
    if len(docs) > 1:
        line, _ = docs[1].values.get((), (1, 1))
        raise InputError(
            "BPI001",
            f"{source.rel} holds {len(docs)} YAML documents where one is expected",
            source.rel,
            line,
            1,
            hint="remove the extra `---` document",
        )
    return docs[0] if docs else YamlDoc(source=source, data=None)


def load_yaml_all(source: SourceFile, tolerate: Tolerance | None = None) -> Iterator[YamlDoc]:
    loader = Loader(source.text)
    try:
        while loader.check_node():
            node = loader.get_node()
            doc = YamlDoc(source=source, data=None)
            builder = _Builder(doc, tolerate)
            doc.data = builder.build(node, ())
            yield doc
    except yaml.MarkedYAMLError as exc:
        line, column, problem = syntax_error(exc)
        raise InputError(
            "BPI001",
            f"YAML syntax error: {problem}",
            source.rel,
            line,
            column,
            hint=syntax_hint(exc, source.text),
        ) from None
    except yaml.YAMLError as exc:
        raise InputError("BPI001", f"YAML error: {one_line(exc)}", source.rel) from None
    finally:
        loader.dispose()


def syntax_error(exc: yaml.MarkedYAMLError) -> tuple[int, int, str]:
    """Where PyYAML's error is (1-based line and column) and what it says, on one line:
    `did not find expected ',' or ']' (while parsing a flow sequence that starts on
    line 3)`."""
    mark = exc.problem_mark or exc.context_mark
    line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    problem = str(exc.problem or exc.context)
    if exc.context and exc.context_mark and exc.problem_mark:
        problem += f" ({exc.context} that starts on line {exc.context_mark.line + 1})"
    return line, column, problem


class _Builder:
    def __init__(self, doc: YamlDoc, tolerate: Tolerance | None = None) -> None:
        self.doc = doc
        self.tolerate = tolerate
        self.budget = MAX_NODES
        self.active: set[int] = set()
        # One constructor per document: it caches every node it builds, so a shared
        # one would grow without bound and be shared between lint threads.
        self.constructor = yaml.constructor.SafeConstructor()

    def fail(self, rule: str, message: str, node: yaml.Node, hint: str) -> InputError:
        line, column = _pos(node)
        return InputError(rule, message, self.doc.source.rel, line, column, hint=hint)

    def build(self, node: yaml.Node, path: PathKey) -> Any:
        self.budget -= 1
        if self.budget < 0:
            raise self.fail(
                "BPI003",
                f"YAML expands to more than {MAX_NODES:,} nodes (alias bomb?)",
                node,
                "remove the nested aliases; inputs may not expand beyond the limit",
            )
        values = self.doc.values
        if path not in values:
            values[path] = _pos(node)
        if isinstance(node, yaml.ScalarNode):
            if _literal(node):
                self.doc.literals[path] = node.value
            return self.scalar(node)
        if id(node) in self.active:
            raise self.fail(
                "BPI003", "recursive YAML alias", node, "remove the alias that refers to itself"
            )
        self.active.add(id(node))
        try:
            if isinstance(node, yaml.SequenceNode):
                return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
            return self.build_mapping(node, path)
        finally:
            self.active.discard(id(node))

    def scalar(self, node: yaml.Node) -> Any:
        """A scalar's value; a value its tag cannot hold (`2001-02-30`, `!!int abc`) is BPI001."""
        tag = node.tag
        if tag == STR_TAG:
            return node.value
        try:
            scalar = SCALAR_CONSTRUCTORS.get(tag)
            if scalar is not None:
                return scalar(self.constructor, node)
            return self.constructor.construct_object(node)
        except yaml.MarkedYAMLError:
            raise
        except (ValueError, TypeError, AttributeError, OverflowError) as exc:
            tag = node.tag.rsplit(":", 1)[-1]
            digits = sum(c.isdigit() for c in node.value)
            if tag == "int" and digits > sys.get_int_max_str_digits():
                raise self.fail(
                    "BPI001",
                    f"an integer of {digits:,} digits is out of range: Helm and Kubernetes "
                    "read numbers as 64-bit values",
                    node,
                    "quote the value to keep it a string",
                ) from None
            value = node.value if len(node.value) <= 40 else node.value[:37] + "..."
            why = f" ({exc})" if isinstance(exc, ValueError) and len(str(exc)) <= 60 else ""
            raise self.fail(
                "BPI001",
                f"{value!r} is not a valid {tag}{why}",
                node,
                "quote the value to keep it a string, or correct it",
            ) from None

    def build_mapping(self, node: yaml.Node, path: PathKey) -> dict[Any, Any]:
        result: dict[Any, Any] = {}
        merged: dict[Any, Any] = {}
        first_lines: dict[Any, int] = {}
        keys, values = self.doc.keys, self.doc.values
        for key_node, value_node in node.value:
            key_tag = key_node.tag
            if key_tag == _MERGE_TAG:
                merged.update(self.merge_source(value_node, path))
                continue
            if not isinstance(key_node, ScalarNode):
                raise self.fail(
                    "BPI001", "a mapping key must be a scalar", key_node, "quote the key"
                )
            # A plain-string key, by far the most, is its own path part (no call for it).
            if key_tag == STR_TAG:
                key = key_node.value
                child = (*path, key)
            else:
                key = self.scalar(key_node)
                child = (*path, key if isinstance(key, int) else str(key))
                if _literal(key_node):
                    self.doc.key_literals[child] = key_node.value
            if key in result:
                # Equal keys may differ in spelling (`1` and `1.0`, `1` and `true`).
                self.duplicate(key, first_lines[key], key_node, value_node, child, result)
                continue
            mark = key_node.start_mark  # what `_pos` gives, inline: once per key
            first_lines[key] = line = mark.line + 1
            keys[child] = (line, mark.column + 1)
            mark = value_node.start_mark
            values[child] = (mark.line + 1, mark.column + 1)
            if value_node.tag == STR_TAG and type(value_node) is ScalarNode and self.budget > 0:
                self.budget -= 1  # what `build` would do for a plain string, without the call
                result[key] = value_node.value
            else:
                result[key] = self.build(value_node, child)
        return {**merged, **result} if merged else result

    def duplicate(
        self,
        key: Any,
        first_line: int,
        key_node: yaml.Node,
        value_node: yaml.Node,
        child: PathKey,
        result: dict[Any, Any],
    ) -> None:
        """A key defined twice: BPI013 when both values are the same, else BPI002. Raised
        (the file refused) unless tolerated; then the second value wins, as in Helm."""
        for table in (self.doc.values, self.doc.keys, self.doc.literals, self.doc.key_literals):
            for path in [p for p in table if p[: len(child)] == child]:
                del table[path]  # the positions of the value that loses
        first = result[key]
        self.doc.keys[child] = _pos(key_node)
        self.doc.values[child] = _pos(value_node)
        second = self.build(value_node, child)
        if _same(first, second):
            error = self.fail(
                "BPI013",
                f"duplicate key {key!r} (first defined on line {first_line}, with the same value)",
                key_node,
                "remove one of the two keys; both hold the same value, so nothing changes",
            )
        else:
            error = self.fail(
                "BPI002",
                f"duplicate key {key!r} (first defined on line {first_line})",
                key_node,
                "remove one of the two keys; YAML keeps only the last, silently",
            )
        if self.tolerate is None or not self.tolerate(error, self.doc.source):
            raise error
        self.doc.findings.append(error)
        result[key] = second

    def merge_source(self, node: yaml.Node, path: PathKey) -> dict[Any, Any]:
        sources = node.value if isinstance(node, yaml.SequenceNode) else [node]
        merged: dict[Any, Any] = {}
        for source in reversed(sources):
            value = self.build(source, path)
            if not isinstance(value, dict):
                raise self.fail("BPI001", "`<<` merges only mappings", source, "merge a mapping")
            merged.update(value)
        return merged


def _same(a: Any, b: Any) -> bool:
    """Equal and of the same types all the way down (`1`, `1.0` and `true` differ)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def _literal(node: yaml.Node) -> bool:
    """A scalar whose text Helm reads where YAML 1.1 builds something else (`literals`)."""
    return node.tag in _LITERAL_TAGS or is_base_60(node)


def _pos(node: yaml.Node) -> tuple[int, int]:
    mark = node.start_mark
    return mark.line + 1, mark.column + 1
