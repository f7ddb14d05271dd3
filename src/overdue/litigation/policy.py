"""The selection policy (POLICY.yaml) and the plaintiff's particulars (PLAINTIFF.yaml).

Both are data an operator edits; ``examples/POLICY.yaml`` and ``examples/PLAINTIFF.yaml`` show
every field with a comment. The defaults here are what a careful legal team would start from;
those resting on practice rather than a rule (recovery rates, costs) are policy, and say so.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from overdue.ledger.contract import LenderType
from overdue.ledger.engine import BUCKETS
from overdue.litigation.config import load_yaml_model

__all__ = [
    "Agent",
    "BatchSmall",
    "Plaintiff",
    "Policy",
    "Priority",
    "Product",
    "Recovery",
    "load_plaintiff",
    "load_policy",
]

Money = Annotated[Decimal, Field(ge=0, max_digits=14, decimal_places=2)]
Share = Annotated[Decimal, Field(ge=0, le=1)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Priority(StrEnum):
    EXPECTED_RECOVERY = "expected_recovery"
    CLAIM_TOTAL = "claim_total"
    DPD = "dpd"


class AboveSmallClaims(StrEnum):
    SIMPLIFIED = "simplified"
    ORDINARY = "ordinary"


class Recovery(_Model):
    """Expected recovery = claim total x rate of the account's bucket - court fee - costs.

    The rates are the lender's own experience (a policy default, not a rule of law)."""

    rate_by_bucket: dict[str, Share] = Field(
        default_factory=lambda: {
            "M1": Decimal("0.45"),
            "M2": Decimal("0.40"),
            "M3": Decimal("0.35"),
            "M4": Decimal("0.30"),
            "M5": Decimal("0.25"),
            "M6+": Decimal("0.20"),
        }
    )
    cost_per_case: Money = Decimal("300")  # service, filing desk, lawyer's per-case fee
    fee_counts: bool = True  # the acceptance fee is advanced by the plaintiff

    @field_validator("rate_by_bucket")
    @classmethod
    def _buckets(cls, v: dict[str, Decimal]) -> dict[str, Decimal]:
        unknown = sorted(set(v) - set(BUCKETS[1:]))
        if unknown:
            raise ValueError(f"unknown bucket {unknown[0]!r}; buckets are {', '.join(BUCKETS[1:])}")
        missing = sorted(set(BUCKETS[1:]) - set(v))
        if missing:
            raise ValueError(f"no rate for bucket {missing[0]!r}")
        return v


class BatchSmall(_Model):
    """Smaller accounts join a court's batch once that batch is big enough to carry them."""

    min_claim: Money = Decimal("1000")
    court_batch_at_least: int = Field(20, ge=1)


class Policy(_Model):
    """Which delinquent accounts are sued. Every rule is evaluated for every account."""

    min_dpd: int = Field(90, ge=1)
    min_claim: Money = Decimal("3000")
    lender_types: tuple[LenderType, ...] = (LenderType.LICENSED, LenderType.PRIVATE)
    limitation_margin_days: int = Field(90, ge=0)
    exclude_open_dispute: bool = True
    exclude_active_promise: bool = True
    exclude_active_plan: bool = True
    exclude_paused: bool = True
    exclude_already_sued: bool = True
    require_name: bool = True
    require_id_number: bool = True
    require_address: bool = True
    recovery: Recovery = Field(default_factory=Recovery)
    accelerate: bool = True  # claim principal not yet due (宣布提前到期, per the contract)
    small_claims: bool = True  # small-claims procedure when the claim is under the threshold
    small_claims_thresholds: dict[str, Money] = Field(default_factory=dict)  # 浙: 54323
    above_small_claims: AboveSmallClaims = AboveSmallClaims.SIMPLIFIED
    priority: Priority = Priority.EXPECTED_RECOVERY
    max_accounts: int | None = Field(None, ge=1)
    max_per_court: int | None = Field(None, ge=1)
    batch_small: BatchSmall | None = None

    @classmethod
    def default(cls) -> Policy:
        return cls()


class Product(_Model):
    """What the standard-form contract of one product says (the same for all its loans)."""

    contract_name: str = "《个人消费贷款合同》"
    contract_no_prefix: str = "HT"
    agreed_court: str | None = None  # court code, e.g. 浙0192; None: no jurisdiction clause
    agreed_court_clause: str = ""  # the clause as written, quoted in the complaint
    # How the clause was brought to the borrower's attention (民诉解释 Art. 31), e.g.
    # 在借款页面以加粗字体提示并经借款人单独勾选确认; "": not shown, the clause is not relied on.
    agreed_court_notice: str = ""
    signed_online: bool = True  # signed and performed on the internet (法释〔2018〕16号 Art. 2)
    # The contract's 提前到期 clause as written; "" (the default): the plaintiff states none,
    # and principal not yet due is not claimed even when the policy accelerates (without a
    # clause, calling the loan early would rest on rescission, 民法典 Art. 563, which the
    # complaint does not plead)
    acceleration_clause: str = ""
    penalty_clause: str = "逾期后按借款利率上浮50%计收罚息"
    fees_clause: str = ""

    @field_validator("agreed_court")
    @classmethod
    def _known_court(cls, code: str | None) -> str | None:
        from overdue.rules.courts import lookup_court

        if code is not None and lookup_court(code) is None:
            raise ValueError(f"no court with the code {code} in the court table")
        return code

    def relies_on_notice(self) -> bool:
        """Its loans are filed at the agreed court on the strength of the clause's notice."""
        return bool(self.agreed_court and self.agreed_court_notice)


class Party(_Model):
    name: str = Field(min_length=2)
    uscc: str = Field(pattern=r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")
    address: str = Field(min_length=4)
    county_code: str = Field(pattern=r"^\d{6}$")  # the plaintiff's domicile, for 合同履行地
    legal_rep: str = Field(min_length=2)
    legal_rep_title: str = "董事长"
    phone: str = Field(min_length=5)
    service_address: str = ""
    email: str = ""


class Agent(_Model):
    name: str = Field(min_length=2)
    firm: str = Field(min_length=4)
    license_no: str = Field(min_length=5)
    phone: str = Field(min_length=5)
    address: str = Field(min_length=4)
    authority_items: tuple[str, ...] = (
        "代为起诉",
        "代为承认、放弃、变更诉讼请求",
        "代为进行和解、调解",
        "代为提起上诉",  # 民事诉讼法 Art. 62: special authority, as are the three above
        "代为签收法律文书",
        "代为申请财产保全及强制执行",
    )


# File types a scan of a certificate may come in (copied as they are).
SCAN_SUFFIXES = (".pdf", ".jpg", ".jpeg", ".png")
# The scans of Materials, in filing order, and what a filing desk calls each.
SCANS: dict[str, str] = {
    "business_licence": "营业执照副本复印件",
    "lawyer_licence": "律师执业证复印件",
    "legal_rep_id": "法定代表人身份证复印件",
}
SCAN_FIELDS = tuple(SCANS)


class Materials(_Model):
    """Scans the operator files with every case (登记立案规定 Art. 6: the plaintiff's proof of
    standing, its legal representative's identity card and the lawyer's certificate), copied
    into each account's folder. A path relative
    to PLAINTIFF.yaml is read from beside it; None: to be supplied at filing (the build lists
    it in batch.json and says so)."""

    business_licence: Path | None = None  # 营业执照副本复印件（加盖公章）
    lawyer_licence: Path | None = None  # 律师执业证复印件
    legal_rep_id: Path | None = None  # 法定代表人身份证复印件 (the certificate's attachment)
    # True: a scan not named stops the build before anything is written (production use);
    # False: the build goes on and lists it as to be supplied at filing.
    required: bool = False

    def scans(self) -> dict[str, Path | None]:
        """The scan fields and their paths (``required`` is not a scan)."""
        return {k: getattr(self, k) for k in SCAN_FIELDS}

    @field_validator(*SCAN_FIELDS)
    @classmethod
    def _scan(cls, path: Path | None) -> Path | None:
        if path is not None and path.suffix.lower() not in SCAN_SUFFIXES:
            raise ValueError(f"a scan must be one of {', '.join(SCAN_SUFFIXES)}, not {path.name}")
        return path


class Plaintiff(_Model):
    """The lender that sues and the law firm that files (PLAINTIFF.yaml)."""

    plaintiff: Party
    # licensed: a bank, consumer-finance or small-loan company (金融借款合同纠纷, the licensed
    # cap); private: any other lender (民间借贷纠纷, 4x the LPR). Only loans of this type can
    # be sued in its name: the build refuses others (a licensed lender's loan recorded as
    # private would be claimed and styled as private lending).
    lender_type: LenderType = LenderType.LICENSED
    agent: Agent
    products: dict[str, Product] = Field(default_factory=dict)
    default_product: Product = Field(default_factory=Product)
    filing_date: dt.date | None = None  # 具状日期; None: the selection's as-of date
    preservation_requested: bool = False
    mediation_willing: bool = True
    econtract_dir: Path | None = None  # {loan_id}.pdf stored e-contracts, referenced by SHA-256
    # {loan_id}.pdf/.png/.jpg: the record of how the jurisdiction clause was brought to the
    # borrower's attention (the signing page, the tick), for loans filed at the agreed court.
    notice_dir: Path | None = None
    # {borrower_id}.pdf/.png/.jpg: the defendant's identity card as the lender holds it (KYC),
    # filed with every case as 10-被告身份证复印件.
    id_copy_dir: Path | None = None
    materials: Materials = Field(default_factory=Materials)

    def products_json(self) -> dict[str, Any]:
        """The products' terms as JSON values: what a selection records (selection.json
        ``plaintiff_products``) and a build compares with its own."""
        data: dict[str, Any] = json.loads(
            self.model_dump_json(include={"products", "default_product"})
        )
        return data

    def product(self, product_id: str | None) -> Product:
        return self.products.get(product_id or "", self.default_product)


def load_policy(path: Path | None) -> Policy:
    """POLICY.yaml, or the default policy when ``path`` is None."""
    return Policy.default() if path is None else load_yaml_model(Policy, path)


def load_plaintiff(path: Path) -> Plaintiff:
    """PLAINTIFF.yaml; the paths it names are read relative to its own folder."""
    p = load_yaml_model(Plaintiff, path)

    def beside(f: Path | None) -> Path | None:
        return None if f is None else path.parent / f

    materials = p.materials.model_copy(
        update={k: beside(f) for k, f in p.materials.scans().items()}
    )
    return p.model_copy(
        update={
            "econtract_dir": beside(p.econtract_dir),
            "notice_dir": beside(p.notice_dir),
            "id_copy_dir": beside(p.id_copy_dir),
            "materials": materials,
        }
    )


def example_file(name: str) -> Path:
    """The packaged example (``POLICY.yaml`` or ``PLAINTIFF.yaml``; also in ``examples/``)."""
    return Path(__file__).parent / "examples" / name
