"""The service around the answers: health, OpenAPI, no CDN, headers, no cookies, limits."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

pytestmark = pytest.mark.integration

PAGES = ("/", "/owe", "/caseno", "/message", "/deadline", "/plan")
ENDPOINTS = ("apr", "apr-contract", "claim", "case-number", "message", "deadline", "plan", "letter")


def test_healthz_answers_ok(client: TestClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_openapi_lists_every_borrower_endpoint_with_its_request_model(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    for name in ENDPOINTS:
        operation = spec["paths"][f"/api/borrower/{name}"]["post"]
        body = operation["requestBody"]["content"]["application/json"]["schema"]
        assert "$ref" in body
        assert "422" in operation["responses"]
    # Money is a decimal string in the contract, never a JSON number.
    received = spec["components"]["schemas"]["AprQuestion"]["properties"]["received"]
    assert received["type"] == "string"


@pytest.mark.parametrize("path", ["/redoc", "/docs/oauth2-redirect"])
def test_swagger_and_redoc_are_off_because_they_load_from_a_cdn(
    client: TestClient, path: str
) -> None:
    assert client.get(path).status_code == 404


def test_docs_is_a_local_page_listing_every_endpoint_and_request_field(
    client: TestClient,
) -> None:
    response = client.get("/docs")
    assert response.status_code == 200
    html = response.text
    assert "<script" not in html
    assert "swagger" not in html.lower()
    assert "cdn" not in html.lower()
    for url in re.findall(r'(?:src|href)="([^"]*)"', html):
        assert url.startswith(("/", "#")), url
    spec = client.get("/openapi.json").json()
    for path in spec["paths"]:
        assert f"<code>{path}</code>" in html
    # Nested models are described too, with their Chinese titles.
    assert 'id="PaymentIn"' in html
    assert "<td><code>first_on</code></td><td>第一期还款日" in html
    # The claim's overdue terms are the claim's, not the contract-APR's.
    contract = html[html.index('id="ContractAprQuestion"') : html.index('id="ClaimQuestion"')]
    assert "penalty_rate" not in contract


@pytest.mark.parametrize("path", PAGES)
def test_pages_are_chinese_mobile_ready_and_load_nothing_from_elsewhere(
    client: TestClient, path: str
) -> None:
    response = client.get(path)
    assert response.status_code == 200
    html = response.text
    assert '<html lang="zh-CN">' in html
    assert 'name="viewport" content="width=device-width, initial-scale=1"' in html
    # Every src/href is a path on this server (or a fragment).
    for url in re.findall(r'(?:src|href|action)="([^"]*)"', html):
        assert url.startswith(("/", "#")), url
        assert not url.startswith("//"), url
    assert "<script" not in html  # forms work without JavaScript


@pytest.mark.parametrize("path", [*PAGES, "/healthz", "/openapi.json", "/static/style.css"])
def test_no_cookie_is_set_and_the_browser_may_fetch_only_from_here(
    client: TestClient, path: str
) -> None:
    response = client.get(path)
    assert "set-cookie" not in response.headers
    csp = response.headers["content-security-policy"]
    assert "default-src 'self'" in csp
    assert "form-action 'self'" in csp
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["referrer-policy"] == "no-referrer"


def test_static_files_come_from_the_package(client: TestClient) -> None:
    css = client.get("/static/style.css")
    assert css.status_code == 200
    assert css.headers["content-type"].startswith("text/css")
    assert "@import" not in css.text
    assert "url(http" not in css.text
    assert client.get("/static/favicon.svg").status_code == 200


def test_unknown_page_is_a_chinese_404(client: TestClient) -> None:
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "没有这个页面" in response.text
    api = client.get("/api/borrower/no-such-thing")
    assert api.status_code == 404
    assert api.json()["detail"] == "没有这个页面。"


def test_wrong_method_is_a_chinese_405(client: TestClient) -> None:
    response = client.get("/api/borrower/apr")
    assert response.status_code == 405
    assert "不支持" in response.json()["detail"]


LIMIT = 64 * 1024


@pytest.mark.parametrize("path", [f"/api/borrower/{name}" for name in ENDPOINTS])
def test_a_body_over_64_kb_is_refused_with_413_in_chinese(client: TestClient, path: str) -> None:
    body = json.dumps({"text": "催" * LIMIT}).encode()
    response = client.post(path, content=body, headers={"content-type": "application/json"})
    assert response.status_code == 413
    data = response.json()
    assert "64 KB" in data["detail"]
    assert data["errors"][0]["field"] == "body"


def test_a_chunked_body_without_length_is_limited_too(client: TestClient) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"text": "'
        for _ in range(20):
            yield b"x" * 4096
        yield b'"}'

    response = client.post(
        "/api/borrower/message", content=chunks(), headers={"content-type": "application/json"}
    )
    assert response.status_code == 413


def test_a_body_just_under_the_limit_is_read(client: TestClient) -> None:
    # 5,000 characters is the message's own limit: the body is parsed and the field named.
    body = json.dumps({"text": "x" * 60_000}).encode()
    assert len(body) < LIMIT
    response = client.post(
        "/api/borrower/message", content=body, headers={"content-type": "application/json"}
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "text"
    assert "最多 5000 个字" in response.json()["errors"][0]["message"]


@pytest.mark.parametrize(
    "path", ["/caseno", "/message", "/owe/apr", "/owe/contract", "/owe/claim", "/plan"]
)
def test_an_oversized_form_gets_a_chinese_413_page(client: TestClient, path: str) -> None:
    response = client.post(path, data={"text": "催" * LIMIT})
    assert response.status_code == 413
    assert response.headers["content-type"].startswith("text/html")
    assert "提交的内容太大了" in response.text


def test_a_crash_is_a_chinese_500_and_the_log_never_quotes_the_input(
    caplog: pytest.LogCaptureFixture,
) -> None:
    from overdue.web.app import create_app

    app = create_app()

    @app.post("/api/boom")
    def boom(payload: dict[str, str]) -> None:
        raise RuntimeError(f"cannot handle {payload['secret']}")

    with TestClient(app, raise_server_exceptions=False) as test_client:
        response = test_client.post("/api/boom", json={"secret": "借款人身份证110101199001011234"})
    assert response.status_code == 500
    assert response.json()["detail"] == "服务器出了问题，您的输入没有被保存。请稍后再试。"
    assert response.headers["content-security-policy"].startswith("default-src 'self'")
    assert "RuntimeError" in caplog.text
    assert "110101199001011234" not in caplog.text


@pytest.mark.parametrize(
    ("path", "target"),
    [
        ("/owe/apr", "/owe#apr"),
        ("/owe/contract", "/owe#contract"),
        ("/owe/claim", "/owe#claim"),
        ("/plan/letter", "/plan"),
    ],
)
def test_a_result_address_opened_again_leads_back_to_its_form(
    client: TestClient, path: str, target: str
) -> None:
    response = client.get(path, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == target


def test_a_folded_box_opens_when_it_holds_a_value_or_an_error(client: TestClient) -> None:
    folded = client.get("/caseno").text
    assert '<details class="more">' in folded
    answered = client.post(
        "/caseno", data={"text": "（2024）浙0192民初1779号", "as_of": "2026-11-23"}
    )
    assert '<details class="more" open>' in answered.text
    wrong = client.post(
        "/owe/claim",
        data={"principal": "1", "disbursed_on": "2025-01-01", "term_months": "1", "rate": "1%",
              "claimed_items.interest": "x"},
    )  # fmt: skip
    assert wrong.status_code == 422
    assert '<details class="more" open>' in wrong.text


def test_the_body_limit_is_a_parameter_of_the_app_and_its_message_says_it() -> None:
    from overdue.web.app import create_app

    with TestClient(create_app(max_body_bytes=100)) as small:
        ok = small.post("/api/borrower/case-number", json={"text": "（2024）浙0192民初1779号"})
        assert ok.status_code == 200
        refused = small.post("/api/borrower/case-number", json={"text": "x" * 200})
    assert refused.status_code == 413
    assert refused.json()["detail"] == "提交的内容太大了：最多 100 字节。请删去一些内容后再试。"
