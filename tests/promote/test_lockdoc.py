"""blueprintc.lock's positions: the quick entry search and the one-pass index agree
with each other and with the located YAML loader; a hand-formatted file still
locates (through the loader)."""

from __future__ import annotations

import json
from pathlib import Path

from blueprintc.promote.lockdoc import LockDoc, _positions, dumps
from blueprintc.source import SourceFile
from blueprintc.yamldoc import load_yaml

DATA = {
    "generated": "note",
    "applications": {
        "acme/shop": {
            "prod": {"blueprint": "bp-webapp", "version": "1.4.2", "config": {"a": [1, {}]}},
            "stg": {"blueprint": "bp-webapp", "version": "1.5.0", "config": {}},
        },
        "globex/wiki": {"stg": {"blueprint": "bp-wiki", "version": "2.0.0", "config": {}}},
        "initech/x": {"prod": {"version": "0.1.0", "config": {"stg": {"version": 1}}}},
    },
}


def _doc(text: str) -> LockDoc:
    return LockDoc(SourceFile(Path("blueprintc.lock"), "blueprintc.lock", text), json.loads(text))


def test_the_entry_search_the_index_and_the_yaml_loader_agree() -> None:
    text = dumps(DATA)
    positions = _positions(text)
    assert positions is not None
    values, keys = positions
    located = load_yaml(SourceFile(Path("x"), "x", text))
    assert values == located.values and keys == located.keys
    entries = [
        (owner, env, field)
        for owner, envs in DATA["applications"].items()  # type: ignore[attr-defined]
        for env, entry in envs.items()
        for field in (None, *entry)
    ]
    for owner, env, field in entries:
        path = ("applications", owner, env) + ((field,) if field else ())
        assert _doc(text)._entry_position(path) == values[path], path
    assert _doc(text)._entry_position(("applications", "globex/wiki", "prod")) is None


def test_a_hand_formatted_lock_is_located_by_the_yaml_loader() -> None:
    text = json.dumps(DATA)  # one line
    assert _positions(text) is None
    doc = _doc(text)
    assert doc.locate(("applications", "acme/shop", "stg", "version")) == (
        1,
        text.index('"1.5.0"') + 1,
    )


def test_the_search_finds_config_keys_and_nothing_outside_their_parent() -> None:
    text = dumps(DATA)
    values, _ = _positions(text)  # type: ignore[misc]
    doc = _doc(text)
    for path in (
        ("applications", "acme/shop", "prod", "config", "a"),
        ("applications", "initech/x", "prod", "config", "stg", "version"),
        ("generated",),
        ("applications",),
    ):
        assert doc._entry_position(path) == values[path], path
    # acme/shop stg has no "a" in its config; the next one down is another entry's
    assert doc._entry_position(("applications", "acme/shop", "stg", "config", "a")) is None
    assert doc._entry_position(("applications", "acme/shop", "prod", "config", "a", 0)) is None


def test_replacing_one_entry_writes_what_the_whole_document_would() -> None:
    import copy

    from blueprintc.promote.lockdoc import replace_entry

    text = dumps(DATA)
    new = {"blueprint": "bp-ünï", "version": "9.9.9", "config": {"b": [1, {"c": []}], "a": {}}}
    for owner, envs in DATA["applications"].items():  # type: ignore[attr-defined]
        for env in envs:
            expected = copy.deepcopy(DATA)
            expected["applications"][owner][env] = new  # type: ignore[index]
            assert replace_entry(text, owner, env, new) == dumps(expected), (owner, env)
    assert replace_entry(text, "acme/shop", "dev", new) is None
    assert replace_entry(text, "initech/x", "stg", new) is None  # only a config key there
    assert replace_entry(json.dumps(DATA), "acme/shop", "prod", new) is None
