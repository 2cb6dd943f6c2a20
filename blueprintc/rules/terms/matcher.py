"""Banned terms (canon `terms`) as one matcher per canon, for prose and identifiers.

A term matches as a whole word, any case, plural included (`Tenants`); words
glued by `.`, `/`, `_`, `@` or backticks belong to a name and do not count,
hyphenated compounds do (`multi-tenant`) unless they are a Blueprint name
(`bp-tenant-portal`). A hit is exempt when its neighbouring words match the
term's canon exemptions: `exemptBefore` / `exemptAfter` words, or an `exempt`
phrase around it (`Kubernetes Operator`, `client ID`). Neighbours are the
words next to the term across spaces, hyphens, quotes, parentheses and
emphasis; other punctuation ends them. Identifiers (`tenantId`,
`oidc_client`) are split into camel, snake and kebab parts and judged the
same way.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from blueprintc.canon import Canon
from blueprintc.rules.naming.text import per_canon

_PART = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|[0-9]+")
_NEIGHBOUR = re.compile(r"[A-Za-z0-9]+|[^\sA-Za-z0-9\-*\"'()`]")
_SEPARATORS = re.compile(r"[\s_-]+")
_NAME_BEFORE = re.compile(r"([A-Za-z][A-Za-z0-9]*)[ \t-]+$")
_SENTENCE_ENDS = frozenset(".!?:;\n|>\"'(*#-`[")
_WINDOW = 80
_REACH = 4  # neighbour words looked at on each side


def split_identifier(name: str) -> list[tuple[int, str]]:
    """`tenantId` -> [(0, 'tenant'), (6, 'Id')]; also snake_case and kebab-case."""
    return [(m.start(), m.group()) for m in _PART.finditer(name)]


@dataclass(frozen=True)
class Term:
    label: str
    words: tuple[str, ...]
    use: str
    # Exemptions as (before, after) strings, lowercased without separators:
    # "Kubernetes Operator" -> ("kubernetes", ""), "client ID" -> ("", "id").
    exemptions: frozenset[tuple[str, str]]
    identifiers: frozenset[str]
    examples: tuple[str, ...]
    # `exemptAfterName`: right after a product's name (a capitalised word that is no
    # determiner nor one of Catalyst's own nouns) the term is that software's: "Harbor
    # instance", "Anthropic clients", "Trivy Operator".
    after_name: bool = False
    # `exemptWhereChartDependsOn`: in a Blueprint whose chart depends on an upstream chart
    # whose name matches, the term is that software's (`knative-operator`: "the operator").
    dependency_sense: re.Pattern[str] | None = None

    def exempt(self, before: Sequence[str], after: Sequence[str]) -> bool:
        """`before` runs from the nearest word (or identifier part) outwards, `after`
        likewise; an exemption word may span several parts (`OAuth2` = o+auth+2)."""
        befores = _joins(before, backwards=True)
        afters = _joins(after, backwards=False)
        return any(b in befores and a in afters for b, a in self.exemptions)

    def hint(self) -> str:
        allowed = f" ({', '.join(self.examples)} are fine)" if self.examples else ""
        return f"write '{self.use}' instead{allowed}"


@dataclass(frozen=True)
class Hit:
    term: Term
    start: int  # offset in the scanned text or identifier
    text: str  # as written


class Terms:
    def __init__(self, canon: Canon) -> None:
        entries = canon.data.get("terms")
        self.terms = tuple(
            _term(entry)
            for entry in (entries if isinstance(entries, list) else [])
            if isinstance(entry, dict) and entry.get("term") and entry.get("use")
        )
        self.by_words = {t.words: t for t in self.terms}
        self.longest_first = sorted(self.terms, key=lambda t: -len(t.words))
        # Candidate terms by the first identifier part they can start with.
        self.starting: dict[str, list[Term]] = {}
        for term in self.longest_first:
            firsts = {term.words[0]} | ({term.words[0] + "s"} if len(term.words) == 1 else set())
            for first in firsts:
                self.starting.setdefault(first, []).append(term)
        self.name_prefix = str(canon.section("blueprint").get("namePrefix", "")) or None
        # Capitalised words that are no product name (canon `termNameStopwords`).
        stopwords = canon.data.get("termNameStopwords")
        self.not_names = frozenset(
            str(w).lower() for w in (stopwords if isinstance(stopwords, list) else [])
        )
        alternation = "|".join(r"[\s-]+".join(map(re.escape, t.words)) for t in self.longest_first)
        self.regex = re.compile(
            rf"(?<![\w./@$`])(?P<term>{alternation or '(?!)'})s?(?![\w/@`]|\.\w)", re.IGNORECASE
        )

    def in_text(self, text: str, start: int = 0, end: int | None = None) -> Iterator[Hit]:
        """Hits in `text[start:end]`; offsets are into `text`."""
        end = len(text) if end is None else end
        for match in self.regex.finditer(text, start, end):
            if self._in_blueprint_name(text, match.start()):
                continue
            term = self.by_words[tuple(re.split(r"[\s-]+", match.group("term").lower()))]
            before = _run(
                reversed(
                    _NEIGHBOUR.findall(text, max(start, match.start() - _WINDOW), match.start())
                )
            )
            after = _run(_NEIGHBOUR.findall(text, match.end(), min(end, match.end() + _WINDOW)))
            if term.exempt(before, after):
                continue
            if term.after_name and self._after_name(
                text, max(start, match.start() - _WINDOW), match
            ):
                continue
            yield Hit(term, match.start(), match.group())

    def _after_name(self, text: str, window: int, match: re.Match[str]) -> bool:
        """The word right before the hit (across spaces and hyphens only) is a name:
        capitalised or camel-cased (`Harbor`, `OpenBao`, `gRPC`), and not a determiner or
        one of Catalyst's own nouns (canon `termNameStopwords`)."""
        found = _NAME_BEFORE.search(text, window, match.start())
        if found is None:
            return False
        word = found.group(1)
        if word.lower() in self.not_names:
            return False
        if any(c.isupper() for c in word[1:]):  # OpenBao, gRPC, UI
            return True
        # Capitalised: a name, unless the word starts a sentence, line or scalar.
        lead = text[window : found.start()]
        if lead.endswith("-") and lead[-2:-1].isalnum():
            return word[0].isupper()  # the tail of a compound name: Element-Web
        lead = lead.rstrip(" \t")
        return word[0].isupper() and bool(lead) and lead[-1] not in _SENTENCE_ENDS

    def _in_blueprint_name(self, text: str, offset: int) -> bool:
        """`bp-tenant-portal` in prose is a Blueprint's name, not a use of the term."""
        if self.name_prefix is None:
            return False
        start = offset
        while start > 0 and (text[start - 1].isalnum() or text[start - 1] == "-"):
            start -= 1
        return start < offset and text.startswith(self.name_prefix, start)

    def in_identifier(self, name: str) -> Iterator[Hit]:
        parts = split_identifier(name)
        words = [part.lower() for _, part in parts]
        index = 0
        while index < len(words):
            for term in self.starting.get(words[index], ()):
                size = len(term.words)
                found = words[index : index + size]
                if len(found) == size and _same(found, term.words):
                    if name.lower() not in term.identifiers and not term.exempt(
                        words[:index][::-1], words[index + size :]
                    ):
                        first, last = parts[index], parts[index + size - 1]
                        yield Hit(term, first[0], name[first[0] : last[0] + len(last[1])])
                    index += size
                    break
            else:
                index += 1


def _same(found: Sequence[str], words: tuple[str, ...]) -> bool:
    last = words[-1]
    return tuple(found[:-1]) == words[:-1] and found[-1] in (last, last + "s")


def _joins(parts: Sequence[str], backwards: bool) -> set[str]:
    """ "", then the nearest part, then the nearest two joined in reading order, ..."""
    joined, out = "", {""}
    for part in parts[:_REACH]:
        joined = part + joined if backwards else joined + part
        out.add(joined)
    return out


def _run(tokens: Iterable[str]) -> list[str]:
    """The words next to a hit, up to the first punctuation mark."""
    words: list[str] = []
    for token in tokens:
        if not token[0].isalnum() or len(words) == _REACH:
            break
        words.append(token.lower())
    return words


def _term(entry: dict[str, Any]) -> Term:
    label = str(entry["term"])
    words = tuple(label.lower().split())
    key = "".join(words)
    exemptions = {(str(w).lower(), "") for w in entry.get("exemptBefore") or []}
    exemptions |= {("", str(w).lower()) for w in entry.get("exemptAfter") or []}
    for phrase in entry.get("exempt") or []:
        flat = _SEPARATORS.sub("", str(phrase).lower())
        at = flat.find(key)
        if at >= 0:
            exemptions.add((flat[:at], flat[at + len(key) :]))
    before = [str(w) for w in entry.get("exemptBefore") or []]
    return Term(
        label=label,
        words=words,
        use=str(entry["use"]),
        exemptions=frozenset(exemptions),
        identifiers=frozenset(str(w).lower() for w in entry.get("exemptIdentifiers") or []),
        after_name=entry.get("exemptAfterName") is True,
        dependency_sense=_pattern(entry.get("exemptWhereChartDependsOn")),
        examples=tuple(
            [
                *(str(p) for p in entry.get("exempt") or []),
                *(f"{w} {label.lower()}" for w in before),
            ][:3]
        ),
    )


def _pattern(value: object) -> re.Pattern[str] | None:
    return re.compile(value) if isinstance(value, str) and value else None


terms = per_canon(Terms)
