"""Canonical JSON (RFC 8785): the bytes the ledger hashes and the parties sign.

``rfc8785`` is the reference: a maintained, pure-Python implementation of the RFC, and was
67–74 % of the ledger's time when the line called it directly. ``dumps`` gives its bytes at
native speed through orjson's sorted-keys output wherever the two are proven the same
(``tests/model/test_canonical.py``, by hypothesis over every JSON value), and hands anything
else to ``rfc8785`` whole: the answer is the reference's in every case, only its speed differs.
Where they part, and so what is handed on:

* numbers: ECMAScript prints an integral float as an integer (``100.0`` → ``100``) and one
  below 1e-5 in fixed notation down to 1e-6; orjson prints ``100.0`` and ``1e-6``. Integral
  floats below 2**53 are therefore passed as the integers they equal (exactly the digits
  ECMAScript prints); other integral floats, floats below 1e-5, NaN and the infinities go on.
  Integers beyond 2**53 - 1, which RFC 8785 refuses and orjson prints, go on to be refused.
* keys: RFC 8785 orders by UTF-16 code units, orjson by code points; the two differ only for
  characters beyond U+FFFF, so a key holding one goes on.
* strings: the escapes are the same (checked for every code point); a lone surrogate, which
  orjson refuses, goes on to be refused in the reference's words.
* anything not plainly JSON (a subclass of str or int, an enum, a set) goes on.

Written by hand, the walk alone: we found no maintained Python package that gives RFC 8785 at
native speed, and orjson's sorted keys are nine tenths of the way there.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import orjson
import rfc8785

CanonicalizationError = rfc8785.CanonicalizationError
"""What a value with no canonical form (NaN, a non-string key, a lone surrogate) raises."""

_SAFE_INT = 2**53 - 1
_SMALLEST_FIXED = 1e-5
"""orjson prints floats this small and larger in fixed notation, as ECMAScript does."""
_BMP = "\uffff"


class _Elsewhere(Exception):
    """The value holds something only the reference canonicalises right."""


def dumps(value: Any) -> bytes:
    """RFC 8785 canonical JSON of ``value``; raises ``CanonicalizationError`` for what
    has none (NaN, a non-string key, an integer past 2**53 - 1), as the reference does."""
    try:
        return orjson.dumps(_plain(value), option=orjson.OPT_SORT_KEYS)
    except (_Elsewhere, orjson.JSONEncodeError):
        pass
    try:
        return rfc8785.dumps(value)
    except UnicodeEncodeError as refused:  # the reference's sort of a key with a lone surrogate
        raise CanonicalizationError("input contains non-UTF-8 codepoints") from refused


def _plain(value: Any) -> Any:
    """``value`` as orjson prints canonically: the same object where nothing needs changing
    (most payloads), a copy with integral floats made integers where some do. Scalars are
    checked inline in the loops below, not by a call each: the walk is most of the cost."""
    kind = type(value)
    if kind is dict:
        return _object(value)
    if kind is list or kind is tuple:
        return _array(value)
    return _scalar(value)


def _scalar(value: Any) -> Any:
    kind = type(value)
    if kind is str or kind is bool or value is None:
        return value
    if kind is int:
        if -_SAFE_INT <= value <= _SAFE_INT:
            return value
        raise _Elsewhere
    if kind is float:
        if value.is_integer() and -_SAFE_INT <= value <= _SAFE_INT:
            return int(value)
        if _SMALLEST_FIXED <= abs(value) < _SAFE_INT:
            return value
    raise _Elsewhere


def _object(value: dict[Any, Any]) -> dict[str, Any]:
    for key in value:
        if type(key) is not str or not (key.isascii() or max(key) <= _BMP):
            raise _Elsewhere
    return _members(value, value.items(), dict)


def _array(value: list[Any] | tuple[Any, ...]) -> list[Any] | tuple[Any, ...]:
    return _members(value, enumerate(value), list)


def _members(value: Any, members: Iterable[tuple[Any, Any]], copy_of: Callable[[Any], Any]) -> Any:
    """``value`` itself, or a copy (made by ``copy_of``) with the members that changed."""
    copy = None
    for at, item in members:
        kind = type(item)
        if kind is str or kind is bool or item is None:
            continue
        plain = _plain(item)
        if plain is not item:
            copy = copy_of(value) if copy is None else copy
            copy[at] = plain
    return value if copy is None else copy
