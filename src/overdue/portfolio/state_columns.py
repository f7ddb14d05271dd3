"""The columns of ``loan_state.parquet``: one row per loan, every field of ``overdue loan state``.

Money is ``decimal128(18, 2)`` (exact yuan with two places), rates ``decimal128(12, 6)``, dates
``date32``. The names match the JSON of ``overdue loan state`` where the two overlap; the nested
``cap``, ``claimable`` and ``limitation`` objects are flattened with a prefix.
"""

from __future__ import annotations

import pyarrow as pa

__all__ = ["LOAN_STATE_SCHEMA", "MONEY", "RATE"]

MONEY = pa.decimal128(18, 2)
RATE = pa.decimal128(12, 6)

LOAN_STATE_SCHEMA = pa.schema(
    [
        ("loan_id", pa.string()),
        ("as_of", pa.date32()),
        ("borrower_id", pa.string()),
        ("product_id", pa.string()),
        ("disbursed_on", pa.date32()),
        ("term_months", pa.int32()),
        ("method", pa.string()),
        ("lender_type", pa.string()),
        # the amount lent: the contract's principal less an upfront fee withheld from it
        # (upfront_fee_deducted, 民法典 Art. 670); the contract's own figure is in loans
        ("principal", MONEY),
        ("dpd", pa.int32()),
        ("bucket", pa.string()),
        ("outstanding_principal", MONEY),
        ("overdue_principal", MONEY),
        ("overdue_interest", MONEY),
        ("penalty_interest", MONEY),
        ("compound_interest", MONEY),
        ("fees", MONEY),
        ("total_due", MONEY),
        ("credit", MONEY),
        ("cap_profile", pa.string()),
        ("cap_rate", RATE),  # null when the profile is "none"
        ("annual_rate", RATE),
        ("charged", MONEY),
        ("allowed", MONEY),  # null when the profile is "none"
        ("excess", MONEY),
        ("claimable_total", MONEY),
        ("claimable_late_fee", MONEY),
        ("claimable_service_fee", MONEY),
        ("claimable_penalty", MONEY),
        ("claimable_compound", MONEY),
        ("claimable_interest", MONEY),
        ("claimable_principal", MONEY),
        ("limitation_starts_on", pa.date32()),
        ("limitation_expires_on", pa.date32()),
        # three years on, before a last day on a rest day moves to the next working day
        ("limitation_nominal_expires_on", pa.date32()),
        ("limitation_calendar_covered", pa.bool_()),
        ("limitation_started_by", pa.string()),
        ("next_due_date", pa.date32()),
        ("next_due_amount", MONEY),
        ("last_payment_date", pa.date32()),
        ("last_payment_amount", MONEY),
        ("paid_total", MONEY),
    ]
)
