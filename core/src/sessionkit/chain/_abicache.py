"""``ABICache``: contract ABIs fetched once per account and shared by everyone who asks."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import anyio

from sessionkit.antelope import ABI, Name
from sessionkit.errors import (
    ABIError,
    ABINotFoundError,
    AccountNotFound,
    InvalidName,
    MalformedResponseError,
    SessionKitError,
)

if TYPE_CHECKING:
    from collections.abc import Iterable

    from sessionkit.chain._client import APIClient

#: ABI lists that ``set_abi(..., merge=True)`` merges, and the field naming an entry in each.
MERGED_LISTS: Mapping[str, str] = {
    "types": "new_type_name",
    "structs": "name",
    "actions": "name",
    "tables": "name",
    "ricardian_clauses": "id",
    "variants": "name",
    "action_results": "name",
    "error_messages": "error_code",
    "abi_extensions": "tag",
}


class _Fetch:
    """One in-flight ``get_raw_abi``; callers who come while it runs wait for its outcome."""

    __slots__ = ("done", "error")

    def __init__(self) -> None:
        self.done = anyio.Event()
        self.error: Exception | None = None


class ABICache:
    """Contract ABIs by account, fetched through ``client.get_raw_abi`` and decoded by our codec.

    Concurrent ``get_abi`` calls for one account share one request. An account without a
    contract, or that does not exist, raises ``ABINotFoundError``. A failed fetch is not cached
    (the next call tries again). ``set_abi`` adds or merges ABIs known in advance;
    ``invalidate`` forgets them (after a contract update, say).
    """

    def __init__(self, client: APIClient) -> None:
        self.client = client
        self._abis: dict[str, ABI] = {}
        self._fetches: dict[str, _Fetch] = {}

    def __repr__(self) -> str:
        return f"ABICache({sorted(self._abis)!r})"

    def __contains__(self, account: object) -> bool:
        try:
            return isinstance(account, Name | str) and str(Name(account)) in self._abis
        except InvalidName:
            return False

    def cached(self, account: Name | str) -> ABI | None:
        """The cached ABI of ``account``, without fetching."""
        if type(account) is str and account in self._abis:
            return self._abis[account]  # keys are valid names: no need to parse this one
        return self._abis.get(str(Name(account)))

    async def get_abi(self, account: Name | str) -> ABI:
        """The ABI of ``account``: cached, or fetched once (``ABINotFoundError`` if it has none)."""
        found = self.cached(account)
        if found is not None:
            return found
        key = str(Name(account))
        while True:
            abi = self._abis.get(key)
            if abi is not None:
                return abi
            fetch = self._fetches.get(key)
            if fetch is None:
                break
            await fetch.done.wait()
            if fetch.error is not None:
                raise fetch.error
            # The fetching task was cancelled or the entry invalidated: look again.
        return await self._fetch(key)

    async def _fetch(self, key: str) -> ABI:
        fetch = _Fetch()
        self._fetches[key] = fetch
        try:
            abi = await self._download(key)
        except Exception as exc:
            fetch.error = exc
            raise
        else:
            if self._fetches.get(key) is fetch:
                self._abis.setdefault(key, abi)
            return self._abis.get(key, abi)
        finally:
            if self._fetches.get(key) is fetch:
                del self._fetches[key]
            fetch.done.set()

    async def _download(self, key: str) -> ABI:
        try:
            response = await self.client.get_raw_abi(key)
        except AccountNotFound as exc:
            raise ABINotFoundError(f"ABI for {key} could not be loaded: no such account") from exc
        if not response.abi:
            raise ABINotFoundError(
                f"ABI for {key} could not be loaded: the account has no contract"
            )
        try:
            return ABI.from_bytes(response.abi)
        except SessionKitError as exc:
            raise MalformedResponseError(
                f"the ABI of {key} on the chain does not decode: {exc}"
            ) from exc

    def set_abi(
        self,
        account: Name | str,
        abi: ABI | Mapping[str, Any] | str | bytes,
        merge: bool = False,
    ) -> None:
        """Cache ``abi`` for ``account``; with ``merge`` add its entries to the cached ABI.

        A merge keeps every entry already cached and appends the new ones whose name (types:
        ``new_type_name``, ricardian clauses: ``id``) is not there yet; the version comes from
        the new ABI. Unlike WharfKit, error messages and ABI extensions are kept too.
        """
        key = str(Name(account))
        if isinstance(abi, ABI):
            new = abi
        elif isinstance(abi, str | bytes):
            new = _abi_from_text(abi)
        elif isinstance(abi, Mapping):
            new = ABI.from_json(dict(abi))
        else:
            raise ABIError(
                f"set_abi takes an ABI, its JSON text or a dict, not {type(abi).__name__}"
            )
        existing = self._abis.get(key)
        self._abis[key] = merge_abis(existing, new) if merge and existing is not None else new

    def invalidate(self, account: Name | str | None = None) -> None:
        """Forget the ABI of ``account``, or of every account; an in-flight fetch is not kept."""
        if account is None:
            self._abis.clear()
            self._fetches.clear()
            return
        key = str(Name(account))
        self._abis.pop(key, None)
        self._fetches.pop(key, None)


def _abi_from_text(text: str | bytes) -> ABI:
    try:
        return ABI.from_json(text)
    except UnicodeError:
        raise ABIError(
            "the ABI JSON is not valid text (invalid UTF-8 or a lone surrogate); give the "
            "ABI's JSON as read from its file, or as a dict"
        ) from None


def merge_abis(existing: ABI, new: ABI) -> ABI:
    """``existing`` plus the entries of ``new`` it lacks (by name), with ``new``'s version."""
    old_json = existing.to_json()
    new_json = new.to_json()
    merged = dict(old_json)
    merged["version"] = new_json.get("version", old_json.get("version"))
    for field, key in MERGED_LISTS.items():
        merged[field] = _merge_entries(old_json.get(field) or [], new_json.get(field) or [], key)
    return ABI.from_json(merged)


def _merge_entries(kept: Iterable[Any], added: Iterable[Any], key: str) -> list[Any]:
    result = list(kept)
    seen = {_entry_key(entry, key) for entry in result}
    for entry in added:
        name = _entry_key(entry, key)
        if name is None or name not in seen:
            result.append(entry)
            seen.add(name)
    return result


def _entry_key(entry: Any, key: str) -> str | None:
    """The identifying field of an ABI list entry (``[tag, data]`` pairs: the tag)."""
    if isinstance(entry, dict):
        return str(entry.get(key))
    if isinstance(entry, list | tuple) and entry:
        return str(entry[0])
    return None
