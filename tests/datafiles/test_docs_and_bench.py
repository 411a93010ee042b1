from __future__ import annotations

from pathlib import Path

from pensionportal.datafiles import ParsedFile, ValidationContext, bench, docs, read, validate

DOC = Path(__file__).resolve().parents[2] / "docs" / "datafiles.md"


def test_docs_datafiles_md_is_current() -> None:
    current = DOC.read_text(encoding="utf-8")
    assert docs.render(current) == current, (
        "docs/datafiles.md is out of date: run python -m pensionportal.datafiles.docs"
    )


def test_the_docs_check_command_reports_a_stale_file(tmp_path: Path) -> None:
    stale = tmp_path / "datafiles.md"
    stale.write_text("# Pension data files\n", encoding="utf-8")
    assert docs.main([str(stale), "--check"]) == 1
    assert docs.main([str(stale)]) == 0
    assert docs.main([str(stale), "--check"]) == 0
    assert "### PAY - Contribution Data" in stale.read_text(encoding="utf-8")


def test_the_benchmark_data_is_a_valid_pay_file() -> None:
    data = bench.pay_file(500)
    parsed = read(data, "PAY.csv")
    assert isinstance(parsed, ParsedFile)
    context = ValidationContext(participation=bench.PARTICIPATION)
    assert validate(parsed, bench.registry_for(500), context) == []
    assert len(parsed.rows) == 500


def test_the_benchmark_runs(capsys: object) -> None:
    bench.main(["300"])
