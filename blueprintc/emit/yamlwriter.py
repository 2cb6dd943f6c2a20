"""Deterministic YAML for plain data (dict, list, tuple, str, int, float, bool, None).

PyYAML spends most of its time building events and nodes in Python; for data we
generate ourselves a direct writer is several times faster and lets us pin the
style down byte for byte. Style, decided once:

* Block style everywhere; ``{}`` and ``[]`` only for empty collections.
* Mappings indent by 2. Sequences are indented by 2 under their key, as in the
  Flux and Helm docs (``containers:\\n  - name: x``); a mapping inside a list
  starts on the ``- `` line. No line wrapping, ever.
* Key order: a mapping holding both ``apiVersion`` and ``kind`` (at any depth)
  puts ``apiVersion, kind, metadata, spec, data, stringData, type`` first, and
  its ``metadata`` puts ``name, namespace, labels, annotations`` first; all other
  keys, everywhere, keep the insertion order the plan chose.
* Strings are plain unless a YAML 1.1 reader (PyYAML; Go yaml.v2 as in
  sigs.k8s.io/yaml) or a YAML 1.2 reader (ruamel.yaml; yaml.v3 as in kustomize)
  could read them as anything else: booleans of either spec (``yes``, ``on``,
  ``y``...), nulls, ints and floats in every base and sexagesimal form,
  timestamps, ``<<``, ``=``, leading indicators, ``: ``, `` #``, edge spaces,
  non-printables. Those are double-quoted with JSON-compatible escapes. Flux
  placeholders such as ``${cluster_name}`` stay plain, so post-build
  substitution yields whatever type the substituted text has; a plan that
  wants a string there whatever the value must say so in its own data.
* Multi-line strings are literal blocks (``|``, ``|-`` or ``|+`` as the trailing
  newlines require) unless they hold characters a block cannot carry or start
  with indentation; then they are double-quoted.
* Floats: ``repr`` with a ``.0`` mantissa where YAML 1.1 needs it; ``.inf``,
  ``-.inf``, ``.nan``.
* Documents are joined with ``---``; each ends with a newline; LF only.

Keys may be str, int, float, bool or None; anything else (sets, bytes, objects)
raises TypeError. Strings must be valid Unicode (no lone surrogates).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping
from typing import Any

__all__ = ["dump", "dump_all"]

_K8S_FIRST = ("apiVersion", "kind", "metadata", "spec", "data", "stringData", "type")
_META_FIRST = ("name", "namespace", "labels", "annotations")
_K8S_FIRST_SET = frozenset(_K8S_FIRST)
_META_FIRST_SET = frozenset(_META_FIRST)

_START_INDICATORS = frozenset("-?:,[]{}#&*!|>'\"%@`")
# Anything outside YAML's printable set, plus tab, NEL, LS, PS and BOM: never plain.
# Written as the characters themselves, not as the complement of the printable ranges
# (`[^\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]`):
# the same set, which `re` took 10 ms to compile in every process that imports this.
_NOT_PLAIN_CHAR = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff]")
# The same, less tab and newline.
_NOT_BLOCK_CHAR = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff]"
)
# Characters json.dumps leaves raw that YAML must see escaped.
_JSON_RAW_UNSAFE = re.compile("[\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]")
# A superset of every int/float form of YAML 1.1 and 1.2 (incl. ruamel's `[0-9_]+`).
_NUMBERISH = re.compile(
    r"""[-+]?(?:
        [0-9_]+(?::[0-9_]+)*(?:\.[0-9_]*)?(?:[eE][-+]?[0-9_]+)?
      | \.[0-9_]+(?:[eE][-+]?[0-9_]+)?
      | 0[bBoOxX][0-9a-fA-F_]+
      | \.(?:inf|nan)
    )""",
    re.X | re.I,
)
_TIMESTAMP_PREFIX = re.compile(r"[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?")
_RESOLVER_START = frozenset("0123456789+-._")
_WORDS = frozenset(
    ["", "~", "null", "y", "n", "yes", "no", "true", "false", "on", "off", "<<", "="]
)
_MAX_SIMPLE_KEY = 1000  # YAML readers give up on implicit keys longer than 1024 chars

_line_cache: dict[str, str] = {}
_CACHE_LIMIT = 200_000
_CACHE_MAX_LEN = 256


def dump(data: Any) -> str:
    """One YAML document, ending with a newline."""
    out: list[str] = []
    _node(data, "", out)
    return "".join(out)


def dump_all(documents: Iterable[Any]) -> str:
    """Documents separated by ``---`` lines; empty string for no documents."""
    return "---\n".join(dump(d) for d in documents)


def _node(data: Any, ind: str, out: list[str]) -> None:
    """A top-level node: the caller is at the start of a line."""
    if isinstance(data, Mapping) and data:
        _mapping(data, ind, ind, out)
    elif isinstance(data, list | tuple) and data:
        _sequence(data, ind, ind, out)
    else:
        text = _inline(data)
        if text is None:  # multi-line string at top level: stay on one line
            text = _quoted(_as_str(data))
        out.append(text + "\n")


def _mapping(d: Mapping[Any, Any], ind: str, lead: str, out: list[str]) -> None:
    """Write ``d`` at indent ``ind``; the first key goes after ``lead`` (``ind`` or "")."""
    k8s = "apiVersion" in d and "kind" in d
    items = _ordered(d, _K8S_FIRST, _K8S_FIRST_SET) if k8s else d.items()
    child = ind + "  "
    append = out.append
    for k, v in items:
        ks = _line_cache.get(k) if type(k) is str else None
        if ks is None:
            ks = _key(k)
        kp = f"{lead}? {ks}\n{ind}:" if len(ks) > _MAX_SIMPLE_KEY else f"{lead}{ks}:"
        lead = ind
        t = type(v)
        if t is str:
            text = _line_cache.get(v) or _scalar_str(v)
            if text is None:
                append(kp + " ")
                _literal(v, child, out)
            else:
                append(f"{kp} {text}\n")
        elif t is dict and v:
            append(kp + "\n")
            if k8s and k == "metadata":
                v = dict(_ordered(v, _META_FIRST, _META_FIRST_SET))
            _mapping(v, child, child, out)
        elif (t is list or t is tuple) and v:
            append(kp + "\n")
            _sequence(v, child, child, out)
        elif t is int:
            append(f"{kp} {v}\n")
        elif t is bool:
            append(kp + (" true\n" if v else " false\n"))
        else:
            append(kp)
            _other(v, child, out, nested_lead=None)


def _sequence(seq: list[Any] | tuple[Any, ...], ind: str, lead: str, out: list[str]) -> None:
    """Write ``seq`` at indent ``ind``; the first dash goes after ``lead``."""
    child = ind + "  "
    append = out.append
    for v in seq:
        t = type(v)
        if t is str:
            text = _line_cache.get(v) or _scalar_str(v)
            if text is None:
                append(f"{lead}- ")
                _literal(v, child, out)
            else:
                append(f"{lead}- {text}\n")
        elif t is dict and v:
            append(f"{lead}- ")
            _mapping(v, child, "", out)
        elif (t is list or t is tuple) and v:
            append(f"{lead}- ")
            _sequence(v, child, "", out)
        else:
            append(f"{lead}-")
            _other(v, child, out, nested_lead="")
        lead = ind


def _other(v: Any, child: str, out: list[str], nested_lead: str | None) -> None:
    """The slow path after ``key:`` or ``-``: empty or non-builtin collections, scalars.

    ``nested_lead`` is "" inside a sequence item (content continues on the dash
    line) and None after a mapping key (content starts on the next line).
    """
    if isinstance(v, Mapping | list | tuple) and v:
        if nested_lead is None:
            out.append("\n")
            lead = child
        else:
            out.append(" ")
            lead = nested_lead
        if isinstance(v, Mapping):
            _mapping(v, child, lead, out)
        else:
            _sequence(v, child, lead, out)
        return
    text = _inline(v)
    if text is None:
        out.append(" ")
        _literal(_as_str(v), child, out)
    else:
        out.append(f" {text}\n")


def _ordered(
    d: Mapping[Any, Any], first: tuple[str, ...], first_set: frozenset[str]
) -> list[tuple[Any, Any]]:
    """Priority keys in their fixed order, then the rest in insertion order."""
    items = [(k, d[k]) for k in first if k in d]
    if len(items) != len(d):
        items.extend((k, v) for k, v in d.items() if not (type(k) is str and k in first_set))
    return items


def _literal(s: str, ind: str, out: list[str]) -> None:
    """A literal block scalar; the caller has written the text before the indicator."""
    if s.endswith("\n"):
        body = s[:-1].split("\n")
        out.append("|+\n" if s.endswith("\n\n") else "|\n")
    else:
        body = s.split("\n")
        out.append("|-\n")
    out.extend(f"{ind}{line}\n" if line else "\n" for line in body)


def _inline(v: Any) -> str | None:
    """Text of a scalar or empty collection on one line; None for a literal block."""
    if isinstance(v, str):
        return _scalar_str(_as_str(v))
    if isinstance(v, Mapping):
        return "{}"
    if isinstance(v, list | tuple):
        return "[]"
    return _scalar_other(v)


def _key(k: Any) -> str:
    if isinstance(k, str):
        k = _as_str(k)
        text = _scalar_str(k)
        return _quoted(k) if text is None else text
    if isinstance(k, Mapping | list | tuple):
        raise TypeError(f"mapping keys must be scalars, not {type(k).__name__}")
    return _scalar_other(k)


def _scalar_str(s: str) -> str | None:
    """Plain or double-quoted text for a one-line string; None if a literal block suits."""
    if "\n" in s:
        if _block_ok(s):
            return None
        return _quoted(s)
    text = _quoted(s) if _needs_quotes(s) else s
    if len(s) <= _CACHE_MAX_LEN and type(s) is str:
        if len(_line_cache) >= _CACHE_LIMIT:
            _line_cache.clear()
        _line_cache[s] = text
    return text


def _needs_quotes(s: str) -> bool:
    if not s:
        return True
    c = s[0]
    if c in _START_INDICATORS and (c != "-" or len(s) == 1 or s[1] == " "):
        return True
    if c == " " or s[-1] == " " or s[-1] == ":" or ": " in s or " #" in s:
        return True
    if s.startswith(("---", "...")) or _NOT_PLAIN_CHAR.search(s):
        return True
    if c in _RESOLVER_START and (_NUMBERISH.fullmatch(s) or _TIMESTAMP_PREFIX.match(s)):
        return True
    return len(s) <= 5 and s.lower() in _WORDS


def _block_ok(s: str) -> bool:
    """A literal block keeps ``s`` exactly: printable, with an unindented first line."""
    first = s.lstrip("\n")
    return bool(first) and first[0] not in " \t" and not _NOT_BLOCK_CHAR.search(s)


def _quoted(s: str) -> str:
    text = json.dumps(s, ensure_ascii=False)
    return _JSON_RAW_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _scalar_other(v: Any) -> str:
    if v is None:
        return "null"
    if v is True:
        return "true"
    if v is False:
        return "false"
    if isinstance(v, int):
        return int.__repr__(v)
    if isinstance(v, float):
        return _float(v)
    raise TypeError(f"cannot serialise {type(v).__name__} as YAML: {v!r:.80}")


def _float(f: float) -> str:
    if math.isnan(f):
        return ".nan"
    if math.isinf(f):
        return ".inf" if f > 0 else "-.inf"
    text = float.__repr__(f)
    if "e" in text and "." not in text:  # YAML 1.1 floats need a dot: 1e+16 -> 1.0e+16
        mantissa, exponent = text.split("e")
        text = f"{mantissa}.0e{exponent}"
    return text


def _as_str(s: str) -> str:
    """The plain ``str`` value of a ``str`` subclass (enums included)."""
    return s if type(s) is str else str.__str__(s)
