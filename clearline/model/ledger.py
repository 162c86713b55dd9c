"""The ledger's records: envelopes (what a leaf says), signed tree heads and receipts.

Hashes and signatures travel as standard base64, as in Certificate Transparency; what is hashed
or signed is always the canonical JSON of RFC 8785, so any implementation gets the same bytes.
"""

from __future__ import annotations

import base64
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from clearline.model import canonical


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def unb64(text: str) -> bytes:
    return base64.b64decode(text, validate=True)


class Envelope(BaseModel):
    """One leaf of the log: which event, when, who may see it, and the hash of its payload.

    The payload itself is kept apart, so that a party can check the whole tree while seeing
    only the payloads it may see.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    index: int = Field(ge=0)
    seq: int = Field(ge=1, description="The event's sequence number on the line.")
    type: str
    time: datetime
    parties: tuple[str, ...]
    payload_sha256: str = Field(description="SHA-256 of the entry's salt and canonical payload.")

    def leaf(self) -> bytes:
        return canonical.dumps(self.model_dump(mode="json"))


class TreeHead(BaseModel):
    """The log's size and root at a moment, signed with the line's Ed25519 key."""

    model_config = ConfigDict(frozen=True)

    size: int = Field(ge=0)
    root: str
    time: datetime
    signature: str

    def signed_part(self) -> bytes:
        """What the signature covers: everything but itself, as canonical JSON."""
        return canonical.dumps(self.model_dump(mode="json", exclude={"signature"}))


class Receipt(BaseModel):
    """Proof, signed by the line, that an entry is in the log: keep it, check it any time."""

    model_config = ConfigDict(frozen=True)

    index: int
    leaf_hash: str
    tree_head: TreeHead
