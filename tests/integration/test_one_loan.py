"""One loan of a portfolio (``overdue loan state --data --loan``) is the loan the nightly run
accepted: the same rows as the whole portfolio loaded at once, rejected rows of the loan (and
rows another loan's first use of an id shuts out) left out, and a rejected loan named with why.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from tests.integration.test_portfolio_load import (
    EVENTS,
    INSTALLMENTS,
    LOANS,
    PAYMENTS,
    as_parquet,
    write,
)

from overdue.portfolio.frames import loan_from_tables
from overdue.portfolio.load import LoadedPortfolio, load_portfolio
from overdue.portfolio.one_loan import LoanNotAccepted, accepted_loan
from overdue.portfolio.synth import synthesize

pytestmark = pytest.mark.integration

AS_OF = dt.date(2026, 11, 20)


def whole(data: Path, tmp_path: Path) -> LoadedPortfolio:
    return load_portfolio(
        data, as_of=AS_OF, rejects_dir=tmp_path / "whole-rejects", max_reject_ratio=Decimal(1)
    )


def from_whole(loaded: LoadedPortfolio, loan_id: str) -> object:
    return loan_from_tables(
        loaded.loans, loaded.payments, loaded.events, loan_id, loaded.installments
    )


@pytest.fixture(params=["csv", "parquet"])
def messy(tmp_path: Path, request: pytest.FixtureRequest) -> Path:
    # L2's payment P1 is shut out by L1's earlier P1; " L2 " (spaces) is L2; L3 is rejected
    payments = PAYMENTS + "P8, L2 ,2024-07-03,2.00\n"
    data = write(
        tmp_path / "csv", loans=LOANS, payments=payments, installments=INSTALLMENTS, events=EVENTS
    )
    if request.param == "parquet":
        data = as_parquet(data, tmp_path / "parquet", {"term_months": pa.int32()})
    return data


def test_each_accepted_loan_is_the_one_loaded_with_the_whole_portfolio(
    messy: Path, tmp_path: Path
) -> None:
    loaded = whole(messy, tmp_path)
    for loan_id in ("L1", "L2"):
        loan = accepted_loan(messy, loan_id, AS_OF)
        assert loan == from_whole(loaded, loan_id)
    l2 = accepted_loan(messy, "L2", AS_OF)
    assert [p.amount for p in l2.payments] == [Decimal("0.5"), Decimal("2.00")]  # not P1's 1.00


def test_a_rejected_loan_is_named_with_its_reasons_and_an_unknown_one_as_such(
    messy: Path,
) -> None:
    suffix = messy.name  # csv or parquet: the file names the reasons give
    file = f"loans.{suffix}"
    with pytest.raises(LoanNotAccepted) as err:
        accepted_loan(messy, "L3", AS_OF)
    assert err.value.reasons == [f"{file} row 3: principal: must be positive"]
    with pytest.raises(LoanNotAccepted) as err:
        accepted_loan(messy, "L99", AS_OF)
    assert err.value.reasons == []
    assert "no row of the loans table has this loan_id" in str(err.value)


def test_loans_of_a_synthetic_portfolio_in_several_files_equal_the_whole_load(
    tmp_path: Path,
) -> None:
    data = tmp_path / "synth"
    synthesize(600, data, seed=11, as_of=AS_OF)
    # split the payments into two files (their order kept) to read across files
    payments = sorted((data / "payments").glob("*.parquet"))
    table = pa.concat_tables(pq.read_table(p) for p in payments)
    for p in payments:
        p.unlink()
    half = table.num_rows // 2
    pq.write_table(table.slice(0, half), data / "payments" / "a.parquet", row_group_size=500)
    pq.write_table(table.slice(half), data / "payments" / "b.parquet", row_group_size=500)
    loaded = whole(data, tmp_path)
    ids = loaded.loans["loan_id"].to_pylist()
    for loan_id in random.Random(5).sample(ids, 8):
        assert accepted_loan(data, loan_id, AS_OF) == from_whole(loaded, loan_id), loan_id


def test_a_loan_rejected_as_read_is_named_with_its_reason(tmp_path: Path) -> None:
    """A CSV record with the wrong number of cells or with text that is not UTF-8 never
    becomes a row; its loan is still named with the reason (it read as unknown)."""
    data = write(tmp_path / "p", loans=LOANS, payments=PAYMENTS)
    with (data / "loans.csv").open("ab") as fh:
        fh.write(b"L9,B9,100.00,2024-01-01,1,bullet\n")  # two cells short
        fh.write(b"L10," + "张三".encode("gbk") + b",100.00,2024-01-01,1,bullet,0.1,\n")
    with pytest.raises(LoanNotAccepted) as err:
        accepted_loan(data, "L9", AS_OF)
    assert err.value.reasons == ["loans.csv row 10: (row): expected 8 columns, found 6"]
    with pytest.raises(LoanNotAccepted) as err:
        accepted_loan(data, "L10", AS_OF)
    (reason,) = err.value.reasons
    assert reason.startswith("loans.csv row 11: borrower_id: not UTF-8 text")
