"""Amending the demo line's protocol as its liaison officers would: each with a key of their
own, made here and never given to the line, proposing and signing through the API."""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass, field
from typing import Any

import httpx
import rfc8785
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from clearline import demo
from tests.support.acting import ActsAs

PROPOSALS = f"/v1/agreements/{demo.AGREEMENT_ID}/proposals"
LIAISON = "liaison_officer"


def public_text(key: Ed25519PrivateKey) -> str:
    raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.b64encode(raw).decode()


def digest_of(protocol: dict[str, Any]) -> bytes:
    """Worked out here from the document, not taken from the line's answer."""
    return hashlib.sha256(rfc8785.dumps(protocol)).digest()


def signature(key: Ed25519PrivateKey, proposal: dict[str, Any]) -> str:
    return base64.b64encode(key.sign(digest_of(proposal["protocol"]))).decode()


@dataclass
class Liaisons:
    """The demo parties' liaison officers, each with a registered key."""

    line: ActsAs
    keys: dict[str, Ed25519PrivateKey] = field(default_factory=dict)

    def register(self, *parties: str) -> Liaisons:
        for party in parties:
            self.keys[party] = Ed25519PrivateKey.generate()
            answer = self.line.post(
                party, "/v1/keys", LIAISON, json={"public_key": public_text(self.keys[party])}
            )
            assert answer.status_code == 201, answer.text
        return self

    def propose(self, party: str, **request: Any) -> httpx.Response:
        return self.line.post(party, PROPOSALS, LIAISON, json=request)

    def proposed(self, party: str, **request: Any) -> dict[str, Any]:
        answer = self.propose(party, **request)
        assert answer.status_code == 201, answer.text
        found: dict[str, Any] = answer.json()
        return found

    def approve(
        self, party: str, proposal: dict[str, Any], key: Ed25519PrivateKey | None = None
    ) -> httpx.Response:
        signed = signature(key or self.keys[party], proposal)
        path = f"{PROPOSALS}/{proposal['number']}/approvals"
        return self.line.post(party, path, LIAISON, json={"signature": signed})

    def approved(self, party: str, proposal: dict[str, Any]) -> dict[str, Any]:
        answer = self.approve(party, proposal)
        assert answer.status_code == 201, answer.text
        found: dict[str, Any] = answer.json()
        return found

    def adopted(self, party: str = "IL", **request: Any) -> dict[str, Any]:
        """Proposed by ``party`` and signed by both."""
        proposal = self.proposed(party, **request)
        self.approved("IL", proposal)
        return self.approved("TR", proposal)
