"""Every exception SessionKit raises on purpose.

Catch ``SessionKitError`` to catch them all. Each message says what was wrong and how to fix it.

    SessionKitError
    ├── InvalidValue                 (also a ValueError) bad input to a parser or constructor
    │   ├── InvalidName              not an Antelope account/action name
    │   ├── InvalidAsset             bad asset, symbol or symbol code
    │   ├── InvalidTime              bad time_point / time_point_sec / block_timestamp
    │   ├── InvalidKey               bad private or public key (format, checksum, curve)
    │   ├── InvalidSignature         bad signature (format, checksum, curve)
    │   ├── InvalidChecksum          bad checksum160/256/512 hex or length
    │   ├── ABIError                 the ABI itself is wrong, or names an unknown type
    │   ├── EncodeError              a value does not fit the ABI type it is encoded as
    │   ├── DecodeError              bytes do not decode (truncated, trailing, out of range)
    │   ├── InvalidTransaction       a transaction is malformed
    │   ├── InvalidSigningRequest    a malformed or unsupported ESR (esr: URI or payload)
    │   ├── InvalidSealedMessage     a sealed message that does not open (checksum, padding)
    │   └── InvalidIdentityProof     an identity proof string or callback that does not parse
    ├── CryptoError                  signing or key recovery failed
    ├── IdentityProofError           a well-formed identity proof that does not verify
    ├── ChainError                   anything about talking to a chain node
    │   ├── ChainAPIError            the node answered with an error body
    │   │   └── AccountNotFound      the account asked about does not exist on that chain
    │   ├── ChainConnectionError     no node could be reached
    │   ├── ChainTimeoutError        a node did not answer in time
    │   └── MalformedResponseError   a node answered something that is not what the API promises
    │       └── ResponseTooLarge     the answer is larger than the client's max_response_size
    ├── ABINotFoundError             an account has no ABI on the chain
    ├── ConfigurationError           the app asked for something the kit cannot do (a usage mistake)
    │   └── NoChoiceError            a choice was needed but nobody could make it (headless UI)
    ├── PluginError                  a plugin failed inside a hook (plugin and hook named)
    │   └── PluginLoadError          a plugin could not be imported or registered
    │       └── PluginConflictError  two plugins registered the same id
    ├── Cancelled                    the person or the app cancelled (``silent`` for quiet ones)
    ├── WaitTimeout                  a wait on a person, a wallet or a relay ran out of time
    ├── WalletError                  the wallet could not log in or sign
    │   ├── WalletRejected           the person declined in the wallet
    │   └── WalletResponseError      the wallet answered something other than what was asked
    ├── TransactError                the transact pipeline refused to go on
    │   ├── ModificationNotAllowed   a change while allow_modify is off
    │   └── InvalidPluginSignature   a hook or wallet signature does not recover over the digest
    ├── SessionNotFound              restore found no stored session for what was asked
    ├── StorageError                 session storage could not be read or written
    │   ├── CorruptStorageError      stored data does not parse (the file or key is named)
    │   └── StorageConflictError     concurrent writers kept conflicting past the retry limit
    ├── RelayError                   a callback relay (buoy) failed: delivery, size, protocol
    └── DevnetError                  the local devnet node could not be set up or run
        └── DevnetUnavailable        this platform cannot run the devnet (and why)

Messages never contain secrets (private keys, channel keys).
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "SessionKitError",
    "InvalidValue",
    "InvalidName",
    "InvalidAsset",
    "InvalidTime",
    "InvalidKey",
    "InvalidSignature",
    "InvalidChecksum",
    "ABIError",
    "EncodeError",
    "DecodeError",
    "InvalidTransaction",
    "InvalidSigningRequest",
    "InvalidSealedMessage",
    "InvalidIdentityProof",
    "CryptoError",
    "IdentityProofError",
    "ChainError",
    "ChainAPIError",
    "ChainConnectionError",
    "ChainTimeoutError",
    "MalformedResponseError",
    "ResponseTooLarge",
    "AccountNotFound",
    "ABINotFoundError",
    "ConfigurationError",
    "NoChoiceError",
    "PluginError",
    "PluginLoadError",
    "PluginConflictError",
    "Cancelled",
    "WaitTimeout",
    "WalletError",
    "WalletRejected",
    "WalletResponseError",
    "TransactError",
    "ModificationNotAllowed",
    "InvalidPluginSignature",
    "SessionNotFound",
    "StorageError",
    "CorruptStorageError",
    "StorageConflictError",
    "RelayError",
    "DevnetError",
    "DevnetUnavailable",
]


class SessionKitError(Exception):
    """Base of every exception SessionKit raises on purpose."""


class InvalidValue(SessionKitError, ValueError):
    """A value given to a parser, constructor or encoder is not valid."""


class InvalidName(InvalidValue):
    """Not an Antelope name: at most 12 of ``a-z1-5.`` plus a 13th of ``a-j1-5.``."""


class InvalidAsset(InvalidValue):
    """Not an asset (``"1.0000 EOS"``), symbol (``"4,EOS"``) or symbol code (``"EOS"``)."""


class InvalidTime(InvalidValue):
    """Not a time the chain can represent (ISO 8601, UTC, in range)."""


class InvalidKey(InvalidValue):
    """Not a private or public key in a form Antelope uses."""


class InvalidSignature(InvalidValue):
    """Not a signature in a form Antelope uses."""


class InvalidChecksum(InvalidValue):
    """Not a checksum of the expected length in hex."""


class ABIError(InvalidValue):
    """The ABI is malformed, or a type it is asked for does not exist in it."""


class EncodeError(InvalidValue):
    """A value does not fit the ABI type it is being encoded as."""


class DecodeError(InvalidValue):
    """Bytes that do not decode as the expected type: truncated, trailing or out of range."""


class InvalidTransaction(InvalidValue):
    """A transaction (or packed transaction) is malformed."""


class InvalidSigningRequest(InvalidValue):
    """A signing request (``esr:`` URI, payload or callback) is malformed or unsupported."""


class InvalidSealedMessage(InvalidValue):
    """A sealed message does not open: wrong key, bad checksum or corrupt ciphertext."""


class InvalidIdentityProof(InvalidValue):
    """An identity proof string or login callback does not parse."""


class CryptoError(SessionKitError):
    """Signing, verification or public-key recovery could not be done."""


class IdentityProofError(SessionKitError):
    """A well-formed identity proof that does not prove what it claims (see ``reason``)."""

    def __init__(self, message: str, *, reason: str) -> None:
        super().__init__(message)
        #: A stable, machine-readable cause: ``expired``, ``wrong_key``, ``threshold``,
        #: ``no_permission``, ``no_account``, ``wrong_chain`` or ``bad_signature``.
        self.reason = reason


class ChainError(SessionKitError):
    """Talking to a chain node failed."""


class ChainAPIError(ChainError):
    """A node answered with an error body; the chain's own error stays reachable.

    ``name`` is the chain's exception name (``unsatisfied_authorization``, ``tx_duplicate``, ...),
    ``code`` its numeric code, ``what`` its summary and ``details`` the list of
    ``{"message", "file", "line_number", "method"}`` entries the node sent.
    """

    def __init__(
        self,
        message: str,
        *,
        status: int,
        url: str,
        code: int | None = None,
        name: str | None = None,
        what: str | None = None,
        details: list[dict[str, Any]] | None = None,
        body: Any = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.url = url
        self.code = code
        self.name = name
        self.what = what
        self.details = details or []
        self.body = body

    @property
    def detail_messages(self) -> list[str]:
        """The ``message`` of every detail, in order (the first is the human one)."""
        return [str(d.get("message", "")) for d in self.details if isinstance(d, dict)]


class ChainConnectionError(ChainError):
    """No node could be reached (refused, reset, DNS); check the URL and that the node runs."""


class ChainTimeoutError(ChainError):
    """A node did not answer within the configured timeout."""


class MalformedResponseError(ChainError):
    """A node answered with something that is not what its API promises (not JSON, wrong shape)."""


class ResponseTooLarge(MalformedResponseError):
    """A node's answer, as sent or decompressed, is larger than the client accepts.

    ``limit`` is the client's ``max_response_size`` in bytes; raise it if the answer is real.
    """

    def __init__(self, message: str, *, limit: int) -> None:
        super().__init__(message)
        self.limit = limit


class AccountNotFound(ChainAPIError):
    """The account asked about does not exist on that chain; ``account`` names it.

    The node's own error stays reachable (``name`` is ``account_query_exception``).
    """

    def __init__(self, message: str, *, account: str, **fields: Any) -> None:
        super().__init__(message, **fields)
        self.account = account


class ABINotFoundError(SessionKitError):
    """The account has no contract ABI on this chain: check the account name and the chain."""


class ConfigurationError(SessionKitError):
    """A usage mistake by the app: an unknown wallet id or chain, a wrong option, no UI to ask."""


class NoChoiceError(ConfigurationError):
    """A choice (wallet, chain, account) was needed but the user interface cannot ask for one.

    ``choice`` names what was needed (``"wallet"``, ``"chain"``, ``"permission"``) and
    ``options`` lists what could have been chosen, so the app can pass one explicitly.
    """

    def __init__(self, message: str, *, choice: str, options: list[str] | None = None) -> None:
        super().__init__(message)
        self.choice = choice
        self.options = list(options or [])


class PluginError(SessionKitError):
    """A plugin raised inside a hook; ``plugin`` and ``hook`` say where, ``__cause__`` what."""

    def __init__(self, message: str, *, plugin: str, hook: str) -> None:
        super().__init__(message)
        self.plugin = plugin
        self.hook = hook


class PluginLoadError(PluginError):
    """A plugin could not be imported or registered; ``distribution`` names where it came from."""

    def __init__(
        self, message: str, *, plugin: str, distribution: str | None = None, hook: str = "load"
    ) -> None:
        super().__init__(message, plugin=plugin, hook=hook)
        self.distribution = distribution


class PluginConflictError(PluginLoadError):
    """Two plugins registered the same wallet, user-interface or storage id."""


class Cancelled(SessionKitError):
    """The person or the app cancelled the operation (the reference's ``Canceled``).

    A ``silent`` cancellation (a closed window, Ctrl-C) is not shown as an error by a UI.
    """

    def __init__(self, message: str = "cancelled", *, silent: bool = False) -> None:
        super().__init__(message)
        self.silent = silent


class WaitTimeout(SessionKitError):
    """A wait on a person, a wallet or a relay ran out of time; ``seconds`` is how long it was."""

    def __init__(self, message: str, *, seconds: float | None = None) -> None:
        super().__init__(message)
        self.seconds = seconds


class WalletError(SessionKitError):
    """The wallet could not log in or sign."""


class WalletRejected(WalletError):
    """The person declined the request in the wallet (``reason`` is the wallet's own text)."""

    def __init__(self, message: str, *, reason: str | None = None) -> None:
        super().__init__(message)
        self.reason = reason


class WalletResponseError(WalletError):
    """The wallet answered something other than what was asked (chain, request, signature)."""


class TransactError(SessionKitError):
    """The transact pipeline refused to go on before broadcasting."""


class ModificationNotAllowed(TransactError):
    """A plugin or the wallet changed the transaction although ``allow_modify`` is off."""


class InvalidPluginSignature(TransactError):
    """A signature from a hook or the wallet does not recover to a key over the signing digest."""


class SessionNotFound(SessionKitError):
    """No stored session matches what restore or logout was asked for."""


class StorageError(SessionKitError):
    """Session storage could not be read or written."""


class CorruptStorageError(StorageError):
    """Stored data does not parse; ``location`` names the file or key. Nothing was overwritten."""

    def __init__(self, message: str, *, location: str) -> None:
        super().__init__(message)
        self.location = location


class StorageConflictError(StorageError):
    """Concurrent writers kept changing the same key past the retry limit; try again."""


class RelayError(SessionKitError):
    """A callback relay (a buoy) failed: not delivered, too large, or not speaking its protocol.

    ``status`` is the relay's HTTP status when it answered one.
    """

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class DevnetError(SessionKitError):
    """The local devnet node could not be installed, started, bootstrapped or stopped."""


class DevnetUnavailable(DevnetError):
    """The devnet node cannot run on this platform; the message says why and what would fix it."""
