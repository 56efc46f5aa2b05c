"""Signing requests (EEP-7 / ESR), sealed messages and identity proofs.

Every name below is importable from ``sessionkit.esr``; the modules behind them load on first
use, so ``import sessionkit.esr`` costs almost nothing until a name is touched.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sessionkit._lazy import lazy_exports

if TYPE_CHECKING:
    from sessionkit.esr._callback import CallbackPayload, ResolvedCallback, extract_signatures
    from sessionkit.esr._chains import (
        CHAIN_ALIASES,
        ChainName,
        alias_for_chain_id,
        chain_id_for_alias,
    )
    from sessionkit.esr._identity import IdentityProof, verify_identity_proof
    from sessionkit.esr._model import RequestFlags, RequestSignature
    from sessionkit.esr._parts import ChainIdLike
    from sessionkit.esr._placeholders import PLACEHOLDER_ACTOR, PLACEHOLDER_PERMISSION
    from sessionkit.esr._request import ResolvedSigningRequest, SigningRequest
    from sessionkit.esr._resolve import ABIProvider, ResolveOptions
    from sessionkit.esr._uri import DEFAULT_MAX_PAYLOAD_SIZE
    from sessionkit.esr.sealed import SealedMessage, seal, unseal, unseal_text

_EXPORTS: dict[str, str] = {
    "SigningRequest": "_request",
    "RequestFlags": "_model",
    "RequestSignature": "_model",
    "ChainIdLike": "_parts",
    "ResolvedSigningRequest": "_request",
    "ResolveOptions": "_resolve",
    "ResolvedCallback": "_callback",
    "CallbackPayload": "_callback",
    "ABIProvider": "_resolve",
    "extract_signatures": "_callback",
    "IdentityProof": "_identity",
    "verify_identity_proof": "_identity",
    "ChainName": "_chains",
    "CHAIN_ALIASES": "_chains",
    "alias_for_chain_id": "_chains",
    "chain_id_for_alias": "_chains",
    "PLACEHOLDER_ACTOR": "_placeholders",
    "PLACEHOLDER_PERMISSION": "_placeholders",
    "DEFAULT_MAX_PAYLOAD_SIZE": "_uri",
    "SealedMessage": "sealed",
    "seal": "sealed",
    "unseal": "sealed",
    "unseal_text": "sealed",
}

__all__ = [
    # requests
    "SigningRequest",
    "RequestFlags",
    "RequestSignature",
    "ChainIdLike",
    "DEFAULT_MAX_PAYLOAD_SIZE",
    "PLACEHOLDER_ACTOR",
    "PLACEHOLDER_PERMISSION",
    # resolving and callbacks
    "ResolvedSigningRequest",
    "ResolveOptions",
    "ResolvedCallback",
    "CallbackPayload",
    "ABIProvider",
    "extract_signatures",
    # identity proofs
    "IdentityProof",
    "verify_identity_proof",
    # chain aliases
    "ChainName",
    "CHAIN_ALIASES",
    "alias_for_chain_id",
    "chain_id_for_alias",
    # sealed messages
    "SealedMessage",
    "seal",
    "unseal",
    "unseal_text",
]


__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS, __all__)
