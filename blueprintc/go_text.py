"""Go's text of a YAML number, as Helm makes one where a string is wanted.

Helm reads values.yaml into JSON numbers, float64 all of them, and a template prints
a float64 as Go's `%v` does: the shortest digits that read back the same, with no
trailing zeros (`6.10` prints `6.1`), in exponent form from 10^6 on (`1000000` prints
`1e+06`, `20240101` prints `2.0240101e+07`). Chart.yaml's metadata is read by go-yaml
into an int or a float64 before Helm makes a string of it (`appVersion: 1.10` is
`1.1`, `appVersion: 20240101` stays).
Both differ from the text the author wrote whenever it has a trailing zero, a
leading zero (`010`, octal 8 in YAML 1.1), an underscore or a base prefix.
"""

from __future__ import annotations

from decimal import Decimal


def chart_metadata_text(value: int | float | bool) -> str:
    """A Chart.yaml field written as a number or a boolean, as Helm's chart loader
    makes a string of it."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value) if isinstance(value, int) else repr(value)


def rendered_text(value: int | float) -> str:
    """A values number as a template prints it: Go's `%v` of a float64."""
    number = float(value)
    if number == 0:
        return "0"
    _, digit_tuple, exponent = Decimal(repr(abs(number))).normalize().as_tuple()
    assert isinstance(exponent, int)
    digits = "".join(map(str, digit_tuple))
    point = len(digits) + exponent  # the decimal point's place after the first digit's
    minus = "-" if number < 0 else ""
    power = point - 1
    if power < -4 or power >= 6:  # strconv's 'g' with the shortest digits: %e
        mantissa = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
        return f"{minus}{mantissa}e{'-' if power < 0 else '+'}{abs(power):02d}"
    if point <= 0:
        return f"{minus}0.{'0' * -point}{digits}"
    if point >= len(digits):
        return minus + digits + "0" * (point - len(digits))
    return f"{minus}{digits[:point]}.{digits[point:]}"
