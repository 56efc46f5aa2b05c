"""Antelope chain primitives with no I/O: names, assets, time, keys, signatures, the ABI codec
and transactions.

Every name below is importable from ``sessionkit.antelope``; the modules behind them load on
first use, so ``import sessionkit.antelope`` costs almost nothing until a type is touched.

``enc_hook`` and ``dec_hook`` are the one JSON codec of these types for msgspec:
``msgspec.json.encode(transaction, enc_hook=enc_hook)`` is the reference JSON.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sessionkit._lazy import lazy_exports

if TYPE_CHECKING:
    from sessionkit.antelope._abi import (
        ABI,
        AbiAction,
        AbiActionResult,
        AbiClause,
        AbiErrorMessage,
        AbiExtension,
        AbiField,
        AbiStruct,
        AbiTable,
        AbiType,
        AbiVariant,
        ResolvedType,
    )
    from sessionkit.antelope._asset import Asset, ExtendedAsset, Symbol, SymbolCode
    from sessionkit.antelope._bytes import Bytes, Float128
    from sessionkit.antelope._checksum import Checksum160, Checksum256, Checksum512
    from sessionkit.antelope._json import dec_hook, enc_hook
    from sessionkit.antelope._keys import KeyType, PrivateKey, PublicKey, Signature
    from sessionkit.antelope._name import Name
    from sessionkit.antelope._permission import PermissionLevel
    from sessionkit.antelope._time import BlockTimestamp, TimePoint, TimePointSec
    from sessionkit.antelope._transaction import (
        Action,
        CompressionType,
        PackedTransaction,
        SignedTransaction,
        Transaction,
        TransactionExtension,
    )

_EXPORTS: dict[str, str] = {
    "Name": "_name",
    "SymbolCode": "_asset",
    "Symbol": "_asset",
    "Asset": "_asset",
    "ExtendedAsset": "_asset",
    "TimePoint": "_time",
    "TimePointSec": "_time",
    "BlockTimestamp": "_time",
    "Checksum160": "_checksum",
    "Checksum256": "_checksum",
    "Checksum512": "_checksum",
    "PermissionLevel": "_permission",
    "Bytes": "_bytes",
    "Float128": "_bytes",
    "KeyType": "_keys",
    "PrivateKey": "_keys",
    "PublicKey": "_keys",
    "Signature": "_keys",
    "ABI": "_abi",
    "AbiType": "_abi",
    "AbiStruct": "_abi",
    "AbiField": "_abi",
    "AbiAction": "_abi",
    "AbiTable": "_abi",
    "AbiVariant": "_abi",
    "AbiActionResult": "_abi",
    "AbiClause": "_abi",
    "AbiErrorMessage": "_abi",
    "AbiExtension": "_abi",
    "ResolvedType": "_abi",
    "Action": "_transaction",
    "Transaction": "_transaction",
    "SignedTransaction": "_transaction",
    "PackedTransaction": "_transaction",
    "CompressionType": "_transaction",
    "TransactionExtension": "_transaction",
    "enc_hook": "_json",
    "dec_hook": "_json",
}

__all__ = [
    "Name",
    "SymbolCode",
    "Symbol",
    "Asset",
    "ExtendedAsset",
    "TimePoint",
    "TimePointSec",
    "BlockTimestamp",
    "Checksum160",
    "Checksum256",
    "Checksum512",
    "PermissionLevel",
    "Bytes",
    "Float128",
    "KeyType",
    "PrivateKey",
    "PublicKey",
    "Signature",
    # the ABI codec and the definition structs of an ABI
    "ABI",
    "AbiType",
    "AbiStruct",
    "AbiField",
    "AbiAction",
    "AbiTable",
    "AbiVariant",
    "AbiActionResult",
    "AbiClause",
    "AbiErrorMessage",
    "AbiExtension",
    "ResolvedType",
    "Action",
    "Transaction",
    "SignedTransaction",
    "PackedTransaction",
    "CompressionType",
    "TransactionExtension",
    # the JSON codec (msgspec hooks)
    "enc_hook",
    "dec_hook",
]


__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS, __all__)
