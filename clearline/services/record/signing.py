"""The line's Ed25519 key: it signs tree heads, and its public half is all an auditor needs.
A liaison officer's own signing key (``clearline protocol keygen``) is made and kept the same
way, on their machine.

The key lives in a file of its own, apart from the database, so that whoever can write the
database cannot also sign a history of their making.
"""

from __future__ import annotations

import os
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from clearline.model.errors import conflict, invalid, not_found
from clearline.model.ledger import TreeHead, b64, unb64


def create_key(path: Path) -> Ed25519PrivateKey:
    """A new key, written readable by its owner only; never overwrites an existing one."""
    if path.exists():
        raise conflict("key", f"{path} exists already; a key is never overwritten")
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as out:
        out.write(pem)
    return key


def load_key(path: Path) -> Ed25519PrivateKey:
    if not path.exists():
        raise not_found("key", f"no line key at {path}: run `clearline init` first")
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise invalid("key", f"{path} is not an Ed25519 private key")
    return key


def public_text(key: Ed25519PrivateKey) -> str:
    """The public key as base64 of its 32 raw bytes: short enough to read over a phone."""
    return b64(
        key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    )


def public_key(text: str) -> Ed25519PublicKey:
    try:
        return Ed25519PublicKey.from_public_bytes(unb64(text.strip()))
    except ValueError as exc:
        raise invalid("key", "not a base64 Ed25519 public key") from exc


def sign(key: Ed25519PrivateKey, unsigned: TreeHead) -> TreeHead:
    return unsigned.model_copy(update={"signature": b64(key.sign(unsigned.signed_part()))})


def verify(public: Ed25519PublicKey, head: TreeHead) -> bool:
    try:
        public.verify(unb64(head.signature), head.signed_part())
    except (InvalidSignature, ValueError):
        return False
    return True
