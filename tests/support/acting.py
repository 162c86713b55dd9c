"""Requests to the line as any demo user, by party and role: one helper for every client."""

from __future__ import annotations

import uuid
from typing import Any

import httpx


class ActsAs:
    """Mixed into a holder of an httpx-style ``client`` (a TestClient is one) and ``tokens``."""

    client: httpx.Client
    tokens: dict[str, dict[str, str]]

    def headers(self, party: str, role: str = "duty_officer", **more: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[party][role]}", **more}

    def send(
        self,
        sender: str,
        request: dict[str, Any],
        role: str = "duty_officer",
        key: str | None = None,
    ) -> httpx.Response:
        headers = self.headers(sender, role, **{"Idempotency-Key": key or uuid.uuid4().hex})
        return self.client.post("/v1/messages", json=request, headers=headers)

    def get(self, party: str, path: str, role: str = "duty_officer", **params: Any) -> Any:
        return self.client.get(path, headers=self.headers(party, role), params=params)

    def post(self, party: str, path: str, role: str = "duty_officer", **kwargs: Any) -> Any:
        return self.client.post(path, headers=self.headers(party, role), **kwargs)
