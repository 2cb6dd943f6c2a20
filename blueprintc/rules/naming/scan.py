"""One scan per file for the naming rules.

It finds `key: value` pairs whose key is one of the canon's naming keys
(cluster-name, vcluster-name and env-type keys, the env-type labels), in YAML,
JSON, flow mappings and Helm templates alike, and free-standing tokens shaped
like cluster names (`{prov}-...` with at least four segments). A value that is
a template or parameter (`{{ .Values.x }}`, `${X}`) is kept, marked
non-literal, for the rules that look at what it refers to.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from blueprintc.canon import Canon
from blueprintc.rules.context import BlueprintContext
from blueprintc.rules.naming.text import finditer_at, glued, per_canon, yaml_files
from blueprintc.source import SourceFile

CLUSTER, VCLUSTER, ENV, LEGACY, TOKEN = "cluster", "vcluster", "env", "legacy", "token"
_NEVER = "(?!)"


@dataclass(frozen=True)
class Item:
    source: SourceFile
    kinds: frozenset[str]
    key: str | None
    key_offset: int
    value: str
    offset: int  # of the value

    @property
    def literal(self) -> bool:
        return self.value[:1].isalnum()


class Scanner:
    def __init__(self, canon: Canon) -> None:
        naming = canon.section("naming")
        groups = {
            CLUSTER: naming.get("clusterNameKeys", []),
            VCLUSTER: naming.get("vclusterNameKeys", []),
            ENV: [*naming.get("envTypeKeys", []), naming.get("envTypeLabel")],
            LEGACY: [naming.get("legacyEnvTypeLabel")],
        }
        self.kinds: dict[str, frozenset[str]] = {}
        for kind, keys in groups.items():
            for key in filter(None, keys):
                self.kinds[str(key)] = self.kinds.get(str(key), frozenset()) | {kind}
        self.env_keys = tuple(str(k).lower() for k in naming.get("envTypeKeys", []))
        keys = "|".join(re.escape(k) for k in sorted(self.kinds, key=len, reverse=True))
        providers = "|".join(re.escape(p) for p in sorted(canon.providers, key=len, reverse=True))
        # Two literal-first patterns (fast to scan for); the character before a
        # match is checked by hand, which a leading look-behind would make slow.
        self.pairs = re.compile(
            rf"(?P<key>{keys or _NEVER})(?P<kq>[\"']?)[ \t]*[:=][ \t]*"
            r"(?P<vq>[\"']?)(?P<value>\{\{(?:(?!\}\})[^\n])*\}\}|\$\{\w+\}|[A-Za-z0-9][\w.-]*)(?P=vq)"
            r"(?=[ \t]*(?:$|#|,|\}|\]))",
            re.MULTILINE,
        )
        self.tokens = re.compile(rf"(?:{providers or _NEVER})(?:-[a-z0-9]+){{3,}}(?![\w-])")
        # Where each pattern can start: a key, or a provider and its `-`.
        self.pair_starts = tuple(self.kinds)
        self.token_starts = tuple(f"{p}-" for p in canon.providers)

    def refers_to_env_type(self, value: str) -> bool:
        """Whether a template/parameter value reads an env-type key (`.Values.envType`)."""
        lowered = value.lower()
        return any(key in lowered for key in self.env_keys)


scanner = per_canon(Scanner)
_YAML_NULLS = ("null", "Null", "NULL")


def _scan(scan: Scanner, source: SourceFile) -> tuple[Item, ...]:
    text = source.text
    items = []
    for match in finditer_at(scan.pairs, text, scan.pair_starts):
        start, quote = match.start(), match.group("kq")
        if quote and text[start - 1 : start] != quote:
            continue
        if glued(text, start - len(quote), "./$-"):  # catalyst.openova.io/env-type
            continue
        key = match.group("key")
        value = match.group("value")
        if value in _YAML_NULLS and not match.group("vq"):
            continue  # `envType: null` unsets a value (Helm deletes the key): no name
        items.append(Item(source, scan.kinds[key], key, start, value, match.start("value")))
    taken = {item.offset for item in items}
    for match in finditer_at(scan.tokens, text, scan.token_starts):
        start = match.start()
        if start not in taken and not glued(text, start, ".-"):
            items.append(Item(source, frozenset({TOKEN}), None, -1, match.group(), start))
    return tuple(sorted(items, key=lambda item: item.offset))


def scan_file(canon: Canon, source: SourceFile) -> tuple[Item, ...]:
    """The naming items of one file (each Blueprint lists its files' once)."""
    return _scan(scanner(canon), source)


def naming_items(ctx: BlueprintContext) -> list[Item]:
    """Every naming item of the Blueprint's YAML-like files."""
    return list(
        ctx.remember(
            "naming_items",
            lambda: [item for source in yaml_files(ctx) for item in scan_file(ctx.canon, source)],
        )
    )
