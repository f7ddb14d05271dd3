"""``overdue litigate select | explain | build`` run as a user runs them (real subprocesses)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from tests.planted import AS_OF, PLANTED, make_planted

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).parents[2]
EXE = shutil.which("overdue", path=str(Path(sys.executable).parent)) or "overdue"


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [EXE, "litigate", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
        check=False,
        env={**os.environ, **(env or {})},
    )


def select(
    planted: tuple[Path, Path], out: Path, *extra: str, policy: str = "examples/POLICY.yaml"
) -> subprocess.CompletedProcess[str]:
    """``overdue litigate select`` on the planted portfolio and its nightly run."""
    data, state = planted
    return run(
        "select",
        "--data",
        str(data),
        "--state",
        str(state),
        "--as-of",
        AS_OF.isoformat(),
        "--policy",
        policy,
        "--out",
        str(out),
        *extra,
    )


def build(
    selection: Path, out: Path, *extra: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """``overdue litigate build`` of a selection for the example plaintiff."""
    plaintiff = "examples/PLAINTIFF.yaml"
    return run(
        "build", "--selection", str(selection), "--plaintiff", plaintiff, "--out", str(out), *extra,
        env=env,
    )  # fmt: skip


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return make_planted(tmp_path_factory.mktemp("planted-e2e"))


def test_select_explain_build(planted: tuple[Path, Path], tmp_path: Path) -> None:
    sel = tmp_path / "selection"
    done = select(planted, sel, "--plaintiff", "examples/PLAINTIFF.yaml", "--json")
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert summary["delinquent"] == len(PLANTED)
    assert summary["selected"] + sum(summary["excluded_by"].values()) == len(PLANTED)

    why = run("explain", "--selection", str(sel), "--loan", "B-DISPUTE", "--json")
    assert why.returncode == 0, why.stderr
    detail = json.loads(why.stdout)
    assert detail["selected"] is False
    assert detail["excluded_by"] == "open_dispute"
    failed = [r for r in detail["rules"] if not r["passed"]]
    assert [r["rule"] for r in failed] == ["open_dispute"]
    assert "2026-09-01" in failed[0]["detail"]

    table = run("explain", "--selection", str(sel), "--loan", "A-OK")
    assert table.returncode == 0, table.stderr
    assert "选中起诉" in table.stdout

    built = build(sel, tmp_path / "batch", "--workers", "2")
    assert built.returncode == 0, built.stderr
    assert "合计" in built.stdout
    assert "01-民事起诉状.pdf" in built.stdout
    # The example plaintiff names no scans: the user is told what to bring to the filing desk.
    assert "tosupply:营业执照副本复印件、律师执业证复印件" in "".join(built.stdout.split())
    assert "originals:电子借款合同原件" in "".join(built.stdout.split())
    batch = json.loads((tmp_path / "batch" / "batch.json").read_text(encoding="utf-8"))
    assert batch["counts"]["accounts"] == summary["selected"]


def test_bad_input_is_one_line_naming_the_field(planted: tuple[Path, Path], tmp_path: Path) -> None:
    policy = tmp_path / "POLICY.yaml"
    policy.write_text("min_dpd: 90\nrecovery:\n  cost_per_cse: 300\n", encoding="utf-8")
    done = select(planted, tmp_path / "sel", policy=str(policy))
    assert done.returncode == 2
    assert done.stderr.strip().count("\n") == 0
    assert str(policy) in done.stderr
    assert "recovery.cost_per_cse" in done.stderr
    missing = run("explain", "--selection", str(tmp_path / "nowhere"), "--loan", "A-OK")
    assert missing.returncode == 2
    assert "--selection" in missing.stderr


def test_without_the_chinese_font_build_says_what_to_install_and_touches_nothing(
    planted: tuple[Path, Path], tmp_path: Path
) -> None:
    """A machine without Noto Serif CJK (fonts-noto-cjk not installed, or installed where
    OVERDUE_FONT_PATHS does not point): one line naming the package and the variable, exit
    status 2, and a previous batch in --out left as it was."""
    sel = tmp_path / "selection"
    selected = select(planted, sel)
    assert selected.returncode == 0, selected.stderr
    out = tmp_path / "batch"
    out.mkdir()
    (out / "batch.json").write_text("{}", encoding="utf-8")
    fonts = tmp_path / "fonts"
    fonts.mkdir()
    (fonts / "DejaVuSans.ttf").write_bytes(b"not the font")
    done = build(sel, out, env={"OVERDUE_FONT_PATHS": str(fonts)})
    assert done.returncode == 2, done.stderr
    assert done.stderr.strip().count("\n") == 0, done.stderr
    assert "fonts-noto-cjk" in done.stderr
    assert "OVERDUE_FONT_PATHS" in done.stderr
    assert str(fonts) in done.stderr
    assert (out / "batch.json").read_text(encoding="utf-8") == "{}"
    assert [p.name for p in out.iterdir()] == ["batch.json"]
