from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from blueprintc.plan.versions import (
    RangeError,
    VersionError,
    best_match,
    parse_range,
    parse_version,
)

DESUGAR = [
    ("1.2.3", "1.2.3"),
    ("=1.2.3", "1.2.3"),
    ("v1.2.3", "1.2.3"),
    ("1.2.3+build.5", "1.2.3"),
    ("1.2", ">=1.2.0 <1.3.0-0"),
    ("1.2.x", ">=1.2.0 <1.3.0-0"),
    ("1", ">=1.0.0 <2.0.0-0"),
    ("1.x", ">=1.0.0 <2.0.0-0"),
    ("1.*", ">=1.0.0 <2.0.0-0"),
    ("1.x.x", ">=1.0.0 <2.0.0-0"),
    ("*", "*"),
    ("x", "*"),
    ("", "*"),
    ("^1.4", ">=1.4.0 <2.0.0-0"),
    ("^1.4.2", ">=1.4.2 <2.0.0-0"),
    ("^1", ">=1.0.0 <2.0.0-0"),
    ("^0.3", ">=0.3.0 <0.4.0-0"),
    ("^0.3.1", ">=0.3.1 <0.4.0-0"),
    ("^0.0.3", ">=0.0.3 <0.0.4-0"),
    ("^0.0", ">=0.0.0 <0.1.0-0"),
    ("^0", ">=0.0.0 <1.0.0-0"),
    ("^1.2.3-beta.2", ">=1.2.3-beta.2 <2.0.0-0"),
    ("~1.2", ">=1.2.0 <1.3.0-0"),
    ("~1.2.3", ">=1.2.3 <1.3.0-0"),
    ("~>1.2.3", ">=1.2.3 <1.3.0-0"),
    ("~1", ">=1.0.0 <2.0.0-0"),
    ("~0.2.3", ">=0.2.3 <0.3.0-0"),
    (">1.2.3", ">1.2.3"),
    (">1.2", ">=1.3.0"),
    (">1", ">=2.0.0"),
    (">=1.2", ">=1.2.0"),
    (">= 1.2", ">=1.2.0"),
    ("<1.2.3", "<1.2.3"),
    ("<1.2", "<1.2.0-0"),
    ("<=1.2.3", "<=1.2.3"),
    ("<=1.2", "<1.3.0-0"),
    (">=*", "*"),
    (">=1.0 <2", ">=1.0.0 <2.0.0-0"),
    (">=1.0, <2", ">=1.0.0 <2.0.0-0"),
    (">=1.0,<2", ">=1.0.0 <2.0.0-0"),
    ("1.2.3 - 2.3.4", ">=1.2.3 <=2.3.4"),
    ("1.2 - 1.5", ">=1.2.0 <1.6.0-0"),
    ("1.2.3 - 2", ">=1.2.3 <3.0.0-0"),
    ("* - 2.0.0", "<=2.0.0"),
    ("^1.4 != 1.4.1", ">=1.4.0 <2.0.0-0 !=1.4.1"),
    ("1.x || >=2.5.0 || 5.0.0 - 7.2.3", ">=1.0.0 <2.0.0-0 || >=2.5.0 || >=5.0.0 <=7.2.3"),
]


@pytest.mark.parametrize(("text", "desugared"), DESUGAR)
def test_desugars_like_npm(text: str, desugared: str) -> None:
    assert str(parse_range(text)) == desugared


@pytest.mark.parametrize(("text", "_"), DESUGAR)
def test_desugared_form_parses_to_itself(text: str, _: str) -> None:
    once = str(parse_range(text))
    assert str(parse_range(once)) == once


CONTAINS = [
    ("^1.4", "1.4.0", True),
    ("^1.4", "1.99.99", True),
    ("^1.4", "1.3.9", False),
    ("^1.4", "2.0.0", False),
    ("^0.3", "0.3.9", True),
    ("^0.3", "0.4.0", False),
    ("~1.2", "1.2.9", True),
    ("~1.2", "1.3.0", False),
    ("1.x", "1.0.0", True),
    ("1.x", "2.0.0", False),
    ("1.2.3", "1.2.3+build.7", True),
    (">=1.0 <2 || ^3", "3.1.0", True),
    (">=1.0 <2 || ^3", "2.1.0", False),
    # prereleases: only where a comparator names the same MAJOR.MINOR.PATCH with one
    ("^1.2", "1.3.0-rc.1", False),
    ("*", "1.0.0-rc.1", False),
    ("<2.0.0", "1.5.0-beta", False),
    ("<=1.2", "1.2.5-beta", False),
    ("^1.2", "2.0.0-beta", False),
    ("^1.2.3-beta.2", "1.2.3-beta.4", True),
    ("^1.2.3-beta.2", "1.2.3-beta.1", False),
    ("^1.2.3-beta.2", "1.2.4-beta.4", False),
    ("^1.2.3-beta.2", "1.2.4", True),
    (">=1.3.0-rc.0 <2", "1.3.0-rc.1", True),
    ("1.2.3-alpha - 1.3.0-beta", "1.3.0-alpha", True),
    ("1.2.3-alpha - 1.3.0-beta", "1.2.9-alpha", False),
    ("1.0.0-rc.1", "1.0.0-rc.1", True),
    (">=2.0.0-alpha ^1.0", "2.0.0-beta", False),
    ("^1.4, !=1.4.1", "1.4.1", False),
    ("^1.4, !=1.4.1", "1.4.2", True),
]


@pytest.mark.parametrize(("text", "version", "expected"), CONTAINS)
def test_contains(text: str, version: str, expected: bool) -> None:
    assert parse_range(text).contains(version) is expected


BAD = [
    ("1.2.3.4", "at most three numeric parts"),
    ("^1.2.3.4", "at most three numeric parts"),
    ("latest", "use * (any release)"),
    ("1.x.3", "a number cannot follow a wildcard"),
    (">*", "matches no version"),
    ("<x", "matches no version"),
    (">=", "operator '>=' needs a version"),
    ("1.2 -", "hyphen range"),
    ("- 1.2", "hyphen range"),
    (">=1.2 - 2", "hyphen range needs a plain version"),
    ("1 | 2", "use '||' for OR"),
    ("1 && 2", "use '||' for OR"),
    ("^1.2-beta", "a prerelease needs a full MAJOR.MINOR.PATCH"),
    ("01.2", "no leading zeros"),
    ("1.0.0-01", "no leading zeros"),
    ("1.x ||", "empty alternative"),
    ("|| 1.x", "empty alternative"),
    ("foo", "expected a version such as 1.4.2"),
    ("^", "needs a version"),
    ("1.2.3 - ^2", "'^2'"),
    ("x" * 300, "longer than"),
    ("!=1.4", "'!=' needs a full version"),
]


@pytest.mark.parametrize(("text", "fragment"), BAD)
def test_errors_name_the_bad_part(text: str, fragment: str) -> None:
    with pytest.raises(RangeError) as info:
        parse_range(text)
    assert fragment in info.value.message


def test_error_column_points_at_the_bad_word() -> None:
    with pytest.raises(RangeError) as info:
        parse_range(">=1.0 <2.x.1")
    assert info.value.column == 7
    assert "'<2.x.1' at column 7" in str(info.value)
    with pytest.raises(RangeError) as info:
        parse_range("^1 || ^2 || foo")
    assert info.value.column == 13


def test_parse_version() -> None:
    assert str(parse_version("1.2.3-rc.1+b")) == "1.2.3-rc.1+b"
    assert str(parse_version("v2.0.0")) == "2.0.0"
    for bad in ("1.2", "1.2.3.4", "01.2.3", "", "latest"):
        with pytest.raises(VersionError, match="is not a SemVer version"):
            parse_version(bad)
    with pytest.raises(VersionError):
        parse_version(3)  # type: ignore[arg-type]
    with pytest.raises(VersionError):
        parse_range("^1").contains("1.2")


def test_best_match() -> None:
    available = ["1.3.0", "1.4.1", "1.10.0", "2.0.0", "1.11.0-rc.1", "not-a-version"]
    assert best_match("^1.4", available) == "1.10.0"
    assert best_match(parse_range("~1.4"), available) == "1.4.1"
    assert best_match("^3", available) is None
    assert best_match("^1.11.0-rc.0", available) == "1.11.0-rc.1"
    assert best_match("*", []) is None
    # equal precedence (build metadata): the text decides, never the input order
    assert best_match("1.x", ["1.0.0+b", "1.0.0+a"]) == best_match("1.x", ["1.0.0+a", "1.0.0+b"])


# --- properties -------------------------------------------------------------

numbers = st.integers(min_value=0, max_value=50)
prerelease = st.one_of(
    st.none(), st.sampled_from(["0", "alpha", "alpha.1", "beta.2", "rc.1", "rc.10"])
)


@st.composite
def versions(draw: st.DrawFn) -> str:
    text = f"{draw(numbers)}.{draw(numbers)}.{draw(numbers)}"
    pre = draw(prerelease)
    return f"{text}-{pre}" if pre else text


@given(numbers.filter(lambda n: n >= 1), numbers, numbers)
def test_caret_keeps_the_major(x: int, y: int, z: int) -> None:
    r = parse_range(f"^{x}.{y}.{z}")
    assert r.contains(f"{x}.{y}.{z}")
    assert r.contains(f"{x}.{y + 1}.0")
    assert not r.contains(f"{x + 1}.0.0")
    assert not r.contains(f"{x + 1}.0.0-alpha")
    if z > 0:
        assert not r.contains(f"{x}.{y}.{z - 1}")


@given(numbers, numbers, numbers)
def test_tilde_keeps_the_minor(x: int, y: int, z: int) -> None:
    r = parse_range(f"~{x}.{y}.{z}")
    assert r.contains(f"{x}.{y}.{z + 3}")
    assert not r.contains(f"{x}.{y + 1}.0")


@given(numbers, numbers, numbers)
def test_x_range_equals_tilde(x: int, y: int, z: int) -> None:
    assert parse_range(f"{x}.{y}.x").contains(f"{x}.{y}.{z}")
    assert parse_range(f"{x}.x").contains(f"{x}.{y}.{z}")
    assert not parse_range(f"{x}.x").contains(f"{x + 1}.{y}.{z}")


@given(st.lists(versions(), max_size=12), st.sampled_from([t for t, _ in DESUGAR]))
def test_best_match_is_the_highest_member_that_satisfies(pool: list[str], text: str) -> None:
    r = parse_range(text)
    found = best_match(r, pool)
    satisfying = [v for v in pool if r.contains(v)]
    if found is None:
        assert satisfying == []
    else:
        assert found in pool and r.contains(found)
        assert all(parse_version(v) <= parse_version(found) for v in satisfying)


@given(versions(), st.sampled_from([t for t, _ in DESUGAR + [(t, "") for t, *_ in CONTAINS]]))
def test_desugared_range_means_the_same(version: str, text: str) -> None:
    r = parse_range(text)
    assert parse_range(str(r)).contains(version) == r.contains(version)


@given(versions())
def test_prerelease_only_with_an_opt_in(version: str) -> None:
    parsed = parse_version(version)
    if parsed.prerelease:
        assert not parse_range("*").contains(version)
        assert not parse_range(f"^{parsed.major}.{parsed.minor}").contains(version)
        assert parse_range(f">={version}").contains(version)


@given(st.text(max_size=40))
def test_arbitrary_text_raises_only_range_error(text: str) -> None:
    try:
        r = parse_range(text)
    except RangeError as error:
        assert error.message
    else:
        r.contains("1.2.3")
        assert parse_range(str(r)) is not None
