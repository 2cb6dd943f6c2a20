"""PEM framing, read and written the way Go's `encoding/pem` does.

Cosign's encrypted key is not a PEM type any crypto library knows (its body is
a JSON envelope, not DER), so blueprintc frames and unframes it itself. Writing
matches Go byte for byte: 64-character base64 lines, each ended by `\\n`, and a
final newline after the END line.
"""

from __future__ import annotations

import base64
import binascii
import re

from blueprintc.signing.errors import KeyFormatError

_LINE_WIDTH = 64
_BEGIN = re.compile(rb"-----BEGIN ([^\r\n-]+)-----\r?\n")


def encode_pem(label: str, body: bytes) -> bytes:
    """Frame `body` in a PEM block with `label`, exactly as Go's pem.Encode does."""
    b64 = base64.b64encode(body).decode("ascii")
    lines = [b64[i : i + _LINE_WIDTH] for i in range(0, len(b64), _LINE_WIDTH)]
    text = f"-----BEGIN {label}-----\n" + "".join(f"{line}\n" for line in lines)
    return (text + f"-----END {label}-----\n").encode("ascii")


def decode_pem(data: bytes, source: str) -> tuple[str, bytes]:
    """Return (label, body) of the first PEM block in `data`.

    Like Go, text before the block is skipped. Headers (`Proc-Type:` and such)
    are refused: cosign never writes them, and they would mean the file is
    some other kind of PEM. `source` names the input in error messages.
    """
    match = _BEGIN.search(data)
    if match is None:
        raise KeyFormatError(
            f"{source}: no PEM block found; expected a file starting with '-----BEGIN ...-----'"
        )
    label = match.group(1).decode("ascii", errors="replace")
    end_marker = b"-----END " + match.group(1) + b"-----"
    end = data.find(end_marker, match.end())
    if end < 0:
        raise KeyFormatError(
            f"{source}: the PEM block '{label}' has no matching END line; the file is truncated"
        )
    lines = data[match.end() : end].split(b"\n")
    if any(b":" in line for line in lines):
        raise KeyFormatError(f"{source}: the PEM block '{label}' has headers, which are not used")
    try:
        body = base64.b64decode(b"".join(line.strip() for line in lines), validate=True)
    except (binascii.Error, ValueError):
        raise KeyFormatError(
            f"{source}: the PEM block '{label}' is not valid base64; the file is damaged"
        ) from None
    return label, body
