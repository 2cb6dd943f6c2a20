"""The text of names, label keys and values as apimachinery validates it: a key is
`[prefix/]name` (the prefix a DNS-1123 subdomain, the name a qualified name of at most 63
characters), a value at most 63 alphanumeric characters, `-`, `_` or `.`. An object's
labels, its annotations' keys and a selector's `matchLabels` are all checked here.
A value holding `${` is left alone: Flux substitutes it before the API server sees it."""

from __future__ import annotations

import functools
import re
from typing import Any

_IANA_SVC_NAME = re.compile(r"[-a-z0-9]+")
DNS1123_LABEL = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?")
_DNS1035_LABEL = re.compile(r"[a-z]([-a-z0-9]*[a-z0-9])?")
DNS1123_SUBDOMAIN = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*")
_QUALIFIED_NAME = re.compile(r"([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]")
_LABEL_VALUE = re.compile(r"(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?")

_DNS1123_LABEL_WORDS = (
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', "
    "and must start and end with an alphanumeric character"
)
_DNS1035_WORDS = (
    "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start "
    "with an alphabetic character, and end with an alphanumeric character"
)
_SUBDOMAIN_WORDS = (
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, "
    "'-' or '.', and must start and end with an alphanumeric character"
)
_LABEL_VALUE_WORDS = (
    "a valid label must be an empty string or consist of alphanumeric characters, '-', "
    "'_' or '.', and must start and end with an alphanumeric character"
)
_QUALIFIED_WORDS = (
    "name part must consist of alphanumeric characters, '-', '_' or '.', and must start "
    "and end with an alphanumeric character"
)

Problem = tuple[str, str]  # (JSON path, message)


def labels_map(labels: Any, at: str) -> list[Problem]:
    """A map of labels at `at` (an object's labels, a selector's `matchLabels`): a bad
    value at its key, a bad key at the map. (A list, not a generator: every object asks,
    and almost always for nothing.)"""
    if not isinstance(labels, dict) or not labels:
        return []
    try:
        problems = _labels_problems(tuple(labels.items()))
    except TypeError:  # an unhashable value: its schema says so
        return []
    return [((f"{at}.{key}" if on_value else at), message) for key, on_value, message in problems]


@functools.lru_cache(maxsize=65_536)
def _labels_problems(labels: tuple[tuple[Any, Any], ...]) -> tuple[tuple[Any, bool, str], ...]:
    """A labels map's problems, (key, on its value, message): worked out once per map, as
    a compile's objects repeat theirs."""
    return tuple(
        (key, on_value, message)
        for key, value in labels
        for on_value, message in _label_problems(str(key), value)
    )


@functools.lru_cache(maxsize=65_536)
def _label_problems(key: str, value: object) -> tuple[tuple[bool, str], ...]:
    """A label's problems, (on its value, message): worked out once per label, as a
    compile's objects repeat theirs."""
    found = [(False, message) for message in key_problems(key)]
    if isinstance(value, str) and (problem := label_value_problem(value)):
        found.append((True, f"{value!r}: {problem}"))
    return tuple(found)


def label_value_problem(value: str) -> str | None:
    if "${" in value:
        return None
    if len(value) > 63:
        return "must be no more than 63 characters"
    return None if _LABEL_VALUE.fullmatch(value) else _LABEL_VALUE_WORDS


@functools.lru_cache(maxsize=65_536)
def keys_problems(keys: tuple[str, ...]) -> tuple[str, ...]:
    """The problems of an annotations map's keys, worked out once per set of keys."""
    return tuple(message for key in keys for message in key_problems(key))


@functools.lru_cache(maxsize=65_536)
def key_problems(key: str) -> tuple[str, ...]:
    """A label or annotation key: `[prefix/]name`, the prefix a DNS subdomain."""
    if "${" in key:
        return ()
    prefix, _, name = key.rpartition("/")
    if "/" in prefix or (key.count("/") and not prefix):
        return (f"{key!r}: a qualified name must be a name, with an optional DNS prefix and '/'",)
    found = []
    if prefix and (problem := subdomain_problem(prefix)):
        found.append(f"{key!r}: prefix part {problem}")
    if len(name) > 63:
        found.append(f"{key!r}: name part must be no more than 63 characters")
    elif not _QUALIFIED_NAME.fullmatch(name):
        found.append(f"{key!r}: {_QUALIFIED_WORDS}")
    return tuple(found)


def plain(value: Any) -> str | None:
    """`value` when it is a non-empty string Flux leaves as it is (no `${`)."""
    return value if isinstance(value, str) and value and "${" not in value else None


def subdomain_problem(name: str) -> str | None:
    """Why `name` is no DNS-1123 subdomain (most objects' names, a Secret's reference)."""
    return _dns_name_problem(name, 253, DNS1123_SUBDOMAIN, _SUBDOMAIN_WORDS)


def dns1123_label_problem(name: str) -> str | None:
    """Why `name` is no DNS-1123 label (a container's, a volume's, a port's name)."""
    return _dns_name_problem(name, 63, DNS1123_LABEL, _DNS1123_LABEL_WORDS)


def dns1035_label_problem(name: str) -> str | None:
    """Why `name` is no DNS-1035 label (a Service's name: a DNS-1123 label that starts
    with a letter)."""
    return _dns_name_problem(name, 63, _DNS1035_LABEL, _DNS1035_WORDS)


def _dns_name_problem(name: str, most: int, shape: re.Pattern[str], words: str) -> str | None:
    if len(name) > most:
        return f"must be no more than {most} characters"
    return None if shape.fullmatch(name) else words


def port_name_problem(name: str) -> str | None:
    """IANA_SVC_NAME, as a container port's name (and a named target port) must be."""
    if len(name) > 15:
        return "must be no more than 15 characters"
    if not _IANA_SVC_NAME.fullmatch(name):
        return "must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)"
    if "--" in name:
        return "must not contain consecutive hyphens"
    if not re.search("[a-z]", name):
        return "must contain at least one letter (a-z)"
    if name[0] == "-" or name[-1] == "-":
        return "must not begin or end with a hyphen"
    return None


def port_problem(port: object, *, named: bool) -> str | None:
    """A port number (1 to 65535) or, where `named`, a port's name (an IANA service
    name); as `validatePortNumOrName` has it. A quoted number is a name, and no name."""
    if isinstance(port, bool):
        return None
    if isinstance(port, int):
        return None if 1 <= port <= 65535 else "must be between 1 and 65535, inclusive"
    if not named or not isinstance(port, str) or not port or "${" in port:
        return None
    problem = port_name_problem(port)
    if problem and port.isdigit():
        return f"{problem} (a port number is an integer: unquoted, no `| quote`)"
    return problem
