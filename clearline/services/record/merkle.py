"""Merkle tree of an append-only log: RFC 6962 / RFC 9162 section 2.1, pure math, no I/O.

The log stores the hash of every complete subtree (power-of-two sized and aligned), addressed
by ``(level, index)``: level 0 index i is leaf i's hash, level k index j covers leaves
[j * 2**k, (j + 1) * 2**k). Any tree head or proof then needs O(log n) lookups of those hashes,
never a rehash of the log, however long it grows. Lookups go through a ``get(level, index)``
callable so that the caller decides where the hashes live (a table, a dict in tests).

Written by hand because no maintained Python package implements RFC 9162 proofs over stored
subtree hashes: pymerkle, the closest, stores leaves behind its own interface and has its own
proof format. The verifiers follow RFC 9162 2.1.3.2 and 2.1.4.2 step by step and pass the
transparency-dev/merkle test vectors (tests/services/test_merkle.py).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from typing import TypeAlias

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()

Getter: TypeAlias = Callable[[int, int], bytes]
"""``get(level, index)``: the stored hash of a complete subtree."""


class ProofError(ValueError):
    """A proof that does not prove what it claims; the message says why."""


def leaf_hash(data: bytes) -> bytes:
    """Hash of a leaf; the 0x00 prefix keeps leaves from passing for inner nodes."""
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """Hash of an inner node; the 0x01 prefix keeps it apart from leaf hashes."""
    return hashlib.sha256(b"\x01" + left + right).digest()


def append(size: int, leaf_hash: bytes, get: Getter) -> list[tuple[int, int, bytes]]:
    """Rows ``(level, index, hash)`` to store when leaf number ``size`` is appended.

    The leaf itself, then each subtree it completes (as many as ``size`` has trailing one
    bits), so two rows per append on average.
    """
    if size < 0:
        raise ValueError(f"tree size {size} is negative")
    _require_hash("leaf hash", leaf_hash, ValueError)
    rows = [(0, size, leaf_hash)]
    level, index, subtree = 0, size, leaf_hash
    while index & 1:
        subtree = node_hash(get(level, index - 1), subtree)
        level, index = level + 1, index >> 1
        rows.append((level, index, subtree))
    return rows


def root(size: int, get: Getter) -> bytes:
    """The tree head MTH of the first ``size`` leaves, from popcount(size) stored subtrees."""
    if size < 0:
        raise ValueError(f"tree size {size} is negative")
    return range_hash(0, size, get)


def range_hash(start: int, end: int, get: Getter) -> bytes:
    """MTH of leaves [start, end), split as RFC 9162 splits it, down to stored subtrees.

    O(log n) lookups for the ranges a tree is made of (``start`` a multiple of the smallest power
    of two >= ``end - start``); any other range is still right, only slower.
    """
    if not 0 <= start <= end:
        raise ValueError(f"leaf range [{start}, {end}) is not a range")
    count = end - start
    if count == 0:
        return EMPTY_ROOT
    if count & (count - 1) == 0 and start % count == 0:
        return get(count.bit_length() - 1, start // count)
    k = _split(count)
    return node_hash(range_hash(start, start + k, get), range_hash(start + k, end, get))


def inclusion_proof(index: int, size: int, get: Getter) -> list[bytes]:
    """RFC 9162 2.1.3.1 PATH(index, D[size]), leaf to root."""
    if not 0 <= index < size:
        raise ValueError(f"leaf index {index} is not in a tree of size {size}")
    return _path(index, 0, size, get)


def _path(m: int, start: int, end: int, get: Getter) -> list[bytes]:
    """PATH(m, D[start:end]), ``m`` counted from ``start``."""
    if end - start == 1:
        return []
    k = _split(end - start)
    if m < k:
        return [*_path(m, start, start + k, get), range_hash(start + k, end, get)]
    return [*_path(m - k, start + k, end, get), range_hash(start, start + k, get)]


def consistency_proof(size1: int, size2: int, get: Getter) -> list[bytes]:
    """RFC 9162 2.1.4.1 PROOF(size1, D[size2]): the tree of size2 extends the one of size1."""
    if size1 <= 0:
        raise ValueError(f"no consistency proof from tree size {size1}: it must be at least 1")
    if size1 > size2:
        raise ValueError(f"tree size {size1} is larger than tree size {size2}")
    return _subproof(size1, 0, size2, True, get)


def _subproof(m: int, start: int, end: int, whole: bool, get: Getter) -> list[bytes]:
    """SUBPROOF(m, D[start:end], b); ``whole`` is b: D[start:start + m] is the old tree itself."""
    if m == end - start:
        return [] if whole else [range_hash(start, end, get)]
    k = _split(end - start)
    if m <= k:
        return [*_subproof(m, start, start + k, whole, get), range_hash(start + k, end, get)]
    return [*_subproof(m - k, start + k, end, False, get), range_hash(start, start + k, get)]


def _split(count: int) -> int:
    """The largest power of two below ``count`` (>= 2): where RFC 9162 splits a tree."""
    return 1 << ((count - 1).bit_length() - 1)


def verify_inclusion(
    index: int, size: int, leaf_hash: bytes, proof: Sequence[bytes], root: bytes
) -> None:
    """Raise ProofError unless ``proof`` shows the leaf at ``index`` under ``root`` (2.1.3.2)."""
    if not 0 <= index < size:
        raise ProofError(f"leaf index {index} is not in a tree of size {size}")
    _require_hash("leaf hash", leaf_hash)
    _require_hash("root", root)
    _require_hashes(proof)
    fn, sn, r = index, size - 1, leaf_hash
    for p in proof:
        if sn == 0:
            raise ProofError(f"proof is longer than a tree of size {size} needs")
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            fn, sn = _shift_to_odd(fn, sn)
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0:
        raise ProofError(f"proof is shorter than a tree of size {size} needs")
    if r != root:
        raise ProofError("proof leads to a different root")


def verify_consistency(
    size1: int, size2: int, proof: Sequence[bytes], root1: bytes, root2: bytes
) -> None:
    """Raise ProofError unless ``proof`` shows tree (size2, root2) extends (size1, root1).

    RFC 9162 2.1.4.2 covers 0 < size1 < size2. Outside it: size1 = 0 is refused (anything
    extends the empty tree, so such a proof proves nothing), and equal sizes need an empty proof
    and the same root byte for byte; nothing is hashed then, so their length is not checked.
    """
    if size1 > size2:
        raise ProofError(f"tree size {size1} is larger than tree size {size2}")
    if size1 <= 0:
        raise ProofError(f"no consistency proof from tree size {size1}: it must be at least 1")
    if size1 == size2:
        _verify_same_tree(proof, root1, root2)
        return
    _require_hash("first root", root1)
    _require_hash("second root", root2)
    _require_hashes(proof)
    fr, sr = _consistency_roots(size1, size2, proof, root1)
    if fr != root1:
        raise ProofError("proof leads to a different first root")
    if sr != root2:
        raise ProofError("proof leads to a different second root")


def _verify_same_tree(proof: Sequence[bytes], root1: bytes, root2: bytes) -> None:
    """Equal sizes: the same tree, so nothing to prove and the roots must be equal."""
    if proof:
        raise ProofError("tree sizes are equal, so the proof must be empty")
    if root1 != root2:
        raise ProofError("tree sizes are equal but the roots differ")


def _consistency_roots(
    size1: int, size2: int, proof: Sequence[bytes], root1: bytes
) -> tuple[bytes, bytes]:
    """Steps 1 to 7 of RFC 9162 2.1.4.2 but the final root comparison: (fr, sr)."""
    if not proof:
        raise ProofError("proof is empty")
    path = [root1, *proof] if size1 & (size1 - 1) == 0 else list(proof)
    fn, sn = size1 - 1, size2 - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            raise ProofError(f"proof is longer than sizes {size1} and {size2} need")
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            fn, sn = _shift_to_odd(fn, sn)
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0:
        raise ProofError(f"proof is shorter than sizes {size1} and {size2} need")
    return fr, sr


def _shift_to_odd(fn: int, sn: int) -> tuple[int, int]:
    """Right-shift both until fn is odd or 0: skip the levels where fn has no left sibling."""
    while fn and not fn & 1:
        fn, sn = fn >> 1, sn >> 1
    return fn, sn


def _require_hashes(proof: Sequence[bytes]) -> None:
    for position, element in enumerate(proof):
        _require_hash(f"proof hash {position}", element)


def _require_hash(what: str, value: bytes, error: type[ValueError] = ProofError) -> None:
    """Refuse values that cannot be SHA-256 hashes, before they are hashed into anything."""
    if len(value) != HASH_SIZE:
        raise error(f"{what} is {len(value)} bytes, not {HASH_SIZE}")
