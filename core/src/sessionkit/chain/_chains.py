"""``ChainDefinition`` (which chain, and where to reach it) and ``Chains``, the well-known ones.

Chain ids and endpoints follow WharfKit's ``@wharfkit/common`` table. Vaulta is the EOS
network renamed (same chain id), so it is ``Chains.EOS``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from sessionkit.antelope import Checksum256, Name, Symbol
from sessionkit.chain._urls import check_url
from sessionkit.errors import InvalidValue

if TYPE_CHECKING:
    import httpx

    from sessionkit.chain._client import APIClient


class _Frozen:
    """Attributes are set once, in ``__init__``: shared definitions such as ``Chains.EOS``
    cannot be changed behind everyone's back (``with_urls`` makes a changed copy)."""

    __slots__ = ()

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable")

    def _set(self, **values: object) -> None:
        for name, value in values.items():
            object.__setattr__(self, name, value)


class Explorer(_Frozen):
    """A block explorer: a transaction's page is ``prefix + id + suffix``."""

    __slots__ = ("prefix", "suffix")

    prefix: str
    suffix: str

    def __init__(self, prefix: str, suffix: str = "") -> None:
        self._set(prefix=prefix, suffix=suffix)

    def __repr__(self) -> str:
        return f"Explorer({self.prefix!r}, {self.suffix!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Explorer) and (self.prefix, self.suffix) == (
            other.prefix,
            other.suffix,
        )

    def __hash__(self) -> int:
        return hash((self.prefix, self.suffix))

    def url(self, transaction_id: Checksum256 | str) -> str:
        """The explorer page of a transaction."""
        return f"{self.prefix}{transaction_id}{self.suffix}"

    def to_json(self) -> dict[str, str]:
        return {"prefix": self.prefix, "suffix": self.suffix}


class SystemToken(_Frozen):
    """The chain's core token: its contract and symbol (``eosio.token``, ``4,EOS``)."""

    __slots__ = ("contract", "symbol")

    contract: Name
    symbol: Symbol

    def __init__(self, contract: Name | str, symbol: Symbol | str) -> None:
        self._set(
            contract=Name(contract),
            symbol=symbol if isinstance(symbol, Symbol) else Symbol.from_string(symbol),
        )

    def __repr__(self) -> str:
        return f"SystemToken({str(self.contract)!r}, {str(self.symbol)!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SystemToken) and (self.contract, self.symbol) == (
            other.contract,
            other.symbol,
        )

    def __hash__(self) -> int:
        return hash((self.contract, self.symbol))

    def to_json(self) -> dict[str, str]:
        return {"contract": str(self.contract), "symbol": str(self.symbol)}


class ChainDefinition(_Frozen):
    """One chain: its id, API URL(s) in failover order, and optional display details."""

    __slots__ = ("explorer", "id", "logo", "name", "system_token", "urls")

    id: Checksum256
    urls: tuple[str, ...]
    name: str | None
    logo: str | None
    explorer: Explorer | None
    system_token: SystemToken | None

    def __init__(
        self,
        id: Checksum256 | str,
        url: str | None = None,
        *,
        urls: Sequence[str] | None = None,
        name: str | None = None,
        logo: str | None = None,
        explorer: Explorer | Mapping[str, str] | None = None,
        system_token: SystemToken | None = None,
    ) -> None:
        if (url is None) == (urls is None):
            raise InvalidValue("give a chain definition either url='https://...' or urls=[...]")
        if isinstance(urls, str):
            raise InvalidValue(f"urls is a list of API URLs: write urls=[{urls!r}] or url={urls!r}")
        if urls is not None and not isinstance(urls, list | tuple):
            raise InvalidValue(f"urls is a list of API URLs, not {type(urls).__name__}")
        all_urls = (url,) if url is not None else tuple(urls or ())
        if not all_urls or not all(isinstance(u, str) and u for u in all_urls):
            raise InvalidValue("a chain definition needs at least one non-empty API URL")
        for each in all_urls:
            check_url(each)
        explorer = _explorer(explorer)
        self._set(
            id=Checksum256(id),
            urls=all_urls,
            name=name,
            logo=logo,
            explorer=explorer,
            system_token=system_token,
        )

    @property
    def url(self) -> str:
        """The first (preferred) API URL."""
        return self.urls[0]

    def __repr__(self) -> str:
        label = f"{self.name!r}, " if self.name else ""
        return f"ChainDefinition({label}id={str(self.id)!r}, urls={list(self.urls)!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ChainDefinition) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def _key(self) -> tuple[Any, ...]:
        return (self.id, self.urls, self.name, self.logo, self.explorer, self.system_token)

    def with_urls(self, *urls: str) -> ChainDefinition:
        """The same chain reached through other API URLs."""
        return ChainDefinition(
            self.id,
            urls=urls,
            name=self.name,
            logo=self.logo,
            explorer=self.explorer,
            system_token=self.system_token,
        )

    def client(
        self,
        *,
        timeout: float | httpx.Timeout | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        max_response_size: int | None = None,
    ) -> APIClient:
        """A new ``APIClient`` over this chain's URLs (close it when done); options left as
        None take the client's defaults."""
        from sessionkit.chain._client import DEFAULT_MAX_RESPONSE_SIZE, DEFAULT_TIMEOUT, APIClient

        return APIClient(
            self.urls,
            timeout=DEFAULT_TIMEOUT if timeout is None else timeout,
            transport=transport,
            max_response_size=(
                DEFAULT_MAX_RESPONSE_SIZE if max_response_size is None else max_response_size
            ),
        )

    @classmethod
    def from_json(cls, value: object) -> ChainDefinition:
        """From WharfKit's JSON form ``{id, url, name?, logo?, explorer?}`` (``urls`` and
        ``systemToken: {contract, symbol}`` also read). Raises ``InvalidValue`` otherwise."""
        if isinstance(value, ChainDefinition):
            return value
        if not isinstance(value, Mapping):
            raise InvalidValue("a chain definition is an object with 'id' and 'url'")
        chain_id = value.get("id")
        if not isinstance(chain_id, str | Checksum256):
            raise InvalidValue("a chain definition needs its 'id' (64 hex digits)")
        urls = value.get("urls")
        if urls is not None and (isinstance(urls, str) or not isinstance(urls, list)):
            raise InvalidValue("'urls' of a chain definition is a list of URLs")
        url = value.get("url")
        if urls is None and not isinstance(url, str):
            raise InvalidValue("a chain definition needs its API 'url'")
        return cls(
            chain_id,
            url if urls is None else None,
            urls=urls,
            name=_optional_text(value, "name"),
            logo=_logo(value.get("logo")),
            explorer=_explorer(value.get("explorer")),
            system_token=_system_token(value.get("systemToken", value.get("system_token"))),
        )

    def to_json(self) -> dict[str, Any]:
        """WharfKit's JSON form (``url`` is the first URL; ``urls`` lists them all)."""
        data: dict[str, Any] = {"id": str(self.id), "url": self.url}
        if len(self.urls) > 1:
            data["urls"] = list(self.urls)
        if self.name is not None:
            data["name"] = self.name
        if self.logo is not None:
            data["logo"] = self.logo
        if self.explorer is not None:
            data["explorer"] = self.explorer.to_json()
        if self.system_token is not None:
            data["systemToken"] = self.system_token.to_json()
        return data


def _optional_text(value: Mapping[str, Any], key: str) -> str | None:
    text = value.get(key)
    if text is not None and not isinstance(text, str):
        raise InvalidValue(f"'{key}' of a chain definition is a string")
    return text


def _logo(value: object) -> str | None:
    """WharfKit's logo: a URL, or ``{light, dark}`` URLs (the light one is kept)."""
    if isinstance(value, Mapping):
        value = value.get("light") or value.get("dark")
    if value is not None and not isinstance(value, str):
        raise InvalidValue("'logo' of a chain definition is a URL or {light, dark}")
    return value


def _explorer(value: object) -> Explorer | None:
    if value is None or isinstance(value, Explorer):
        return value
    if not isinstance(value, Mapping):
        raise InvalidValue("'explorer' of a chain definition is {prefix, suffix}")
    prefix, suffix = value.get("prefix"), value.get("suffix", "")
    if not isinstance(prefix, str) or not isinstance(suffix, str):
        raise InvalidValue("'explorer' of a chain definition is {prefix, suffix} strings")
    return Explorer(prefix, suffix)


def _system_token(value: object) -> SystemToken | None:
    if value is None or isinstance(value, SystemToken):
        return value
    if not isinstance(value, Mapping):
        raise InvalidValue("'systemToken' of a chain definition is {contract, symbol}")
    contract, symbol = value.get("contract"), value.get("symbol")
    if not isinstance(contract, str) or not isinstance(symbol, str):
        raise InvalidValue("'systemToken' of a chain definition is {contract, symbol} strings")
    return SystemToken(contract, symbol)


def _chain(
    id: str,
    url: str,
    name: str,
    *,
    logo: str | None = None,
    explorer: str | None = None,
    token: tuple[str, str] | None = None,
) -> ChainDefinition:
    return ChainDefinition(
        id,
        url,
        name=name,
        logo=f"https://assets.wharfkit.com/chain/{logo}.png" if logo else None,
        explorer=Explorer(explorer) if explorer else None,
        system_token=SystemToken(*token) if token else None,
    )


def _testnet(mainnet: ChainDefinition, id: str, url: str) -> ChainDefinition:
    """The test network of ``mainnet``: its logo and token, no explorer, "(Testnet)" named."""
    return ChainDefinition(
        id,
        url,
        name=f"{mainnet.name} (Testnet)",
        logo=mainnet.logo,
        system_token=mainnet.system_token,
    )


class Chains:
    """Well-known public chains, e.g. ``Chains.Jungle4``; ``Chains.all()`` lists them."""

    EOS = _chain(
        "aca376f206b8fc25a6ed44dbdc66547c36c6c33e3a119ffbeaef943642f0e906",
        "https://eos.greymass.com",
        "EOS",
        logo="eos",
        explorer="https://bloks.io/transaction/",
        token=("eosio.token", "4,EOS"),
    )
    Jungle4 = _chain(
        "73e4385a2708e6d7048834fbc1079f2fabb17b3c125b146af438971e90716c4d",
        "https://jungle4.greymass.com",
        "Jungle 4 (Testnet)",
        logo="jungle",
        token=("eosio.token", "4,EOS"),
    )
    KylinTestnet = _chain(
        "5fff1dae8dc8e2fc4d5b23b2c7665c97f9e9d8edf2b6485a86ba311c25639191",
        "https://api.kylin.alohaeos.com",
        "Kylin (Testnet)",
        token=("eosio.token", "4,EOS"),
    )
    Kylin = KylinTestnet
    Telos = _chain(
        "4667b205c6838ef70ff7988f6e8257e8be0e1284a2f59699054a018f743b1d11",
        "https://telos.greymass.com",
        "Telos",
        logo="telos",
        explorer="https://explorer.telos.net/transaction/",
        token=("eosio.token", "4,TLOS"),
    )
    TelosTestnet = _testnet(
        Telos,
        "1eaa0824707c8c16bd25145493bf062aecddfeb56c736f6ba6397f3195f33c9f",
        "https://testnet.telos.net",
    )
    WAX = _chain(
        "1064487b3cd1a897ce03ae5b6a865651747e2e152090f99c1d19d44e01aea5a4",
        "https://wax.greymass.com",
        "WAX",
        logo="wax",
        explorer="https://waxblock.io/transaction/",
        token=("eosio.token", "8,WAX"),
    )
    WAXTestnet = _testnet(
        WAX,
        "f16b1833c747c43682f4386fca9cbb327929334a762755ebec17f6f23c9b8a12",
        "https://waxtestnet.greymass.com",
    )
    Proton = _chain(
        "384da888112027f0321850a169f737c33e53b388aad48b5adace4bab97f437e0",
        "https://proton.greymass.com",
        "Proton",
        logo="proton",
        explorer="https://www.protonscan.io/transaction/",
        token=("eosio.token", "4,XPR"),
    )
    ProtonTestnet = _testnet(
        Proton,
        "71ee83bcf52142d61019d95f9cc5427ba6a0d7ff8accd9e2088ae2abeaf3d3dd",
        "https://proton-testnet.greymass.com",
    )
    FIO = _chain(
        "21dcae42c0182200e93f954a074011f9048a7624c6fe81d3c9541a614a88bd1c",
        "https://fio.greymass.com",
        "FIO",
        logo="fio",
        explorer="https://fio.bloks.io/transaction/",
        token=("fio.token", "9,FIO"),
    )
    FIOTestnet = _testnet(
        FIO,
        "b20901380af44ef59c5918439a1f9a41d83669020319a80574b804a5f95cbd7e",
        "https://fiotestnet.greymass.com",
    )
    Libre = _chain(
        "38b1d7815474d0c60683ecbea321d723e83f5da6ae5f1c1f9fecc69d9ba96465",
        "https://libre.greymass.com",
        "Libre",
        logo="libre",
        explorer="https://www.libreblocks.io/tx/",
    )
    LibreTestnet = _testnet(
        Libre,
        "b64646740308df2ee06c6b72f34c0f7fa066d940e831f752db2006fcc2b78dee",
        "https://libretestnet.greymass.com",
    )
    UX = _chain(
        "8fc6dce7942189f842170de953932b1f66693ad3788f766e777b6f9d22335c02",
        "https://api.uxnetwork.io",
        "UX Network",
        logo="ux",
        explorer="https://explorer.uxnetwork.io/tx/",
        token=("eosio.token", "4,UTX"),
    )

    @classmethod
    def all(cls) -> list[ChainDefinition]:
        """Every well-known chain once (aliases such as ``Kylin`` are not repeated)."""
        return list({c.id: c for c in _definitions(cls)}.values())

    @classmethod
    def by_id(cls, chain_id: Checksum256 | str) -> ChainDefinition | None:
        """The well-known chain with this id, if any."""
        wanted = Checksum256(chain_id)
        return next((c for c in _definitions(cls) if c.id == wanted), None)


def _definitions(namespace: type) -> Iterator[ChainDefinition]:
    for value in vars(namespace).values():
        if isinstance(value, ChainDefinition):
            yield value
