"""What a liaison officer signs to approve a version, and how a signature is checked.

The signed bytes are the 32 bytes of the SHA-256 of the version's canonical JSON: the same
on both sides whatever their tools, so that one party's signature and the other's are over
the same document. The line checks signatures with the public halves it was given; it never
holds a private one, so it cannot sign for a party.
"""

from __future__ import annotations

import hashlib

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from clearline.model.ledger import b64, unb64
from clearline.model.protocol import Protocol
from clearline.services.protocol.document import canonical_json


def digest(protocol: Protocol) -> str:
    """SHA-256 of the version's canonical JSON, hex."""
    return hashlib.sha256(canonical_json(protocol)).hexdigest()


def key_id(public_key: str) -> str:
    """A short name for a public key: the first 16 bytes of the SHA-256 of its raw bytes."""
    return hashlib.sha256(unb64(public_key)).hexdigest()[:32]


def sign(key: Ed25519PrivateKey, hex_digest: str) -> str:
    return b64(key.sign(bytes.fromhex(hex_digest)))


def valid(public_key: str, hex_digest: str, signature: str) -> bool:
    """Whether ``signature`` is the key's over these digest bytes; any unreadable part is no."""
    try:
        public = Ed25519PublicKey.from_public_bytes(unb64(public_key))
        public.verify(unb64(signature), bytes.fromhex(hex_digest))
    except (InvalidSignature, ValueError):
        return False
    return True
