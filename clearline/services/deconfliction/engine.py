"""The conflict engine: every agreement's conflict index (``index``) in memory, built on first
use, that notices are screened against (``screening``) and their clashes ranked (``severity``).

The Runtime holds one (``rt.conflict_engine``). An agreement's index is built from the store
the first time it is asked for after a start, changed only inside the writer's transaction,
and forgotten (to be rebuilt) if that transaction rolls back: the store stays the truth.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Connection

from clearline.services.deconfliction.index import AgreementIndex, build
from clearline.store import agreements as agreement_store
from clearline.store import zones as zone_store
from clearline.store.writer import on_rollback


@dataclass
class ConflictEngine:
    """The indexes of every agreement on this installation, built on first use."""

    _indexes: dict[str, AgreementIndex] = field(default_factory=dict)

    def index(self, connection: Connection, agreement_id: str) -> AgreementIndex:
        """The agreement's index; changes made to it are undone if the transaction fails.

        Zones agreed at talks are set up on the store by an administrator (``clearline zone
        import``) while the line runs: an index that has not seen the newest zone is rebuilt.
        """
        known = self._indexes.get(agreement_id)
        if known is None or known.zones_seen != zone_store.latest_id(connection, agreement_id):
            self._indexes[agreement_id] = build(connection, agreement_id)
        on_rollback(connection, lambda: self.forget(agreement_id))
        return self._indexes[agreement_id]

    def forget(self, agreement_id: str) -> None:
        """Drop an index that may hold what the store does not; it is rebuilt on next use."""
        self._indexes.pop(agreement_id, None)

    def rebuild(self, connection: Connection) -> None:
        """Build every agreement's index from the store (at start)."""
        self._indexes = {a: build(connection, a) for a in agreement_store.agreement_ids(connection)}
