"""``APIClient``: the async chain API client (Leap / Spring ``/v1/chain/*``) on one httpx pool."""

from __future__ import annotations

import base64
import binascii
import math
from collections.abc import Iterable
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Self, TypeVar

import httpx
import msgspec

from sessionkit.antelope import (
    ABI,
    Asset,
    Checksum256,
    Name,
    PackedTransaction,
    PermissionLevel,
    PublicKey,
    SignedTransaction,
)
from sessionkit.chain import _json
from sessionkit.chain._errors import account_not_found
from sessionkit.chain._failover import Endpoints
from sessionkit.chain._responses import (
    AccountsByAuthorizersResponse,
    GetAbiResponse,
    GetAccountResponse,
    GetBlockInfoResponse,
    GetBlockResponse,
    GetInfoResponse,
    GetRawAbiResponse,
    GetRequiredKeysResponse,
    GetTableRowsResponse,
    GetTransactionStatusResponse,
    Response,
    SendTransactionResponse,
)
from sessionkit.chain._urls import display_url
from sessionkit.errors import (
    ChainAPIError,
    ChainConnectionError,
    InvalidValue,
    MalformedResponseError,
    SessionKitError,
)

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence
    from types import TracebackType
    from typing import TypeAlias

    AnyTransaction: TypeAlias = PackedTransaction | SignedTransaction

R = TypeVar("R", bound=Response)

#: Endpoints that submit a transaction for inclusion: never resent to another node once sent.
BROADCAST_PATHS = frozenset(
    {
        "/v1/chain/push_transaction",
        "/v1/chain/push_transactions",
        "/v1/chain/send_transaction",
        "/v1/chain/send_transaction2",
    }
)

DEFAULT_TIMEOUT = 10.0

#: Bytes an answer may have, as sent and once decompressed (16 MiB): far above the usual chain
#: API answers (``get_info`` is under 2 KB, an ABI tens of KB), and low enough that a hostile
#: node cannot exhaust memory with a huge or highly compressed body.
DEFAULT_MAX_RESPONSE_SIZE = 16 * 1024 * 1024


class _RawAbi(msgspec.Struct, frozen=True):
    account_name: Name
    code_hash: Checksum256
    abi_hash: Checksum256
    abi: str = ""


class _JsonAbi(msgspec.Struct, frozen=True):
    account_name: Name
    abi: msgspec.Raw = msgspec.Raw(b"null")


class APIClient:
    """Talks to one chain through one or more API URLs, over one reused httpx connection pool.

    ``url`` may be a list: reads move on to the next URL after a connection failure, a timeout
    or an HTTP 5xx that is not a chain error. Broadcasts (``send_transaction``,
    ``send_transaction2``, ``push_transaction``) move on only when the request certainly never
    reached a node (connection refused or unreachable, connect timeout, no free pooled
    connection); after any answer, a dropped connection or a read timeout they raise instead,
    because the transaction may have been accepted. A chain error body always raises
    ``ChainAPIError`` at once. Requests start at the URL that last answered. ``timeout``
    (seconds, or an ``httpx.Timeout`` whose longest limit is then the bound) bounds each
    attempt as a whole, from connecting to the last byte of the answer.
    ``max_response_size`` (bytes) bounds an answer as sent and once decompressed: a larger
    one raises ``ResponseTooLarge`` without being read further. ``transport`` replaces the
    network (tests, proxies); ``http_client`` shares an existing ``httpx.AsyncClient`` (the
    caller closes it). docs/chain.md has the full rules.

    Use ``async with APIClient(url) as client:`` or call ``await client.aclose()``.
    """

    def __init__(
        self,
        url: str | Sequence[str],
        *,
        timeout: float | httpx.Timeout = DEFAULT_TIMEOUT,
        transport: httpx.AsyncBaseTransport | None = None,
        max_response_size: int = DEFAULT_MAX_RESPONSE_SIZE,
        http_client: httpx.AsyncClient | None = None,
    ) -> None:
        self._endpoints = Endpoints(
            url,
            attempt_timeout(_checked_timeout(timeout)),
            _checked_size(max_response_size),
        )
        if http_client is not None and not isinstance(http_client, httpx.AsyncClient):
            raise InvalidValue(
                f"http_client must be an httpx.AsyncClient, not {type(http_client).__name__}"
            )
        if http_client is not None and transport is not None:
            raise InvalidValue("give transport= or http_client=, not both")
        self._owns_http = http_client is None
        self._http = http_client or httpx.AsyncClient(timeout=timeout, transport=transport)

    def __repr__(self) -> str:
        return f"APIClient({[display_url(u) for u in self._endpoints.urls]!r})"

    @property
    def urls(self) -> tuple[str, ...]:
        """The base URLs, in failover order."""
        return self._endpoints.urls

    @property
    def max_response_size(self) -> int:
        """The largest answer accepted, in bytes (as sent and once decompressed)."""
        return self._endpoints.max_response_size

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    @property
    def http_client(self) -> httpx.AsyncClient:
        """The httpx client requests go through (given as ``http_client=``, or its own)."""
        return self._http

    async def aclose(self) -> None:
        """Close the pooled connections (an ``http_client`` given by the caller stays open)."""
        if self._owns_http:
            await self._http.aclose()

    # -- generic -----------------------------------------------------------------------------

    async def call(
        self, path: str, body: object | None = None, *, idempotent: bool | None = None
    ) -> Any:
        """POST ``body`` (JSON; SessionKit value types allowed) to ``path``; return the JSON answer.

        ``idempotent`` decides failover (see the class docstring); by default every path is a
        read except the transaction broadcast endpoints in ``BROADCAST_PATHS``.
        """
        path = _normal_path(path)
        if idempotent is None:
            idempotent = path not in BROADCAST_PATHS
        elif not isinstance(idempotent, bool):
            raise InvalidValue(f"idempotent is True, False or None, not {idempotent!r}")
        content, url = await self._post(path, body, idempotent=idempotent)
        return _json.loads(content, url)

    async def _post(self, path: str, body: object | None, *, idempotent: bool) -> tuple[bytes, str]:
        if self._http.is_closed:
            raise ChainConnectionError(
                "this APIClient is closed; create a new one to reach the chain"
            )
        payload = b"" if body is None else _encode(body)
        return await self._endpoints.post(self._http, path, payload, idempotent=idempotent)

    async def _typed(
        self, path: str, body: object | None, kind: type[R], *, idempotent: bool = True
    ) -> R:
        content, url = await self._post(path, body, idempotent=idempotent)
        return _json.decode(kind, content, url)

    # -- reads -------------------------------------------------------------------------------

    async def get_info(self) -> GetInfoResponse:
        """The chain id, head and last irreversible block."""
        return await self._typed("/v1/chain/get_info", None, GetInfoResponse)

    async def get_block(self, block: int | str | Checksum256) -> GetBlockResponse:
        """A block with its transactions, by number or id."""
        return await self._typed(
            "/v1/chain/get_block", {"block_num_or_id": _block_ref(block)}, GetBlockResponse
        )

    async def get_block_info(self, block_num: int) -> GetBlockInfoResponse:
        """A block header by number (cheaper than ``get_block``)."""
        return await self._typed(
            "/v1/chain/get_block_info", {"block_num": _block_num(block_num)}, GetBlockInfoResponse
        )

    async def get_account(self, name: Name | str) -> GetAccountResponse:
        """An account's permissions and resources (``AccountNotFound`` if there is none)."""
        account = Name(name)
        with _lookup_of(account):
            return await self._typed(
                "/v1/chain/get_account", {"account_name": account}, GetAccountResponse
            )

    async def get_accounts_by_authorizers(
        self,
        accounts: Iterable[PermissionLevel | Name | str] = (),
        keys: Iterable[PublicKey | str] = (),
    ) -> AccountsByAuthorizersResponse:
        """Permissions that the given keys or accounts (``"alice"`` / ``alice@active``) satisfy."""
        body = {
            "accounts": [_authorizer(a) for a in _listed(accounts, "accounts", "'alice'")],
            "keys": _public_keys(keys, "keys"),
        }
        return await self._typed(
            "/v1/chain/get_accounts_by_authorizers", body, AccountsByAuthorizersResponse
        )

    async def get_abi(self, account: Name | str) -> GetAbiResponse:
        """The contract ABI as the node renders it in JSON (``abi`` is None without a contract)."""
        name = Name(account)
        with _lookup_of(name):
            content, url = await self._post(
                "/v1/chain/get_abi", {"account_name": name}, idempotent=True
            )
        raw = _json.decode(_JsonAbi, content, url)
        abi_json = bytes(raw.abi)
        if abi_json.strip() == b"null":
            return GetAbiResponse(account_name=raw.account_name)
        try:
            abi = ABI.from_json(abi_json)
        except SessionKitError as exc:
            raise MalformedResponseError(f"{url} sent an ABI that does not parse: {exc}") from exc
        return GetAbiResponse(account_name=raw.account_name, abi=abi)

    async def get_raw_abi(self, account: Name | str) -> GetRawAbiResponse:
        """The contract ABI in binary (``abi`` is empty bytes without a contract)."""
        name = Name(account)
        with _lookup_of(name):
            content, url = await self._post(
                "/v1/chain/get_raw_abi", {"account_name": name}, idempotent=True
            )
        raw = _json.decode(_RawAbi, content, url)
        try:
            abi = _base64(raw.abi)
        except (binascii.Error, ValueError) as exc:
            raise MalformedResponseError(f"{url} sent an ABI that is not base64") from exc
        return GetRawAbiResponse(
            account_name=raw.account_name, code_hash=raw.code_hash, abi_hash=raw.abi_hash, abi=abi
        )

    async def get_table_rows(
        self,
        code: Name | str,
        table: Name | str,
        scope: Name | str | int | None = None,
        *,
        lower_bound: object | None = None,
        upper_bound: object | None = None,
        limit: int = 10,
        index_position: str | int | None = None,
        key_type: str | None = None,
        reverse: bool = False,
        show_payer: bool = False,
        json: bool = True,
    ) -> GetTableRowsResponse:
        """Rows of a contract table (``scope`` defaults to ``code``); JSON rows by default."""
        body: dict[str, Any] = {
            "json": _flag(json, "json"),
            "code": Name(code),
            "table": Name(table),
            "scope": str(code if scope is None else scope),
            "limit": _row_limit(limit),
            "reverse": _flag(reverse, "reverse"),
            "show_payer": _flag(show_payer, "show_payer"),
        }
        optional = {
            "lower_bound": lower_bound,
            "upper_bound": upper_bound,
            "index_position": index_position,
            "key_type": key_type,
        }
        body.update({k: v for k, v in optional.items() if v is not None})
        return await self._typed("/v1/chain/get_table_rows", body, GetTableRowsResponse)

    async def get_currency_balance(
        self, code: Name | str, account: Name | str, symbol: str | None = None
    ) -> list[Asset]:
        """The token balances ``account`` holds in contract ``code`` (one symbol if given)."""
        body: dict[str, Any] = {"code": Name(code), "account": Name(account)}
        if symbol is not None:
            body["symbol"] = symbol
        content, url = await self._post("/v1/chain/get_currency_balance", body, idempotent=True)
        return _json.decode(list[Asset], content, url)

    async def get_required_keys(
        self, transaction: object, available_keys: Iterable[PublicKey | str]
    ) -> list[PublicKey]:
        """Which of ``available_keys`` must sign ``transaction`` (a ``Transaction`` or its JSON)."""
        body = {
            "transaction": transaction,
            "available_keys": _public_keys(available_keys, "available_keys"),
        }
        response = await self._typed("/v1/chain/get_required_keys", body, GetRequiredKeysResponse)
        return response.required_keys

    async def get_transaction_status(
        self, transaction_id: Checksum256 | str
    ) -> GetTransactionStatusResponse:
        """Where a recent transaction is (needs the node's transaction finality status storage)."""
        body = {"id": Checksum256(transaction_id)}
        return await self._typed(
            "/v1/chain/get_transaction_status", body, GetTransactionStatusResponse
        )

    async def compute_transaction(self, transaction: AnyTransaction) -> SendTransactionResponse:
        """Execute without changing state or checking signatures; return the trace."""
        body = {"transaction": _packed(transaction)}
        return await self._typed("/v1/chain/compute_transaction", body, SendTransactionResponse)

    async def send_read_only_transaction(
        self, transaction: AnyTransaction
    ) -> SendTransactionResponse:
        """Run a read-only transaction (read-only actions) and return its trace."""
        body = {"transaction": _packed(transaction)}
        return await self._typed(
            "/v1/chain/send_read_only_transaction", body, SendTransactionResponse
        )

    # -- broadcasts ----------------------------------------------------------------------------

    async def send_transaction(self, transaction: AnyTransaction) -> SendTransactionResponse:
        """Broadcast a signed transaction (never resent to another URL once sent)."""
        return await self._typed(
            "/v1/chain/send_transaction",
            _packed(transaction),
            SendTransactionResponse,
            idempotent=False,
        )

    async def push_transaction(self, transaction: AnyTransaction) -> SendTransactionResponse:
        """Broadcast a signed transaction through the older push endpoint."""
        return await self._typed(
            "/v1/chain/push_transaction",
            _packed(transaction),
            SendTransactionResponse,
            idempotent=False,
        )

    async def send_transaction2(
        self,
        transaction: AnyTransaction,
        *,
        return_failure_trace: bool = True,
        retry_trx: bool = False,
        retry_trx_num_blocks: int | None = None,
    ) -> SendTransactionResponse:
        """Broadcast with options; with ``return_failure_trace`` a failure comes back as a trace
        whose ``processed.error`` is set instead of as an error."""
        body: dict[str, Any] = {
            "return_failure_trace": return_failure_trace,
            "retry_trx": retry_trx,
            "transaction": _packed(transaction),
        }
        if retry_trx_num_blocks is not None:
            body["retry_trx_num_blocks"] = retry_trx_num_blocks
        return await self._typed(
            "/v1/chain/send_transaction2", body, SendTransactionResponse, idempotent=False
        )


def _checked_timeout(timeout: object) -> float | httpx.Timeout:
    if isinstance(timeout, httpx.Timeout):
        return timeout
    if isinstance(timeout, bool) or not isinstance(timeout, int | float):
        raise InvalidValue(f"timeout is seconds (a number) or an httpx.Timeout, not {timeout!r}")
    if not 0 < timeout < math.inf:
        raise InvalidValue(f"timeout is a positive, finite number of seconds, not {timeout!r}")
    return timeout


def attempt_timeout(timeout: float | httpx.Timeout) -> float | None:
    """Seconds one attempt may take in all: the number, or the longest limit of a Timeout."""
    if isinstance(timeout, httpx.Timeout):
        limits = [t for t in (timeout.connect, timeout.read, timeout.write, timeout.pool) if t]
        return max(limits) if limits else None
    return float(timeout)


def _checked_size(size: object) -> int:
    if isinstance(size, bool) or not isinstance(size, int) or size < 1:
        raise InvalidValue(f"max_response_size is a positive number of bytes, not {size!r}")
    return size


@contextmanager
def _lookup_of(account: Name) -> Iterator[None]:
    """Turn the node's failure to find ``account`` into ``AccountNotFound``, however worded."""
    try:
        yield
    except ChainAPIError as exc:
        found = account_not_found(exc, str(account))
        if found is exc:
            raise
        raise found from exc


def _normal_path(path: str) -> str:
    if not isinstance(path, str):
        raise InvalidValue(f"an API path is a string like /v1/chain/get_info, not {path!r}")
    if not path or "://" in path or not (path.isascii() and path.isprintable()):
        raise InvalidValue(f"expected an API path like /v1/chain/get_info, got {path!r}")
    return path if path.startswith("/") else "/" + path


def _encode(body: object) -> bytes:
    try:
        return _json.encode(body)
    except (TypeError, NotImplementedError, msgspec.EncodeError, UnicodeEncodeError) as exc:
        raise InvalidValue(f"cannot send this request body as JSON: {exc}") from exc


def _listed(values: object, what: str, example: str) -> list[Any]:
    """``values`` as a list; a lone string or a non-iterable is a mistake worth naming."""
    if isinstance(values, str | bytes) or not isinstance(values, Iterable):
        raise InvalidValue(
            f"{what} is a list, e.g. {what}=[{example}], not {type(values).__name__}"
        )
    return list(values)


def _public_keys(keys: object, what: str) -> list[PublicKey]:
    return [
        k if isinstance(k, PublicKey) else PublicKey.from_string(k)
        for k in _listed(keys, what, "'PUB_K1_...'")
    ]


def _flag(value: object, what: str) -> bool:
    if not isinstance(value, bool):
        raise InvalidValue(f"{what} is True or False, not {value!r}")
    return value


def _row_limit(limit: object) -> int:
    if isinstance(limit, bool) or not isinstance(limit, int) or not 0 <= limit < 2**32:
        raise InvalidValue(f"limit is a number of rows from 0 to 2**32 - 1, not {limit!r}")
    return limit


def _block_ref(block: int | str | Checksum256) -> int | str:
    if isinstance(block, int):
        return _block_num(block)
    if not isinstance(block, str | bytes | Checksum256):
        raise InvalidValue(f"a block is its number or its id, not {type(block).__name__}")
    return str(Checksum256(block))


def _block_num(block: object) -> int:
    if isinstance(block, bool) or not isinstance(block, int) or not 0 < block < 2**32:
        raise InvalidValue(f"a block number is an int from 1 to 2**32 - 1, not {block!r}")
    return block


def _authorizer(value: PermissionLevel | Name | str) -> object:
    if isinstance(value, PermissionLevel):
        return value
    if isinstance(value, str) and "@" in value:
        return PermissionLevel.from_string(value)
    return Name(value)


def _packed(transaction: AnyTransaction) -> PackedTransaction:
    if isinstance(transaction, PackedTransaction):
        return transaction
    if isinstance(transaction, SignedTransaction):
        return PackedTransaction.from_signed(transaction)
    raise InvalidValue(
        f"expected a PackedTransaction or SignedTransaction, got {type(transaction).__name__}"
    )


def _base64(text: str) -> bytes:
    """Decode standard base64 whatever its ``=`` padding (Leap 4 sometimes sends three)."""
    text = text.strip().rstrip("=")
    return base64.b64decode(text + "=" * (-len(text) % 4), validate=True)
