"""Cosign-compatible keys, payloads, signatures and `.sig` storage layout.

blueprintc signs its OCI artifacts so that `cosign verify --key cosign.pub`
and Flux's `spec.verify` accept them, without a cosign binary. Modules:

- `keys`: read/write cosign's encrypted private key and PEM public key files
  (`pem` frames them, `envelope` is the scrypt + secretbox password envelope);
- `payload`: the simple-signing payload bytes cosign signs;
- `cosign`: sign and verify, with a named result for every check;
- `signature_manifest`: the `sha256-<hex>.sig` image as data for the OCI client;
- `reference`, `digest`: cosign's repository-name and digest rules
  (Go-exact JSON bytes come from `blueprintc.oci.content.go_json`).
"""

from blueprintc.signing.cosign import (
    Check,
    Failure,
    VerificationResult,
    sign_image,
    sign_payload,
    verify_image_signature,
    verify_signature,
)
from blueprintc.signing.errors import (
    ImageReferenceError,
    InvalidDigestError,
    KeyDecryptionError,
    KeyFormatError,
    PayloadError,
    SigningError,
)
from blueprintc.signing.keys import (
    KeyPair,
    encrypt_private_key,
    generate_key_pair,
    load_private_key,
    load_public_key,
    public_key_pem,
)
from blueprintc.signing.payload import SimpleSigningPayload, build_payload, parse_payload
from blueprintc.signing.reference import repository_name
from blueprintc.signing.signature_manifest import (
    SignatureImage,
    SignatureLayer,
    StoredSignature,
    build_signature_image,
    signature_layers,
    signature_tag,
)

__all__ = [
    "Check",
    "Failure",
    "ImageReferenceError",
    "InvalidDigestError",
    "KeyDecryptionError",
    "KeyFormatError",
    "KeyPair",
    "PayloadError",
    "SignatureImage",
    "SignatureLayer",
    "SigningError",
    "SimpleSigningPayload",
    "StoredSignature",
    "VerificationResult",
    "build_payload",
    "build_signature_image",
    "encrypt_private_key",
    "generate_key_pair",
    "load_private_key",
    "load_public_key",
    "parse_payload",
    "public_key_pem",
    "repository_name",
    "sign_image",
    "sign_payload",
    "signature_layers",
    "signature_tag",
    "verify_image_signature",
    "verify_signature",
]
