"""Collection messages: the catalogue's verdicts and flags, read as a careful human would."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from random import Random

import pytest
from bench.messages import evaluate, load_rows
from hypothesis import given, settings
from hypothesis import strategies as st

from overdue.borrower.messages import Verdict, lint, lint_message, load_catalogue, normalize
from overdue.borrower.wording import for_reader
from overdue.errors import InputError

pytestmark = pytest.mark.unit

AS_OF = dt.date(2026, 11, 20)
CST = dt.timezone(dt.timedelta(hours=8))
NOON = dt.datetime(2026, 11, 18, 12, 0, tzinfo=CST)


def local(*parts: int) -> dt.datetime:
    """A naive time, read as China local time."""
    return dt.datetime(*parts, tzinfo=CST).replace(tzinfo=None)


def codes(text: str, at: dt.datetime | None = NOON) -> set[str]:
    return {f.code for f in lint_message(text, at, AS_OF).flags}


def test_the_labelled_set_is_read_right_at_least_nine_times_in_ten() -> None:
    rows = load_rows()
    assert len(rows) >= 200
    assert evaluate(rows)["accuracy"] >= 0.90


DEV_CSV = Path(__file__).resolve().parents[2] / "fixtures" / "collection_messages_independent.csv"


def test_the_independent_development_set_is_read_right_at_least_nine_times_in_ten() -> None:
    # Written by someone who never saw the rules (81.3 % at first), then used to develop them:
    # a development figure, not an unbiased one (bench/MESSAGES_RESULTS.md).
    rows = load_rows(DEV_CSV)
    assert len(rows) == 150
    assert evaluate(rows)["accuracy"] >= 0.90


DEV2_CSV = Path(__file__).resolve().parents[2] / "fixtures" / "collection_messages_test.csv"


def test_the_second_development_set_is_read_right_at_least_nine_times_in_ten() -> None:
    # Measured once unseen (87.3 %), then used to develop the catalogue in round 2: a
    # development figure too. The unbiased figure is the final set's (never gated here).
    rows = load_rows(DEV2_CSV)
    assert len(rows) == 150
    assert evaluate(rows)["accuracy"] >= 0.90


def test_the_held_out_part_is_read_right_at_least_nine_times_in_ten() -> None:
    held_out = [r for r in load_rows() if r["split"] == "holdout"]
    assert len(held_out) >= 50
    assert evaluate(held_out)["accuracy"] >= 0.90


def test_a_plain_due_reminder_is_lawful_with_no_flags() -> None:
    result = lint_message(
        "【星河消费金融】您本期账单1,056.30元将于2026-11-20到期，请按时还款。", NOON, AS_OF
    )
    assert result.verdict is Verdict.LAWFUL
    assert result.flags == ()


def test_dishonest_list_tomorrow_without_a_judgment_is_an_impossible_timeline() -> None:
    # Answer period alone is 15 days (民事诉讼法 Art. 128): a listing "tomorrow" after 10 days
    # overdue cannot have a judgment behind it.
    result = lint_message("您已逾期10天，明天将正式被列入失信被执行人名单。", NOON, AS_OF)
    assert result.verdict is Verdict.ABUSIVE
    assert "IMPOSSIBLE_TIMELINE" in {f.code for f in result.flags}


def test_the_same_outcome_stated_conditionally_after_a_judgment_is_lawful() -> None:
    text = "您的欠款若经法院判决后仍不履行，法院可依法将您纳入失信被执行人名单。"
    assert lint_message(text, NOON, AS_OF).verdict is Verdict.LAWFUL


def test_filed_without_a_case_number_is_a_finding_and_with_one_it_is_not() -> None:
    assert "FILED_WITHOUT_CASE_NUMBER" in codes("你的案件已立案，请立即联系处理。")
    assert "FILED_WITHOUT_CASE_NUMBER" not in codes(
        "【杭州互联网法院】（2026）浙0192民初21345号一案已立案，请登录人民法院在线服务查看。"
    )


@pytest.mark.parametrize(
    "text",
    [
        "立 案 通 知：你 的 欠 款 已 立 案",
        "fa yuan 已经 li an 了",
        "傳票已經發出，你的案子已經立案了",
    ],
)
def test_spacing_pinyin_and_traditional_characters_do_not_hide_a_filing_claim(text: str) -> None:
    assert "FILED_WITHOUT_CASE_NUMBER" in codes(text)


def test_normalisation_removes_spaces_emoji_and_maps_variants() -> None:
    cat = load_catalogue()
    assert normalize(cat, "立🔥案 珐 院 （2024）") == "立案法院(2024)"


def test_payment_to_a_personal_account_is_fraud() -> None:
    result = lint_message("请转账至我司财务个人账户：6222 0212 3456 7890，户名张某。", NOON, AS_OF)
    assert result.verdict is Verdict.FRAUD
    assert [f.code for f in result.flags] == ["PERSONAL_ACCOUNT"]
    assert any("110" in line for line in result.advice)


def test_an_anti_fraud_notice_that_mentions_personal_accounts_is_lawful() -> None:
    text = "反诈提醒：我司不会要求您向个人账户转账，也不会索要验证码。如遇冒充公检法请拨打110。"
    assert lint_message(text, NOON, AS_OF).verdict is Verdict.LAWFUL


def test_a_collector_posing_as_a_court_is_flagged_as_impersonation() -> None:
    text = "我是XX区人民法院执行局的工作人员，你的欠款案件已移交我局，请今天联系还款。"
    assert {"IMPERSONATE_AUTHORITY", "FILED_WITHOUT_CASE_NUMBER"} <= codes(text)


@pytest.mark.parametrize(
    "text",
    [
        "你不还钱就等着坐牢吧，谨防诈骗。",  # anti-fraud words in the threat's own sentence
        "再不还款明天就来抓你。有疑问请拨打110。",  # and in another sentence
        "逾期不会坐牢？你想得美，明天就移交公安。",  # a reassurance in another sentence
        "您的欠款纠纷已立案，案号(2024)京0105刑初123号，请尽快处理。",  # a criminal case number
        "别以为欠钱不会坐牢，我们已经向公安机关报案了。",  # a reassurance mocked
        "不要天真地认为不会坐牢，明天就移交公安。",
        "你再不还，公安“明天就来抓你”，谨防诈骗。",  # a quotation, but not framed as one
    ],
)
def test_a_criminal_threat_is_not_excused_by_words_elsewhere(text: str) -> None:
    assert "CRIMINAL_THREAT" in codes(text)


@pytest.mark.parametrize(
    "text",
    [
        "近期有不法分子冒充公安，以“不还钱明天就来抓你”等话术实施诈骗，请勿相信。",
        "请勿相信“明天来抓你”之类的说法。",
        "有人冒充我司员工以“等着坐牢”恐吓客户，请谨防诈骗。",
    ],
)
def test_a_warning_that_quotes_a_threat_is_not_a_threat(text: str) -> None:
    assert codes(text) == set()


def test_a_genuine_reassurance_is_not_a_threat() -> None:
    text = "很多人以为逾期会坐牢，其实逾期不会坐牢，不构成犯罪，请放心协商还款。"
    assert codes(text) == set()


def test_a_quoted_account_in_a_warning_is_still_a_payment_directive() -> None:
    assert lint_message("还款账户“张三 6222021234567890123”，谨防诈骗。", NOON, AS_OF).verdict is (
        Verdict.FRAUD
    )


@pytest.mark.parametrize(
    "text",
    [
        "您的账单（2024）已逾期 请于本月15号前还款。",
        "您的账单（2024）京东白条已逾期 请于本月15号前还款。",
    ],
)
def test_a_bill_with_a_year_in_brackets_is_not_a_case_number(text: str) -> None:
    assert codes(text) == set()


@pytest.mark.parametrize(
    "text",
    ["您已被起诉，案号（2024）民初字第8823号，请速还款。", "案号(2024)XX0105民初123号，请速还款。"],
)
def test_a_made_up_case_number_is_still_found_and_found_invalid(text: str) -> None:
    assert "INVALID_CASE_NUMBER" in codes(text)


def test_a_reassurance_in_the_same_sentence_is_not_a_threat() -> None:
    assert "CRIMINAL_THREAT" not in codes("欠款逾期属于民事纠纷，不会坐牢，请尽快还款。")


@pytest.mark.parametrize(
    "text",
    [
        "【北京市朝阳区人民法院】你的网贷欠款请于今日内还清。",
        "【朝阳区人民法院】请立即联系本院书记员13800000000处理你的网贷欠款。",
    ],
)
def test_a_debt_demand_under_a_courts_name_without_a_case_number_is_flagged(text: str) -> None:
    assert lint_message(text, NOON, AS_OF).verdict is Verdict.ABUSIVE
    assert "COURT_NAME_DEMAND" in codes(text)


def test_a_court_message_with_its_case_number_is_not_flagged() -> None:
    text = (
        "【北京市朝阳区人民法院】张三：原告某某消费金融有限公司诉你金融借款合同纠纷一案"
        "（2026）京0105民初123号已立案，请登录人民法院在线服务查看诉讼材料。"
    )
    assert codes(text) == set()


def test_mediation_entrusted_by_the_court_with_its_number_is_not_impersonation() -> None:
    text = (
        "您好，我们是某某调解中心，受法院委托对你的网贷纠纷进行诉前调解，"
        "案号(2026)京0105民诉前调888号，请于本周内联系我们。"
    )
    assert "IMPERSONATE_AUTHORITY" not in codes(text)
    assert "IMPERSONATE_AUTHORITY" in codes(
        "您好，我们是某某调解中心，受法院委托处理你的网贷欠款，请今天联系还款。"
    )


def test_a_residence_address_is_not_a_visit_and_a_payment_order_needs_a_number() -> None:
    assert codes("请核实您的户籍地址是否变更，以便寄送账单。") == set()
    assert "HOME_VISIT_THREAT" in codes("明天派人去你户籍地走访。")
    assert "FILED_WITHOUT_CASE_NUMBER" in codes("我们已向法院申请了支付令，请尽快还款。")


def test_threatening_the_contact_list_is_abusive() -> None:
    text = "今天不还款，我们就给你通讯录里所有人打电话。"
    result = lint_message(text, NOON, AS_OF)
    assert result.verdict is Verdict.ABUSIVE
    assert "THIRD_PARTY_CONTACT" in {f.code for f in result.flags}


def test_a_polite_reminder_at_night_breaks_the_quiet_hours() -> None:
    text = "您好，您的账单逾期了，方便的话明天回个电话。"
    assert codes(text, local(2026, 11, 18, 14, 0)) == set()  # naive: China local time
    # 15:30 UTC is 23:30 in Beijing.
    assert codes(text, dt.datetime(2026, 11, 18, 15, 30, tzinfo=dt.UTC)) == {"QUIET_HOURS"}
    assert codes(text, local(2026, 11, 18, 21, 59)) == set()
    assert codes(text, local(2026, 11, 19, 7, 59)) == {"QUIET_HOURS"}
    assert codes(text, None) == set()


def test_every_flag_cites_a_basis_with_its_verification_status() -> None:
    result = lint_message("你个老赖，再不还钱就坐牢，明天去你家。", NOON, AS_OF)
    assert {f.code for f in result.flags} >= {"INSULT", "CRIMINAL_THREAT", "HOME_VISIT_THREAT"}
    statuses = ("UNVERIFIED", "VERIFIED", "SECONDARY", "PARTIAL")
    assert all(f.basis.rstrip("）").endswith(statuses) for f in result.flags)
    lines = "\n".join(for_reader(line) for line in result.lines)
    # a reader sees the statuses in Chinese, numbered problems and no rule codes
    assert "问题1：" in lines
    assert not any(s in lines for s in (*statuses, "CRIMINAL_THREAT", "legal.md"))
    fraud = lint_message("请提供您的银行卡密码和短信验证码。", NOON, AS_OF)
    for flag in fraud.flags:  # a basis that states its status is not given it a second time
        assert "核实状态" not in flag.basis, flag.basis


def test_the_json_view_starts_with_verdict_and_flags() -> None:
    data = lint_message("sb，赶紧还钱", NOON, AS_OF).to_json()
    assert list(data)[:2] == ["verdict", "flags"]
    assert data["verdict"] == "abusive"
    assert set(data["flags"][0]) >= {"code", "text", "basis"}


def test_a_lender_can_lint_its_own_template_with_its_own_catalogue(tmp_path: Path) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text(
        "version: t\nrules:\n"
        "  - {code: NO_CAPS, verdict: abusive, severity: low, text: 全大写, basis: 内部规范, "
        "status: UNVERIFIED, when: [{any: '还款啦'}]}\n",
        encoding="utf-8",
    )
    cat = load_catalogue(path)
    assert [f.code for f in lint(cat, "快 还 款 啦")] == ["NO_CAPS"]
    assert lint(cat, "请按时还款") == ()


def test_a_broken_catalogue_names_the_field(tmp_path: Path) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text("rules:\n  - {code: X, verdict: maybe}\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"rules\[0\]\.severity|rules\[0\]\.verdict"):
        load_catalogue(path)


def test_an_empty_message_is_refused() -> None:
    with pytest.raises(InputError, match="text"):
        lint_message("  ", None, AS_OF)


def test_every_split_of_the_labelled_set_stays_at_or_above_ninety_percent() -> None:
    rows = load_rows()
    for split in ("tune", "holdout", "fresh", "fresh2"):
        part = [r for r in rows if r["split"] == split]
        assert part, split
        assert evaluate(part)["accuracy"] >= 0.90, split


def test_a_short_link_is_a_credential_request_but_an_official_court_site_is_not() -> None:
    assert "CREDENTIAL_REQUEST" in codes("点击 t.cn/Rx8kQ 登录核对您的欠款")
    assert codes("可登录 zxgk.court.gov.cn 查询执行信息，或拨打12368。") == set()


def test_a_stranger_named_as_payee_is_fraud() -> None:
    text = "还款账户变更通知：请转入张建国 工商银行 6212 2640 0000 1234 5678。"
    assert lint_message(text, NOON, AS_OF).verdict is Verdict.FRAUD


_ROWS = [r for r in load_rows() if "CREDENTIAL_REQUEST" not in r["expected_flag_codes"]]


@settings(max_examples=60, deadline=None)
@given(
    row=st.sampled_from(_ROWS),
    separators=st.lists(
        st.sampled_from([" ", "  ", "·", "*", "-", "_", "🔥", "｜", "\u200b"]), min_size=1
    ),
    seed=st.randoms(use_true_random=False),
)
def test_separators_between_characters_do_not_change_the_reading(
    row: dict[str, str], separators: list[str], seed: Random
) -> None:
    # Collectors write 立 案 / 法-院 / 传🔥票 to slip past filters; the reading must not change.
    at = dt.datetime.fromisoformat(row["received_at"]) if row["received_at"] else None
    text = row["text"]
    spaced = "".join(ch + (seed.choice(separators) if seed.random() < 0.5 else "") for ch in text)
    plain_flags = {f.code for f in lint_message(text, at, AS_OF).flags}
    spaced_flags = {f.code for f in lint_message(spaced, at, AS_OF).flags}
    assert spaced_flags == plain_flags


def test_a_case_number_from_the_future_in_a_message_is_flagged_as_invalid() -> None:
    result = lint_message("你的案件（2027）浙0192民初1号已立案，速还款。", NOON, AS_OF)
    assert {f.code for f in result.flags} == {"INVALID_CASE_NUMBER"}
    assert any("案号无效" in line for line in result.lines)


def test_a_well_formed_case_number_is_explained_but_not_flagged() -> None:
    result = lint_message(
        "您的（2024）浙0192民初1779号案件已立案，请登录人民法院在线服务查看。", NOON, AS_OF
    )
    assert result.flags == ()
    assert any("杭州互联网法院" in line for line in result.lines)


@pytest.mark.parametrize(
    "text",
    [
        "【北京市朝阳区人民法院】（2025）京0105民初123号案件，你明天将被强制执行并列入失信名单",
        "【北京市朝阳区人民法院】您的借款纠纷已立案，案号（2025）京0105民初123号，"
        "请于今日联系书记员13800138000处理，否则强制执行。",
    ],
)
def test_a_first_instance_number_does_not_excuse_enforcement_at_once(text: str) -> None:
    # a 民初 case has no judgment yet: there is nothing to enforce tomorrow
    result = lint_message(text, NOON, AS_OF)
    assert result.verdict is Verdict.ABUSIVE
    assert "IMPOSSIBLE_TIMELINE" in {f.code for f in result.flags}


def test_a_valid_enforcement_number_excuses_a_listing_and_a_trial_number_a_hearing() -> None:
    assert (
        codes(
            "【北京市朝阳区人民法院】（2025）京0105执123号，你已被列入失信被执行人名单，"
            "请尽快履行生效法律文书确定的义务。"
        )
        == set()
    )
    assert (
        codes(
            "【北京市朝阳区人民法院】（2025）京0105民初123号，你的案件定于明天上午9时开庭，请准时到庭。"
        )
        == set()
    )
    # the same listing with an enforcement number from the future is not excused
    assert {"IMPOSSIBLE_TIMELINE", "INVALID_CASE_NUMBER"} <= codes(
        "（2025）京0105民初5号已立案，执行案号（2027）京0105执12号，明天强制执行"
    )


def test_a_courts_name_with_an_invalid_case_number_is_still_a_demand_under_its_name() -> None:
    flags = codes("【北京市朝阳区人民法院】（2027）京0105民初1号，请于今日内还清网贷欠款。")
    assert {"COURT_NAME_DEMAND", "INVALID_CASE_NUMBER"} <= flags


def test_every_case_number_in_a_message_is_validated_not_only_the_first() -> None:
    result = lint_message(
        "你的（2025）京0105民初5号案件已判决，执行案号（2027）京0105执12号已立案。", NOON, AS_OF
    )
    assert "INVALID_CASE_NUMBER" in {f.code for f in result.flags}
    assert any("（2027）京0105执12号" in line and "案号无效" in line for line in result.lines)
    assert any("（2025）京0105民初5号" in line and "格式有效" in line for line in result.lines)


@pytest.mark.parametrize(
    "text",
    [
        "最高人民法院通知：你已被列入失信被执行人名单，请扫码缴费解除",
        "请扫码支付2000元保证金，即可解除您的限制消费。",
        "解除失信需先支付保证金，请联系专员。",
    ],
)
def test_a_fee_or_a_qr_code_to_lift_a_court_sanction_is_fraud(text: str) -> None:
    assert lint_message(text, NOON, AS_OF).verdict is Verdict.FRAUD


@pytest.mark.parametrize(
    "text",
    [
        "您好，我们正在为您办理解除冻结，请保持电话畅通。",
        # paying the debt, or the judgment, is how a restriction, a freeze or a listing ends
        "【星河消费金融】请通过官方APP支付剩余欠款，支付成功后即可解除账户限制。",
        "【某银行】您的信用卡已逾期，缴费后即可解除卡片止付。",
        "【杭州市西湖区人民法院】（2025）浙0106执123号：你已全部履行，本院已解除冻结，相关费用已退还。",
        "（2025）浙0106执123号：请缴纳执行款，缴纳后解除冻结并屏蔽失信信息。",
        # a freeze by preservation in a pending suit; enforcement applied for after a judgment
        "（2025）浙0106民初1234号：原告申请财产保全，本院裁定准许，您名下银行存款已被冻结。",
        "（2024）浙0106民初123号民事判决已生效，您未按判决履行，我司已向法院申请强制执行。",
    ],
)
def test_lifting_a_sanction_by_paying_the_debt_and_lawful_court_steps_are_not_flagged(
    text: str,
) -> None:
    assert lint_message(text, NOON, AS_OF).verdict is Verdict.LAWFUL


def test_the_matcher_checks_case_numbers_only_when_it_knows_the_date() -> None:
    cat = load_catalogue()
    text = "（2027）浙0192民初1号"
    assert lint(cat, text) == ()
    assert [f.code for f in lint(cat, text, as_of=AS_OF)] == ["INVALID_CASE_NUMBER"]


# ---------------------------------------------------------------- categories, not messages
# Each case below is worded differently from the labelled sets: the rules must read the
# category of conduct (and its warning or negation) rather than particular sentences.


@pytest.mark.parametrize(
    "text",
    [
        "【橙光分期】谨防冒充我司员工以“减免”为名要求转账至个人账户，本司只通过App收款。",
        "提醒：凡是要求您先交保证金才能减免欠款的，均为诈骗。",
        "【某资产】请通过委托方App还款，我们不会通过微信、支付宝或个人银行卡收取任何款项。",
        "【青禾小贷】您已逾期3天，如需延期请在App申请，延期无需支付任何费用。",
    ],
)
def test_a_warning_that_quotes_scam_words_is_lawful(text: str) -> None:
    assert lint_message(text, NOON, AS_OF).verdict is Verdict.LAWFUL


def test_a_warning_word_does_not_hide_a_payment_directive_beside_it() -> None:
    text = "为保障资金安全，谨防诈骗，请将还款转入以下监管账户：6222 0000 1111 2222。"
    assert lint_message(text, NOON, AS_OF).verdict is Verdict.FRAUD


@pytest.mark.parametrize(
    "text",
    [
        "请把还款转到我们合作商户的收款码上，扫码后截图给我。",
        "平台对公账户正在维护，请把钱转到财务小李的支付宝 lixiaoli_88。",
        "请将欠款转入：户名 某某商贸有限公司，账号 6222 1111 2222 3333 444。",
        "这笔钱单独转给我就行，不用走公司。",
    ],
)
def test_payment_anywhere_but_the_lenders_own_channel_is_fraud(text: str) -> None:
    assert lint_message(text, NOON, AS_OF).verdict is Verdict.FRAUD


def test_the_lenders_own_corporate_account_is_not_a_redirection() -> None:
    text = (
        "【某某消费金融】您可通过我司对公账户还款：户名：某某消费金融有限公司，"
        "开户行：某某银行上海分行，账号：3100 1234 5678 9012。"
    )
    assert lint_message(text, NOON, AS_OF).verdict is Verdict.LAWFUL


@pytest.mark.parametrize(
    "text",
    [
        "恭喜您符合国家网贷减免政策，本金可减免60%，需先支付10%的服务费。",
        "您的网贷账户异常，需缴纳2000元保证金激活后方可还款。",
        "我是某某金融后台的，可以帮你把逾期记录删掉，先交800元辛苦费。",
    ],
)
def test_a_fee_for_relief_is_fraud(text: str) -> None:
    assert lint_message(text, NOON, AS_OF).verdict is Verdict.FRAUD


def test_a_fee_stated_in_the_terms_is_not_a_fee_for_relief() -> None:
    text = "【星河贷】提前结清需一次性支付剩余本金及当期服务费，支付后即可结清。"
    assert lint_message(text, NOON, AS_OF).verdict is Verdict.LAWFUL


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("你老家的地址我们已经查到了，你爸妈住哪我们一清二楚。", "INTIMIDATION"),
        ("你儿子在实验中学读初二吧？", "INTIMIDATION"),
        ("已将你的手机号上报运营商，三天内停机。", "INVENTED_SANCTION"),
        ("再不还钱就把你列入全国征信黑名单，以后坐不了火车。", "INVENTED_SANCTION"),
        ("你个穷逼，借钱的时候挺能耐啊。", "INSULT"),
        ("不还钱就在你公司群里发你的欠款截图。", "PUBLIC_SHAMING"),
        ("你去别的平台借点还上，今天必须到账。", "BORROW_TO_REPAY"),
    ],
)
def test_intimidation_insults_and_invented_sanctions_are_abusive(text: str, code: str) -> None:
    result = lint_message(text, NOON, AS_OF)
    assert result.verdict is Verdict.ABUSIVE
    assert code in {f.code for f in result.flags}


def test_an_announced_declinable_visit_is_lawful_and_a_threatened_one_is_not() -> None:
    announced = "我司委托的外访人员将于下周二上午上门，如您不方便，可回复改约时间。"
    threatened = "我们明天上午派人上门，你最好在家等着。"
    assert lint_message(announced, NOON, AS_OF).verdict is Verdict.LAWFUL
    assert lint_message(threatened, NOON, AS_OF).verdict is Verdict.ABUSIVE


def test_reaching_a_contact_without_disclosing_the_debt_is_lawful() -> None:
    text = "您好，我司已联系您的紧急联系人，仅请其转告您回电，未告知其任何借款信息。"
    assert lint_message(text, NOON, AS_OF).verdict is Verdict.LAWFUL


def test_a_warning_context_with_an_unknown_key_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text(
        "version: t\nwarning_context: {cue: 谨防}\nrules:\n"
        "  - {code: X, verdict: fraud, severity: high, text: t, basis: b, "
        "status: UNVERIFIED, when: [{any: 个人账户}]}\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError, match="warning_context"):
        load_catalogue(path)


# ---------------------------------------------------------------- round 2: more categories
# Worded by the catalogue's maintainer, not taken from the labelled sets.


@pytest.mark.parametrize(
    "text",
    [
        "喂，你是王某的领导吧？他在我们这欠了两万块钱一直不还，你们单位管不管？",
        "王某的妈妈您好，您儿子欠我们平台8000块，您当妈的总得管管吧。",
        "我们已经给你单位寄了催收函，收件人是你们人事。",
        "你再不还，你全家都得替你还，你老婆的征信也会受影响。",
    ],
)
def test_telling_a_third_party_about_the_debt_is_abusive(text: str) -> None:
    result = lint_message(text, NOON, AS_OF)
    assert result.verdict is Verdict.ABUSIVE


@pytest.mark.parametrize(
    "text",
    [
        "【某银行】尊敬的客户，您作为借款合同的共同借款人，该笔借款已逾期，请尽快安排还款。",
        "您好，请问是张先生的家属吗？我们有重要事情找张先生，麻烦转告他回个电话，谢谢。",
        "您好，已按您的要求更新联系方式，今后不再拨打您单位座机。请于月底前还款。",
        "【某消金】温馨提示：如您的家人或朋友代为还款，请在APP中备注借款人姓名。",
    ],
)
def test_a_guarantor_a_locating_call_and_a_promise_to_stop_are_lawful(text: str) -> None:
    assert lint_message(text, NOON, AS_OF).verdict is Verdict.LAWFUL


def test_a_promise_to_stop_does_not_hide_what_follows_it_in_the_same_clause() -> None:
    text = "我们不再联系你的家人而是直接去你单位闹"
    assert lint_message(text, NOON, AS_OF).verdict is Verdict.ABUSIVE


def test_the_credit_card_statute_as_a_condition_is_lawful_but_not_a_threat_beside_it() -> None:
    statute = (
        "依据《刑法》第一百九十六条，恶意透支经两次催收超过三个月仍不归还的，"
        "可能构成信用卡诈骗罪。请您重视。"
    )
    assert lint_message(statute, NOON, AS_OF).verdict is Verdict.LAWFUL
    threat = "你可能构成信用卡诈骗罪，警察明天来抓你"
    assert lint_message(threat, NOON, AS_OF).verdict is Verdict.ABUSIVE


@pytest.mark.parametrize(
    "text",
    [
        "谨防诈骗！本公司唯一还款账户为财务主管个人卡 6222 1234 5678 9012，户名刘洋，其他均为假冒。",
        "不法分子冒充我司，请认准本人支付宝 13900001111 还款。",
        "防范诈骗提醒：请勿相信其他渠道，还款直接转到我私人账户最安全。",
    ],
)
def test_a_warning_frame_does_not_hide_a_payment_destination(text: str) -> None:
    assert lint_message(text, NOON, AS_OF).verdict is Verdict.FRAUD


@pytest.mark.parametrize(
    "text",
    [
        "您好，您的欠款请通过购买苹果充值卡的方式支付，把卡背面的密码拍照发给我。",
        "请扫描下面的收款码完成还款，收款方是我们的合作商户“鑫达百货”。",
        "还款通道升级，请用支付宝扫码转账到指定商户。",
        "【某法院】你被起诉了，缴纳2,000元诉讼费可以撤诉，请转至书记员账户。",
        "您的征信有问题，需要转一笔钱到指定账户证明还款能力，验证后退还。",
        "想上岸吗？我们有专业团队帮你跟平台谈判，停催停息，签约收费，一次性搞定。",
        "如需撤销催收记录，请支付1,200元“档案清理费”。",
    ],
)
def test_payment_by_card_codes_merchants_roles_flow_checks_and_paid_middlemen_is_fraud(
    text: str,
) -> None:
    assert lint_message(text, NOON, AS_OF).verdict is Verdict.FRAUD


@pytest.mark.parametrize(
    "text",
    [
        "出门记得看看身后，我们的人一直跟着你。",
        "从现在开始每半小时给你打一次电话，直到你接为止。",
        "你已经被纳入重点关注人员，出行会受到限制，请立即还款。",
        "拿不出钱就去借，信用卡、花呗、借呗，哪个能用就用哪个。",
        "你不还也行，我们把你的欠款合同复印一百份，在你们镇上发。",
        "被告人王某，你因拖欠借款已被提起公诉，请按时到庭。",
    ],
)
def test_stalking_call_floods_travel_bans_new_borrowing_leaflets_and_prosecution_are_abusive(
    text: str,
) -> None:
    assert lint_message(text, NOON, AS_OF).verdict is Verdict.ABUSIVE


def test_a_traditional_script_credit_repair_advert_reads_as_one() -> None:
    assert "CREDIT_REPAIR_SCAM" in codes("徵信修復，逾期消除，加V詳談")


def test_a_lawyers_letter_reference_is_not_an_invalid_case_number() -> None:
    text = (
        "律师函（2025）京律函字第128号：受某某消费金融有限公司委托，请您于15日内与委托人协商还款。"
    )
    assert lint_message(text, NOON, AS_OF).verdict is Verdict.LAWFUL


def test_a_payment_receipt_at_night_is_not_a_quiet_hours_contact() -> None:
    receipt = "【某消金】您于23:05通过APP还款500元，已到账。"
    assert codes(receipt, local(2026, 11, 18, 23, 6)) == set()
    assert codes("别睡了，赶紧把钱转了。", local(2026, 11, 18, 23, 6)) == {"QUIET_HOURS"}
