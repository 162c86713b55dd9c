"""A protocol version as a document both sides can read, sign and compare.

Canonical JSON (RFC 8785) is the one byte string a version has: two parties that hash it get
the same digest, which is what a signature of a version will be over. YAML is the same
document for a reader. The diff walks both versions down to their leaves, so that a change of
one deadline reads as that deadline, not as a new ``ack_deadline_s``.
"""

from __future__ import annotations

from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field

from clearline.model import canonical
from clearline.model.protocol import Protocol


class Change(BaseModel):
    """One leaf that differs between two versions: its dotted path and both values (None where
    one version lacks it)."""

    model_config = ConfigDict(frozen=True)

    path: str
    before: Any = Field(serialization_alias="from")
    after: Any = Field(serialization_alias="to")


def canonical_json(protocol: Protocol) -> bytes:
    return canonical.dumps(protocol.model_dump(mode="json"))


def to_yaml(protocol: Protocol) -> str:
    """Fields in the model's order, as they read best, not sorted."""
    return yaml.safe_dump(protocol.model_dump(mode="json"), sort_keys=False, allow_unicode=True)


def diff(before: Protocol, after: Protocol) -> list[Change]:
    """Every leaf that differs, in the order of the fields."""
    old, new = _leaves(before.model_dump(mode="json")), _leaves(after.model_dump(mode="json"))
    paths = list(old) + [path for path in new if path not in old]
    return [
        Change(path=path, before=old.get(path), after=new.get(path))
        for path in paths
        if old.get(path) != new.get(path)
    ]


def _leaves(value: Any, path: str = "") -> dict[str, Any]:
    """Dicts and lists of dicts walked down to their leaves, by key or index; a list of plain
    values (a ladder, the languages) is one leaf: it is read, and changed, as a whole."""
    if isinstance(value, dict):
        items = list(value.items())
    elif isinstance(value, list) and any(isinstance(item, dict) for item in value):
        items = [(str(i), item) for i, item in enumerate(value)]
    else:
        return {path: value}
    found: dict[str, Any] = {}
    for key, item in items:
        found.update(_leaves(item, f"{path}.{key}" if path else key))
    return found
