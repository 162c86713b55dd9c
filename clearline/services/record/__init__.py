"""The record both sides trust: the signed, append-only ledger of every event (``ledger``), its
Merkle tree (``merkle``), the line's signing key (``signing``) and checking an export
(``audit``)."""
