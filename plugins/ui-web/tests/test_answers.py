"""Whatever a page (or anyone holding the token) posts as an answer is refused with a 4xx or
delivered as it was sent: never a server error, never an answer to another question."""

from __future__ import annotations

import json
from typing import Any

import anyio
import httpx
from hypothesis import given, settings
from hypothesis import strategies as st
from sessionkit_ui_web._app import create_app
from sessionkit_ui_web._hub import Hub


async def _request(host: Any, method: str, path: str, **options: Any) -> int:
    transport = httpx.ASGITransport(app=create_app(host))
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:1") as http:
        return (await http.request(method, path, **options)).status_code


def request(host: Any, method: str, path: str, **options: Any) -> int:
    """The status of one request to the page's app (in-process, no server)."""
    return anyio.run(lambda: _request(host, method, path, **options))


class Host:
    def __init__(self) -> None:
        self.hub: Hub | None = Hub(close_grace=3, open_timeout=30)
        self.allowed_hosts: frozenset[str] | None = None


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=8,
)
ANSWERS = st.fixed_dictionaries(
    {},
    optional={
        "q": st.text(max_size=12) | JSON,
        "action": st.sampled_from(["accept", "decline", "choose", "back", "_failed"]) | JSON,
        "value": JSON,
    },
)


@settings(max_examples=150, deadline=None)
@given(body=st.binary(max_size=200) | ANSWERS.map(json.dumps), asked=st.booleans())
def test_any_body_is_refused_or_delivered_as_sent(body: Any, asked: bool) -> None:
    host = Host()
    hub = host.hub
    assert hub is not None
    question, mailbox = hub.new_question()
    if not asked:
        hub.forget(question)
    raw = body if isinstance(body, bytes) else body.replace('"q": "', f'"q": "{question}', 1)
    status = request(
        host,
        "POST",
        f"/{hub.token}/answer",
        content=raw,
        headers={"content-type": "application/json"},
    )
    assert status in (204, 400, 409, 413), status
    if status == 204:
        sent = json.loads(raw)
        (delivered,) = mailbox.items
        assert delivered == {"action": sent["action"], "value": sent.get("value")}
        assert isinstance(delivered["action"], str)
        assert not isinstance(delivered["value"], dict | list | float)
    else:
        assert not mailbox.items


def test_an_oversized_or_non_json_answer_is_refused() -> None:
    host = Host()
    hub = host.hub
    assert hub is not None
    question, mailbox = hub.new_question()
    url = f"/{hub.token}/answer"
    big = json.dumps({"q": question, "action": "accept", "value": "x" * 5000})
    headers = {"content-type": "application/json"}
    assert request(host, "POST", url, content=big, headers=headers) == 413
    assert request(host, "POST", url, data={"q": question, "action": "accept"}) == 415
    assert request(host, "GET", url) == 405
    assert not mailbox.items
