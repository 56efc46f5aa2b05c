"""The one JSON codec of the Antelope types: msgspec hooks.

Each type has exactly one JSON form, the reference's (WharfKit's ``Serializer.objectify``), and
``to_json()`` returns it:

- the value types (``Name``, ``Asset``, ``Checksum256``, ``PublicKey``, ``Bytes``, ...) and
  ``SignedTransaction`` (whose reference form is flat) are not msgspec types, so msgspec asks
  ``enc_hook`` for them, which gives ``to_json()``, and ``dec_hook``, which gives
  ``T.from_json(value)``;
- the composite types (``Action``, ``Transaction``, ``PackedTransaction``, ``ABI``...) are msgspec
  Structs whose fields are those types, so msgspec writes and reads them itself, in the same
  form as their ``to_json()`` (raw bytes are ``Bytes``, which is hex in JSON).

So ``msgspec.json.encode(transaction, enc_hook=enc_hook)`` is the reference JSON, and
``msgspec.json.decode(data, type=Transaction, dec_hook=dec_hook)`` reads it back. A value that
does not parse makes msgspec raise ``msgspec.ValidationError`` with the path of the field; its
``__cause__`` is the type's ``sessionkit.errors`` exception (``InvalidName``...).
"""

from __future__ import annotations

from typing import Any

from sessionkit.antelope._asset import Asset, ExtendedAsset, Symbol, SymbolCode
from sessionkit.antelope._bytes import Bytes, Float128
from sessionkit.antelope._checksum import Checksum160, Checksum256, Checksum512
from sessionkit.antelope._keys import PrivateKey, PublicKey, Signature
from sessionkit.antelope._name import Name
from sessionkit.antelope._permission import PermissionLevel
from sessionkit.antelope._time import BlockTimestamp, TimePoint, TimePointSec
from sessionkit.antelope._transaction import SignedTransaction

__all__ = ["dec_hook", "enc_hook"]

#: The types the hooks convert (exact classes: none of them is meant to be subclassed).
_HOOKED: frozenset[type] = frozenset(
    {
        Name,
        SymbolCode,
        Symbol,
        Asset,
        ExtendedAsset,
        TimePoint,
        TimePointSec,
        BlockTimestamp,
        Checksum160,
        Checksum256,
        Checksum512,
        PermissionLevel,
        Bytes,
        Float128,
        PublicKey,
        Signature,
        SignedTransaction,
    }
)


def enc_hook(value: Any) -> Any:
    """The reference JSON form of an Antelope type, for any msgspec encoder.

    Pass it as ``msgspec.json.encode(value, enc_hook=enc_hook)``. Anything else is refused as
    msgspec expects, with ``NotImplementedError`` (which the encoder lets through), and a
    private key is never written.
    """
    if type(value) in _HOOKED:
        return value.to_json()
    if isinstance(value, PrivateKey):
        raise NotImplementedError(
            "a PrivateKey is never written as JSON: write its public key "
            "(key.public_key) or, where the secret is really meant, key.to_string()"
        )
    hint = ": encode its to_json() instead" if callable(getattr(value, "to_json", None)) else ""
    raise NotImplementedError(f"msgspec cannot encode a {type(value).__name__} as JSON{hint}")


def dec_hook(kind: type, value: Any) -> Any:
    """An Antelope type read from its JSON form (``T.from_json``), for any msgspec decoder.

    Pass it as ``msgspec.json.decode(data, type=T, dec_hook=dec_hook)``. A value that does not
    parse raises the type's ``sessionkit.errors`` exception, which msgspec reports as a
    ``ValidationError`` with its path; a private key is never read from JSON.
    """
    if kind in _HOOKED:
        return kind.from_json(value)  # type: ignore[attr-defined]
    raise NotImplementedError(f"no JSON decoder for {getattr(kind, '__name__', kind)}")
