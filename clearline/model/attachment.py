"""Files the parties put on the record (a round's signed minutes, a radar log of an incident):
kept whole under their SHA-256, which goes on the ledger, so that any copy can be checked
later against what was recorded."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict

from clearline.model.agreement import PartyCode

MIB = 1024 * 1024


class Attachment(BaseModel):
    model_config = ConfigDict(frozen=True)

    name: str
    sha256: str
    size: int
    media_type: str
    added_by: PartyCode
    added_at: datetime
