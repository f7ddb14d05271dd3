"""The restricted Markdown: the fast parser agrees with markdown-it-py, and user text is literal."""

from __future__ import annotations

import dataclasses

import pytest
from tests.documents_support import HOSTILE

from overdue.documents.blocks import (
    Heading,
    MarkupError,
    PageBreak,
    Paragraph,
    Run,
    Table,
    md_escape,
    parse,
    parse_reference,
)

pytestmark = pytest.mark.unit

SUBSET = """\
{.center}
# 民事起诉状

## 当事人信息

原告：**某某消费金融有限公司**，
住所地上海市。

{.right .noindent}
2026年12月1日

{widths="1 3 2" .small}
| 序号 | 名称 | 金额 |
|:-:|---|--:|
| 1 | 借款\\|合同 | **1,000.00** |
| 2 |  | 3 |

---

正文
"""


def test_subset_parses_into_headings_paragraphs_tables_and_page_breaks() -> None:
    assert parse(SUBSET) == (
        Heading(1, (Run("民事起诉状"),), frozenset({"center"})),
        Heading(2, (Run("当事人信息"),)),
        Paragraph((Run("原告："), Run("某某消费金融有限公司", bold=True), Run("，住所地上海市。"))),
        Paragraph((Run("2026年12月1日"),), frozenset({"right", "noindent"})),
        Table(
            header=((Run("序号"),), (Run("名称"),), (Run("金额"),)),
            rows=(
                ((Run("1"),), (Run("借款|合同"),), (Run("1,000.00", bold=True),)),
                ((Run("2"),), (), (Run("3"),)),
            ),
            aligns=("center", "left", "right"),
            widths=(1, 3, 2),
            classes=frozenset({"small"}),
        ),
        PageBreak(),
        Paragraph((Run("正文"),)),
    )


def test_fast_parser_agrees_with_markdown_it() -> None:
    assert parse(SUBSET) == parse_reference(SUBSET)


def test_lines_of_a_paragraph_join_without_a_space() -> None:
    assert parse("第一行\n第二行\n") == (Paragraph((Run("第一行第二行"),)),)


def test_alignment_and_indent_follow_the_classes() -> None:
    body, right, plain = parse("正文\n\n{.right}\n日期\n\n{.noindent}\n顶格\n")
    assert isinstance(body, Paragraph)
    assert (body.align, body.indent) == ("justify", True)
    assert isinstance(right, Paragraph)
    assert (right.align, right.indent) == ("right", False)
    assert isinstance(plain, Paragraph)
    assert (plain.align, plain.indent) == ("justify", False)


def test_unbalanced_bold_is_a_template_error() -> None:
    with pytest.raises(MarkupError):
        parse("**未闭合\n")


def test_table_widths_must_match_the_columns() -> None:
    with pytest.raises(MarkupError):
        parse('{widths="1 2"}\n| a | b | c |\n|---|---|---|\n| 1 | 2 | 3 |\n')


@pytest.mark.parametrize("text", HOSTILE)
def test_escaped_user_text_is_one_literal_run_in_a_paragraph(text: str) -> None:
    markdown = f"被告：{md_escape(text)}\n"
    expected = (Paragraph((Run(f"被告：{text}"),)),)
    assert parse(markdown) == expected
    assert parse_reference(markdown) == expected


@pytest.mark.parametrize("text", HOSTILE)
def test_escaped_user_text_is_literal_in_a_table_cell_and_a_heading(text: str) -> None:
    markdown = f"# {md_escape(text)}\n\n| 名称 |\n|---|\n| {md_escape(text)} |\n"
    expected = (
        Heading(1, (Run(text),)),
        Table(((Run("名称"),),), (((Run(text),),),), ("left",), (1,)),
    )
    assert parse(markdown) == expected
    assert parse_reference(markdown) == expected


def test_escaping_drops_control_characters_and_folds_line_breaks() -> None:
    assert md_escape("张\x00三\r\n北京\t朝阳") == "张三 北京 朝阳"


def test_blocks_are_frozen_values() -> None:
    block = Paragraph((Run("x"),))
    with pytest.raises(dataclasses.FrozenInstanceError):
        block.runs = ()  # type: ignore[misc]
