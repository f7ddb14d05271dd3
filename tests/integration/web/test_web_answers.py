"""Each borrower endpoint answers a realistic question, and the page shows the same answer.

Synthetic data only. Expected figures are worked out here by hand or by an independent
computation (stated next to each), not by calling the code under test.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from starlette.testclient import TestClient

pytestmark = pytest.mark.integration

API = "/api/borrower/"


def ask(client: TestClient, endpoint: str, body: dict[str, Any]) -> dict[str, Any]:
    response = client.post(API + endpoint, json=body)
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()
    assert data["summary"]
    assert isinstance(data["lines"], list)
    return data


def verdict_on_page(html: str) -> str:
    match = re.search(r'<h2 class="verdict">([^<]*)</h2>', html)
    assert match, html[:2000]
    return match[1]


# -- 这条催收短信合法吗 ------------------------------------------------------------------------

THREAT = "你已被立案，今天不还款将上门并通知你的家人和单位。"
FRAUD = "【XX法院】您已被起诉，请于今日将欠款转入以下个人账户 6222 0000 1111 2222。"
POLITE = "尊敬的客户，您在本平台的借款已逾期5天，应还1,234.56元，请于本月20日前通过官方APP还款。"


def test_a_threat_to_tell_family_and_employer_at_night_is_abusive(client: TestClient) -> None:
    data = ask(
        client,
        "message",
        {"text": THREAT, "received_at": "2025-01-15T23:30", "as_of": "2025-01-16"},
    )
    assert data["verdict"] == "abusive"
    codes = {flag["code"] for flag in data["flags"]}
    # Telling relatives and the employer (third parties), and 23:30 is inside 22:00-08:00.
    assert {"THIRD_PARTY_CONTACT", "QUIET_HOURS"} <= codes
    assert all(flag["basis"] for flag in data["flags"])
    assert data["advice"]
    assert data["received_at"] == "2025-01-15T23:30:00"


def test_the_same_message_at_noon_has_no_quiet_hours_flag(client: TestClient) -> None:
    data = ask(client, "message", {"text": THREAT, "received_at": "2025-01-15T12:00"})
    assert "QUIET_HOURS" not in {flag["code"] for flag in data["flags"]}


def test_paying_into_a_personal_account_is_fraud(client: TestClient) -> None:
    data = ask(client, "message", {"text": FRAUD, "as_of": "2025-01-16"})
    assert data["verdict"] == "fraud"


def test_a_polite_reminder_is_lawful(client: TestClient) -> None:
    data = ask(client, "message", {"text": POLITE, "as_of": "2025-01-16"})
    assert data["verdict"] == "lawful"
    assert data["flags"] == []


def test_the_message_page_puts_the_verdict_first_then_why_then_what_to_do(
    client: TestClient,
) -> None:
    api = ask(client, "message", {"text": THREAT, "received_at": "2025-01-15T23:30"})
    page = client.post("/message", data={"text": THREAT, "received_at": "2025-01-15T23:30"})
    assert page.status_code == 200
    html = page.text
    assert verdict_on_page(html) == api["summary"]
    verdict, why, todo = (html.index(s) for s in ('class="verdict"', "问题在哪里", "您可以这样做"))
    assert verdict < why < todo
    assert 'class="answer tone-bad"' in html
    assert html.index('id="answer"') < html.index("<form")  # the answer above the form
    assert THREAT in html  # the text stays in the box to correct and resubmit
