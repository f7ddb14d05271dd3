"""The portfolio input schema as data: consistent with the contract enums and with its document."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pytest

from overdue.ledger.contract import (
    DEFAULT_ORDER,
    AllocationBy,
    Component,
    DayCount,
    EventKind,
    LenderType,
    RateUnit,
    RepaymentMethod,
)
from overdue.portfolio.frames import EVENTS_SCHEMA, LOANS_SCHEMA, PAYMENTS_SCHEMA
from overdue.portfolio.schema import (
    DEFAULT_ALLOCATION_ORDER,
    LOADED_TABLES,
    NORMALIZED,
    TABLES,
    Kind,
    schema_json,
    schema_text,
    table,
)

pytestmark = pytest.mark.unit

DOC = Path(__file__).parents[2] / "docs" / "portfolio-schema.md"


def test_the_document_is_the_printed_schema() -> None:
    assert DOC.read_text(encoding="utf-8") == schema_text(), (
        "regenerate: python -c 'from overdue.portfolio.schema import schema_text; "
        'print(schema_text(), end="")\' > docs/portfolio-schema.md'
    )


def test_choices_are_the_contract_enums() -> None:
    loans = table("loans")
    assert loans.column("method").choices == tuple(m.value for m in RepaymentMethod)
    assert loans.column("rate_unit").choices == tuple(u.value for u in RateUnit)
    assert loans.column("day_count").choices == tuple(d.value for d in DayCount)
    assert loans.column("allocation_by").choices == tuple(a.value for a in AllocationBy)
    assert loans.column("lender_type").choices == tuple(t.value for t in LenderType)
    kinds = table("events").column("kind").choices
    assert kinds[:3] == tuple(k.value for k in EventKind)  # the ones that restart limitation


def test_defaults_are_the_contract_defaults() -> None:
    loans = table("loans")
    assert loans.column("allocation_order").default == DEFAULT_ALLOCATION_ORDER
    assert DEFAULT_ALLOCATION_ORDER.split(",") == [c.value for c in DEFAULT_ORDER]
    assert sorted(DEFAULT_ALLOCATION_ORDER.split(",")) == sorted(c.value for c in Component)
    defaults = {c.name: c.default for c in loans.columns if c.default is not None}
    assert defaults == {
        "rate_unit": "annual",
        "day_count": "ACT/360",
        "penalty_markup": "0.5",
        "compound": "false",
        "upfront_fee": "0",
        "upfront_fee_deducted": "false",
        "service_fee": "0",
        "late_fee_rate": "0",
        "late_fee_min": "0",
        "allocation_order": DEFAULT_ALLOCATION_ORDER,
        "allocation_by": "component",
        "lender_type": "licensed",
    }


def test_required_columns_have_no_default_and_choices_belong_to_choice_columns() -> None:
    for t in TABLES:
        for c in t.columns:
            assert not (c.required and c.default is not None), (t.name, c.name)
            assert bool(c.choices) == (c.kind is Kind.CHOICE), (t.name, c.name)
            if c.choices and c.default is not None:
                assert c.default in c.choices, (t.name, c.name)


def test_column_names_are_unique_within_each_table() -> None:
    for t in TABLES:
        assert len(set(t.column_names)) == len(t.column_names), t.name


def test_each_normalized_column_comes_from_an_input_column() -> None:
    for name in LOADED_TABLES:
        inputs = set(table(name).column_names)
        for f in NORMALIZED[name]:
            if f.name == "source_row":
                continue
            source = f.name.removesuffix("_fen")
            assert source in inputs, (name, f.name)
            kind = table(name).column(source).kind
            assert (kind is Kind.AMOUNT) == f.name.endswith("_fen"), (name, f.name)
            assert (kind is Kind.AMOUNT) == (f.type == pa.int64() and f.name != "source_row")


def test_only_optional_columns_without_a_default_are_nullable() -> None:
    for name in LOADED_TABLES:
        for f in NORMALIZED[name]:
            if f.name == "source_row":
                assert not f.nullable
                continue
            c = table(name).column(f.name.removesuffix("_fen"))
            assert f.nullable == (not c.required and c.default is None), (name, f.name)


def test_the_normalized_tables_are_what_the_batch_engine_reads() -> None:
    # overdue.portfolio.frames writes the same tables for the differential test.
    for ours, theirs in (
        (NORMALIZED["loans"], LOANS_SCHEMA),
        (NORMALIZED["payments"], PAYMENTS_SCHEMA),
        (NORMALIZED["events"], EVENTS_SCHEMA),
    ):
        mine = {f.name: f.type for f in ours}
        assert {f.name: f.type for f in theirs}.items() <= mine.items()


def test_schema_json_lists_every_table_and_column() -> None:
    doc = json.loads(schema_json())
    assert [t["name"] for t in doc["tables"]] == [t.name for t in TABLES]
    loans = doc["tables"][0]
    assert loans["required"] is True
    assert loans["loaded"] is True
    principal = next(c for c in loans["columns"] if c["name"] == "principal")
    assert principal == {
        "name": "principal",
        "kind": "amount",
        "required": True,
        "default": None,
        "choices": [],
        "rule": "> 0, at most 100,000,000",
    }
    assert doc["tables"][-1]["loaded"] is False  # borrowers
    assert doc["normalized"]["payments"]["sorted_by"] == "loan_id, paid_on, payment_id"


def test_the_printed_schema_names_every_column_and_reject_convention() -> None:
    text = schema_text()
    for t in TABLES:
        assert f"## {t.name}" in text
        for c in t.columns:
            assert f"| {c.name} |" in text
    for phrase in ("unknown loan id", "loan rejected", "first at row", "summary.json", "0.05"):
        assert phrase in text


# Row numbering is part of the documented contract: `row` counts records, skipped or not.


def test_row_numbers_skip_the_records_that_did_not_parse() -> None:
    from overdue.portfolio.load import _row_numbers

    assert _row_numbers(3, []).tolist() == [1, 2, 3]
    # Records 2 and 4 had the wrong number of cells: the parsed ones are records 1, 3, 5, 6.
    assert _row_numbers(4, [4, 2]).tolist() == [1, 3, 5, 6]
    assert _row_numbers(2, [1, 2]).tolist() == [3, 4]
    assert _row_numbers(0, [1]).tolist() == []
