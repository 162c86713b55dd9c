"""The log's Merkle tree: RFC 6962 / RFC 9162 section 2.1 from stored complete subtrees."""

from __future__ import annotations

import json
import math
import random
from base64 import b64decode
from pathlib import Path
from typing import Any

import pytest

from clearline.services.record import merkle
from clearline.services.record.merkle import EMPTY_ROOT, ProofError, leaf_hash, node_hash
from tests.support.shared import shared

# transparency-dev/merkle's test data; CI clones the repository with shared/ beside it.
VECTORS = shared("merkle")
INCLUSION = sorted(VECTORS.glob("inclusion/**/*.json"))
CONSISTENCY = sorted(VECTORS.glob("consistency/**/*.json"))


def _vector_id(path: Path) -> str:
    return path.relative_to(VECTORS).as_posix()


def _load(path: Path) -> dict[str, Any]:
    case: dict[str, Any] = json.loads(path.read_text())
    case["proof"] = [b64decode(h, validate=True) for h in case["proof"] or []]
    return case


def _b64(value: str) -> bytes:
    return b64decode(value, validate=True)


class Store:
    """Complete-subtree hashes in a dict, filled as the log fills its table; counts lookups."""

    def __init__(self) -> None:
        self.rows: dict[tuple[int, int], bytes] = {}
        self.size = 0
        self.gets = 0

    def get(self, level: int, index: int) -> bytes:
        self.gets += 1
        return self.rows[level, index]

    def append(self, leaf: bytes) -> None:
        for level, index, subtree in merkle.append(self.size, leaf, self.get):
            assert (level, index) not in self.rows
            self.rows[level, index] = subtree
        self.size += 1


def _store_of(hashes: list[bytes]) -> Store:
    store = Store()
    for leaf in hashes:
        store.append(leaf)
    return store


# Reference definitions, transcribed from RFC 9162 2.1.1, 2.1.3.1 and 2.1.4.1 over plain lists
# of leaf hashes: what the stored-subtree versions must agree with.


def _k(n: int) -> int:
    return 1 << ((n - 1).bit_length() - 1)


def naive_mth(hashes: list[bytes]) -> bytes:
    if not hashes:
        return EMPTY_ROOT
    if len(hashes) == 1:
        return hashes[0]
    k = _k(len(hashes))
    return node_hash(naive_mth(hashes[:k]), naive_mth(hashes[k:]))


def naive_path(m: int, hashes: list[bytes]) -> list[bytes]:
    if len(hashes) == 1:
        return []
    k = _k(len(hashes))
    if m < k:
        return [*naive_path(m, hashes[:k]), naive_mth(hashes[k:])]
    return [*naive_path(m - k, hashes[k:]), naive_mth(hashes[:k])]


def naive_subproof(m: int, hashes: list[bytes], b: bool) -> list[bytes]:
    if m == len(hashes):
        return [] if b else [naive_mth(hashes)]
    k = _k(len(hashes))
    if m <= k:
        return [*naive_subproof(m, hashes[:k], b), naive_mth(hashes[k:])]
    return [*naive_subproof(m - k, hashes[k:], False), naive_mth(hashes[:k])]


def test_the_vectors_are_there() -> None:
    # An empty glob would turn the vector tests into silent skips.
    assert len(INCLUSION) > 50
    assert len(CONSISTENCY) > 50
    assert (VECTORS / "reference-tree.json").is_file()


@pytest.mark.parametrize("path", INCLUSION, ids=_vector_id)
def test_inclusion_vectors_verify_exactly_when_they_should(path: Path) -> None:
    case = _load(path)
    args = (
        case["leafIdx"],
        case["treeSize"],
        _b64(case["leafHash"]),
        case["proof"],
        _b64(case["root"]),
    )
    if case["wantErr"]:
        with pytest.raises(ProofError):
            merkle.verify_inclusion(*args)
    else:
        merkle.verify_inclusion(*args)


@pytest.mark.parametrize("path", CONSISTENCY, ids=_vector_id)
def test_consistency_vectors_verify_exactly_when_they_should(path: Path) -> None:
    case = _load(path)
    args = (case["size1"], case["size2"], case["proof"], _b64(case["root1"]), _b64(case["root2"]))
    if case["wantErr"]:
        with pytest.raises(ProofError):
            merkle.verify_consistency(*args)
    else:
        merkle.verify_consistency(*args)


@pytest.fixture(scope="module")
def reference() -> dict[str, Any]:
    reference: dict[str, Any] = json.loads((VECTORS / "reference-tree.json").read_text())
    return reference


@pytest.fixture(scope="module")
def reference_store(reference: dict[str, Any]) -> Store:
    return _store_of([leaf_hash(bytes.fromhex(data)) for data in reference["leaves_hex"]])


def test_hashing_matches_rfc_6962_test_values(reference: dict[str, Any]) -> None:
    expected = reference["rfc6962_test"]
    assert leaf_hash(b"L123456").hex() == expected["HashLeaf('L123456')"]
    assert node_hash(b"N123", b"N456").hex() == expected["HashChildren('N123','N456')"]


def test_reference_tree_leaves_and_roots_from_stored_subtrees(
    reference: dict[str, Any], reference_store: Store
) -> None:
    leaves = [reference_store.rows[0, i].hex() for i in range(reference_store.size)]
    assert leaves == reference["leaf_hashes"]
    for size, expected in reference["root_by_size"].items():
        assert merkle.root(int(size), reference_store.get).hex() == expected


def test_reference_tree_proofs(reference: dict[str, Any], reference_store: Store) -> None:
    get = reference_store.get
    for case in reference["inclusion"]:
        proof = merkle.inclusion_proof(case["index"], case["size"], get)
        assert [h.hex() for h in proof] == case["path"]
    for case in reference["consistency"]:
        proof = merkle.consistency_proof(case["size1"], case["size2"], get)
        assert [h.hex() for h in proof] == case["proof"]


# Property-style: a 300-leaf log of random leaves, every size of it a tree of its own.

LOG_SIZE = 300
SIZES = [*range(1, 18), 64, 255, 256, 257, *random.Random(9162).sample(range(18, LOG_SIZE), 8)]


@pytest.fixture(scope="module")
def hashes() -> list[bytes]:
    rng = random.Random(6962)
    return [leaf_hash(rng.randbytes(rng.randrange(0, 40))) for _ in range(LOG_SIZE)]


@pytest.fixture(scope="module")
def log(hashes: list[bytes]) -> Store:
    return _store_of(hashes)


def test_an_append_stores_two_rows_on_average(log: Store) -> None:
    # The leaf and each subtree it completes: 2n - popcount(n) rows for n leaves.
    assert len(log.rows) == 2 * LOG_SIZE - LOG_SIZE.bit_count()


def test_every_root_is_the_rfc_mth_of_its_leaves(hashes: list[bytes], log: Store) -> None:
    for size in range(LOG_SIZE + 1):
        assert merkle.root(size, log.get) == naive_mth(hashes[:size])


def test_a_range_hash_is_the_mth_of_its_leaves_even_when_unaligned(
    hashes: list[bytes], log: Store
) -> None:
    rng = random.Random(2)
    for _ in range(300):
        start = rng.randrange(LOG_SIZE)
        end = rng.randrange(start, LOG_SIZE + 1)
        assert merkle.range_hash(start, end, log.get) == naive_mth(hashes[start:end])


@pytest.mark.parametrize("size", SIZES)
def test_every_inclusion_proof_is_the_rfc_path_and_verifies(
    size: int, hashes: list[bytes], log: Store
) -> None:
    head = naive_mth(hashes[:size])
    for index in range(size):
        proof = merkle.inclusion_proof(index, size, log.get)
        assert proof == naive_path(index, hashes[:size])
        merkle.verify_inclusion(index, size, hashes[index], proof, head)


@pytest.mark.parametrize("size2", SIZES)
def test_every_consistency_proof_is_the_rfc_proof_and_verifies(
    size2: int, hashes: list[bytes], log: Store
) -> None:
    head2 = naive_mth(hashes[:size2])
    for size1 in range(1, size2 + 1):
        proof = merkle.consistency_proof(size1, size2, log.get)
        assert proof == naive_subproof(size1, hashes[:size2], True)
        merkle.verify_consistency(size1, size2, proof, naive_mth(hashes[:size1]), head2)


def _flipped(proof: list[bytes], position: int, rng: random.Random) -> list[bytes]:
    element = bytearray(proof[position])
    element[rng.randrange(len(element))] ^= 1 << rng.randrange(8)
    return [*proof[:position], bytes(element), *proof[position + 1 :]]


@pytest.mark.parametrize("size", SIZES)
def test_a_flipped_bit_in_any_inclusion_proof_hash_fails(size: int, log: Store) -> None:
    rng = random.Random(size)
    head = merkle.root(size, log.get)
    for index in range(size):
        proof = merkle.inclusion_proof(index, size, log.get)
        for position in range(len(proof)):
            with pytest.raises(ProofError, match="different root"):
                merkle.verify_inclusion(
                    index, size, log.rows[0, index], _flipped(proof, position, rng), head
                )


@pytest.mark.parametrize("size2", SIZES)
def test_a_flipped_bit_in_any_consistency_proof_hash_fails(size2: int, log: Store) -> None:
    rng = random.Random(size2)
    head2 = merkle.root(size2, log.get)
    for size1 in range(1, size2):
        head1 = merkle.root(size1, log.get)
        proof = merkle.consistency_proof(size1, size2, log.get)
        for position in range(len(proof)):
            with pytest.raises(ProofError, match="different"):
                merkle.verify_consistency(
                    size1, size2, _flipped(proof, position, rng), head1, head2
                )


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda get: merkle.inclusion_proof(5, 5, get), "not in a tree of size 5"),
        (lambda get: merkle.inclusion_proof(-1, 5, get), "not in a tree of size 5"),
        (lambda get: merkle.inclusion_proof(0, 0, get), "not in a tree of size 0"),
        (lambda get: merkle.consistency_proof(0, 5, get), "at least 1"),
        (lambda get: merkle.consistency_proof(6, 5, get), "larger than"),
        (lambda get: merkle.root(-1, get), "negative"),
        (lambda get: merkle.range_hash(3, 2, get), "not a range"),
        (lambda get: merkle.append(3, b"short", get), "5 bytes, not 32"),
    ],
)
def test_impossible_requests_are_refused(call: Any, message: str, log: Store) -> None:
    with pytest.raises(ValueError, match=message):
        call(log.get)


def test_a_consistency_proof_between_equal_sizes_is_empty(log: Store) -> None:
    assert merkle.consistency_proof(7, 7, log.get) == []
    head = merkle.root(7, log.get)
    merkle.verify_consistency(7, 7, [], head, head)


def test_verifiers_refuse_values_that_are_not_hashes(log: Store) -> None:
    proof = merkle.inclusion_proof(3, 7, log.get)
    head = merkle.root(7, log.get)
    with pytest.raises(ProofError, match="leaf hash is 31 bytes"):
        merkle.verify_inclusion(3, 7, log.rows[0, 3][:31], proof, head)
    with pytest.raises(ProofError, match="proof hash 1 is 33 bytes"):
        merkle.verify_inclusion(3, 7, log.rows[0, 3], [proof[0], proof[1] + b"\0"], head)
    consistency = merkle.consistency_proof(3, 7, log.get)
    with pytest.raises(ProofError, match="first root is 0 bytes"):
        merkle.verify_consistency(3, 7, consistency, b"", head)


# Lookups: O(log n) at a million leaves. All leaves are equal, so every complete subtree of a
# level has the same hash and the store can answer without holding a million rows.

MILLION = 1_000_000
LOOKUP_BOUND = 2 * math.ceil(math.log2(MILLION))


class UniformStore:
    """A million equal leaves; refuses any subtree that is not complete within the log."""

    def __init__(self) -> None:
        self.level_hashes = [leaf_hash(b"entry")]
        while len(self.level_hashes) <= MILLION.bit_length():
            self.level_hashes.append(node_hash(self.level_hashes[-1], self.level_hashes[-1]))
        self.gets = 0

    def get(self, level: int, index: int) -> bytes:
        assert (index + 1) << level <= MILLION, f"({level}, {index}) is beyond the log"
        self.gets += 1
        return self.level_hashes[level]


@pytest.mark.parametrize("index", [0, 1, 524_287, 524_288, 999_998, MILLION - 1])
def test_an_inclusion_proof_takes_logarithmically_many_lookups(index: int) -> None:
    store = UniformStore()
    proof = merkle.inclusion_proof(index, MILLION, store.get)
    assert store.gets <= LOOKUP_BOUND
    head = merkle.root(MILLION, store.get)
    merkle.verify_inclusion(index, MILLION, store.level_hashes[0], proof, head)


@pytest.mark.parametrize("size1", [1, 3, 123_457, 524_288, 524_289, MILLION - 1])
def test_a_consistency_proof_takes_logarithmically_many_lookups(size1: int) -> None:
    store = UniformStore()
    proof = merkle.consistency_proof(size1, MILLION, store.get)
    assert store.gets <= LOOKUP_BOUND
    head1, head2 = merkle.root(size1, store.get), merkle.root(MILLION, store.get)
    merkle.verify_consistency(size1, MILLION, proof, head1, head2)


def test_a_root_takes_one_lookup_per_one_bit_of_the_size() -> None:
    store = UniformStore()
    merkle.root(MILLION, store.get)
    assert store.gets == MILLION.bit_count()
