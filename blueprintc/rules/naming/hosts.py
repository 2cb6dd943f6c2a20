"""Hosts in text, found once per file and shared by BPN003 and the domain rules.

A host is two or more DNS labels joined by dots, where a label may also be a
parameter (`${SOVEREIGN_FQDN}`, `$X`), a Helm expression
(`{{ .Values.global.sovereignFQDN }}`) or a printf verb (`%s`). Each host
knows where its Sovereign FQDN starts, if it has one: a canon FQDN parameter,
a test Sovereign `t<NN>.<test domain>`, or a canon `sovereignFqdns` entry.

Names that only look like hosts are marked `api_name`: Kubernetes label and
annotation keys and apiVersions (`openova.io/env-type:`,
`catalyst.openova.io/v1`) and the canon `apiGroupDomains`, unless they sit in
a URL (`https://...`) or an address (`x@...`).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any, NamedTuple

from blueprintc.canon import Canon
from blueprintc.rules.context import BlueprintContext
from blueprintc.rules.naming.text import glued, per_canon
from blueprintc.source import SourceFile

PLAIN, FQDN_PARAM, ORG_PARAM, PARAM = "plain", "fqdn-param", "org-param", "param"

# Possessive quantifiers and the look-ahead for the first dot keep the pass
# linear: a plain word is given up at its end, never re-tried char by char.
_LABEL = (
    r"(?:[A-Za-z0-9][A-Za-z0-9-]*+"
    r"|\$\{\w++\}|\$[A-Za-z_]\w*+|\{\{[^{}\n]{1,200}?\}\}|%[sv])"
)
_LABEL_RE = re.compile(_LABEL)
_HOST = re.compile(rf"(?<![\w.$%{{}}-]){_LABEL}(?=\.)(?:\.{_LABEL})+")
# After a host, `/name` ending a key, a selector or a value: a qualified name.
_QUALIFIED = re.compile(r"/[A-Za-z0-9][\w.-]*(?=$|[\s\"'`,;=|>}\])]|:(?:\s|$))", re.MULTILINE)


class Label(NamedTuple):
    text: str
    start: int
    kind: str
    name: str  # lowercased text


class Host(NamedTuple):  # a tuple: thousands are made per lint run, cheaply
    source: SourceFile
    start: int
    end: int
    labels: tuple[Label, ...]
    names: tuple[str, ...]  # the labels, lowercased
    sovereign: int | None  # index of the first label of the Sovereign FQDN
    literal_sovereign: bool
    url: bool
    api_name: bool

    @property
    def text(self) -> str:
        return self.source.text[self.start : self.end]

    @property
    def prefix(self) -> tuple[Label, ...]:
        """The labels in front of the Sovereign FQDN (all labels when there is none)."""
        return self.labels if self.sovereign is None else self.labels[: self.sovereign]

    def text_from(self, index: int) -> str:
        return self.source.text[self.labels[index].start : self.end]

    def ends_with(self, domain: str) -> int | None:
        """Index of the first label of `domain` when the host ends with it."""
        return _ends_with(self.names, domain)


class _Shape(NamedTuple):
    # The labels by field: texts, starts (relative to the host's start), kinds, names.
    columns: tuple[tuple[Any, ...], ...]
    sovereign: int | None
    literal: bool
    api_group: bool


_MAX_SHAPES = 65_536
_new_label = functools.partial(tuple.__new__, Label)
_new_host = functools.partial(tuple.__new__, Host)


@dataclass(frozen=True)
class FileScan:
    hosts: tuple[Host, ...]
    brands: tuple[tuple[int, str], ...]  # (offset, text)


class HostScanner:
    def __init__(self, canon: Canon) -> None:
        domains = canon.section("domains")
        self.fqdn_params = tuple(str(p) for p in domains.get("fqdnParameters", []))
        self.org_params = tuple(str(p) for p in domains.get("orgParameters", []))
        self.test_label = re.compile(str(domains.get("testSovereignLabel", "(?!)")))
        self.test_domains = tuple(str(d).lower() for d in domains.get("testSovereignDomains", []))
        self.sovereign_fqdns = tuple(str(d).lower() for d in domains.get("sovereignFqdns", []))
        self.api_groups = tuple(str(d).lower() for d in domains.get("apiGroupDomains", []))
        # Split once here, not for every host found.
        self._test_parts = tuple(_parts(d) for d in self.test_domains)
        self._fqdn_parts = tuple(_parts(d) for d in self.sovereign_fqdns)
        self._api_names = frozenset(self.api_groups)
        self._api_suffixes = tuple("." + g for g in self.api_groups)
        self._shapes: dict[str, _Shape] = {}
        brands = [
            r"\s+".join(re.escape(word) for word in str(b).split())
            for b in domains.get("forbiddenBrands", [])
        ]
        # Literal first (fast to find); the word boundary before is checked by hand.
        self.brands = re.compile(rf"(?i:{'|'.join(brands)})(?!\w)") if brands else None

    def label_kind(self, text: str) -> str:
        if text[0] not in "${%":
            return PLAIN
        if any(p in text for p in self.fqdn_params):
            return FQDN_PARAM
        if any(p in text for p in self.org_params):
            return ORG_PARAM
        return PARAM

    def host(self, source: SourceFile, start: int, end: int) -> Host:
        text = source.text
        shape = self._shape(text[start:end])
        texts, offsets, kinds, names = shape.columns
        # Built by C-level calls only (no NamedTuple __new__ per label): thousands per run.
        starts = map(start.__add__, offsets)
        labels = tuple(map(_new_label, zip(texts, starts, kinds, names, strict=True)))
        url = text.endswith("://", 0, start) or text.endswith("@", 0, start)
        api_name = not url and (_QUALIFIED.match(text, end) is not None or shape.api_group)
        return _new_host(
            (source, start, end, labels, names, shape.sovereign, shape.literal, url, api_name)
        )

    def _shape(self, host: str) -> _Shape:
        """What a host's text alone decides, worked out once per distinct text: the
        same names recur across a Blueprint's files (and its clones')."""
        shape = self._shapes.get(host)
        if shape is None:
            found = []
            for match in _LABEL_RE.finditer(host):
                label = match.group()
                kind = PLAIN if label[0] not in "${%" else self.label_kind(label)
                found.append(Label(label, match.start(), kind, label.lower()))
            labels = tuple(found)
            names = tuple(label.name for label in labels)
            sovereign, literal = self._sovereign(labels, names)
            api_group = self._is_api_group(".".join(names))
            columns = tuple(zip(*labels, strict=True)) if labels else ((), (), (), ())
            shape = _Shape(columns, sovereign, literal, api_group)
            if len(self._shapes) < _MAX_SHAPES:
                self._shapes[host] = shape
        return shape

    def _sovereign(
        self, labels: tuple[Label, ...], names: tuple[str, ...]
    ) -> tuple[int | None, bool]:
        """Where the Sovereign FQDN starts, and whether it is a literal."""
        if labels[-1].kind == FQDN_PARAM:
            return len(labels) - 1, False
        for parts in self._test_parts:
            index = _ends_with_parts(names, parts)
            if index and self.test_label.match(names[index - 1]):
                return index - 1, True
        for parts in self._fqdn_parts:
            index = _ends_with_parts(names, parts)
            if index is not None:
                return index, True
        return None, False

    def _is_api_group(self, name: str) -> bool:
        """The name is a canon API group domain, or a subdomain of one."""
        return name in self._api_names or name.endswith(self._api_suffixes)


@functools.lru_cache(maxsize=1024)
def _parts(domain: str) -> tuple[str, ...]:
    return tuple(domain.lower().split("."))


def _ends_with(names: tuple[str, ...], domain: str) -> int | None:
    return _ends_with_parts(names, _parts(domain))


def _ends_with_parts(names: tuple[str, ...], parts: tuple[str, ...]) -> int | None:
    if len(names) >= len(parts) and names[-len(parts) :] == parts:
        return len(names) - len(parts)
    return None


scanner = per_canon(HostScanner)


def _scan(scan: HostScanner, source: SourceFile) -> FileScan:
    text = source.text
    hosts = tuple(scan.host(source, m.start(), m.end()) for m in _HOST.finditer(text))
    brands: tuple[tuple[int, str], ...] = ()
    if scan.brands is not None:
        brands = tuple(
            (m.start(), m.group()) for m in scan.brands.finditer(text) if not glued(text, m.start())
        )
    return FileScan(hosts, brands)


def scan_file(canon: Canon, source: SourceFile) -> FileScan:
    """The hosts and brand mentions of one file (each Blueprint lists its files' once)."""
    return _scan(scanner(canon), source)


def file_scans(ctx: BlueprintContext) -> list[tuple[SourceFile, FileScan]]:
    """Every text file of the Blueprint with its hosts and brand mentions (listed once
    per Blueprint: every domain rule asks)."""
    return list(
        ctx.remember(
            "file_scans",
            lambda: [(source, scan_file(ctx.canon, source)) for source in ctx.text_files],
        )
    )


def hosts(ctx: BlueprintContext) -> list[Host]:
    """Every host of the Blueprint's text files, in file order (listed once per Blueprint)."""
    return list(
        ctx.remember("hosts", lambda: [h for _, scan in file_scans(ctx) for h in scan.hosts])
    )
