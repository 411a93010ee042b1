"""The command line: ``pensionportal calc ...``."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from pensionportal.cli import main


def _run(capsys: pytest.CaptureFixture[str], *parts: str) -> tuple[int, dict[str, Any], str]:
    """Run ``main`` on the words of ``parts`` (each part may hold several arguments)."""
    status = main([word for part in parts for word in part.split()])
    out, err = capsys.readouterr()
    return status, (json.loads(out) if out.strip() else {}), err


def test_it_prints_opseu_contributions_as_json(capsys: pytest.CaptureFixture[str]) -> None:
    status, doc, _ = _run(
        capsys,
        "calc contributions --plan opseu --pay-date 2023-06-02 --frequency biweekly",
        "--annual-salary",
        "70000",
    )
    assert status == 0
    assert doc["earnings"] == "2683.09"
    assert doc["annualized_salary"] == "70000.00"
    assert doc["member"] == {
        "below_ympe": "239.96",
        "above_ympe": "14.34",
        "total": "254.30",
        "rate_below_ympe": "0.094",
        "rate_above_ympe": "0.11",
    }
    assert doc["employer"]["total"] == "254.30"


def test_it_prints_select_contributions_with_the_special_part(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, doc, _ = _run(
        capsys,
        "calc contributions --plan select --pay-date 2024-05-10 --frequency weekly",
        "--hourly-rate 25.50 --standard-weekly-hours 37.5 --hours 20",
        "--participation-date 2023-01-01",
    )
    assert status == 0
    assert doc["earnings"] == "510.00"
    assert doc["member"]["regular"] == doc["member"]["total"] == "15.30"
    assert doc["employer"] == {
        "regular": "15.30",
        "special": "1.02",
        "total": "16.32",
        "rate": "0.03",
        "special_rate": "0.002",
    }


def test_part_time_ratio_reduces_earnings(capsys: pytest.CaptureFixture[str]) -> None:
    status, doc, _ = _run(
        capsys,
        "calc contributions --plan opseu --pay-date 2023-06-02 --frequency biweekly",
        "--annual-salary 70000 --employment-ratio 0.6",
    )
    assert status == 0
    assert doc["earnings"] == "1609.86"
    assert doc["member"]["total"] == "152.58"


@pytest.mark.parametrize(
    "argv",
    [
        "calc contributions --plan opseu --pay-date 2023-02-30 --frequency biweekly "
        "--annual-salary 1",
        "calc contributions --plan opseu --pay-date 2023-02-01 --frequency biweekly "
        "--annual-salary -70000",
        "calc contributions --plan opseu --pay-date 2023-02-01 --frequency fortnightly "
        "--annual-salary 1",
        "calc contributions --plan opseu --pay-date 2023-02-01 --frequency biweekly",
        "calc contributions --plan opseu --pay-date 2023-02-01 --frequency biweekly "
        "--annual-salary 5 --employment-ratio 1.5",
        "calc contributions --plan opseu --pay-date 1999-02-01 --frequency biweekly "
        "--annual-salary 50000",
        "calc interest --principal 100 --start 2021-04-01 --received 2021-05-01",
        "calc buyback --service-type non-contributory --service-start 2020-01-01 "
        "--service-end 2019-01-01 --annual-salary 1 --application-date 2024-01-01 "
        "--window-start 2023-01-01",
        "calc",
        "nonsense",
    ],
)
def test_it_rejects_bad_input_with_one_line_and_status_2(
    capsys: pytest.CaptureFixture[str], argv: str
) -> None:
    status = main(argv.split())
    out, err = capsys.readouterr()
    assert status == 2
    assert out == ""
    assert err.count("\n") == 1
    assert err.startswith("pensionportal: error: ")
    assert "Traceback" not in err


def test_it_prints_deadlines(capsys: pytest.CaptureFixture[str]) -> None:
    status, doc, _ = _run(
        capsys, *["calc", "deadlines", "--pay-date", "2023-12-22", "--invoice-date", "2024-10-04"]
    )
    assert status == 0
    assert doc["contributions_due"] == "2024-01-03"
    assert doc["data_due"] == "2024-01-10"
    assert doc["member_delinquent_from"] == "2024-01-06"
    assert doc["employer_delinquent_from"] == "2024-01-31"
    assert doc["invoice_due"] == "2024-10-21"


def test_it_prints_interest_itemised(capsys: pytest.CaptureFixture[str]) -> None:
    status, doc, _ = _run(
        capsys,
        "calc interest --principal 10000 --start 2021-01-10 --received 2021-02-09",
        "--fund-rate 0.003",
    )
    assert status == 0
    assert doc["days"] == 30
    assert doc["total"] == "4.11"
    assert doc["lines"][0]["rate_name"] == "pre-judgment interest rate"


def test_it_reads_a_rate_table_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    rates = tmp_path / "fund.yaml"
    rates.write_text(
        "name: fund_earning_rate\nvalues:\n"
        '  - {effective: 2021-01-01, value: "0.04", source: board}\n'
        '  - {effective: 2021-02-01, value: "0.06", source: board}\n'
    )
    status, doc, _ = _run(
        capsys,
        "calc interest --principal 10000 --start 2021-01-17 --received 2021-03-18",
        "--fund-rate-file",
        str(rates),
    )
    assert status == 0
    assert doc["total"] == "90.41"
    assert len(doc["lines"]) == 2


def test_it_prints_a_buyback_quote_with_financing(capsys: pytest.CaptureFixture[str]) -> None:
    status, doc, _ = _run(
        capsys,
        "calc buyback --service-type non-contributory --service-start 2015-01-01",
        "--service-end 2016-12-31 --annual-salary 70000 --application-date 2023-03-01",
        "--window-start 2022-01-01 --classified --interest-rate 0.05",
    )
    assert status == 0
    assert doc["member"] == doc["employer"] == "13268.80"
    assert doc["payment_options"]["financing"] is True
    assert doc["financing"]["payments"] <= 260


BUYBACK = (
    "calc buyback --service-type non-contributory --service-start 2015-01-01 "
    "--service-end 2016-12-31 --annual-salary 70000 --application-date 2023-03-01 "
    "--window-start 2022-01-01 --interest-rate 0.05"
)


@pytest.mark.parametrize(
    ("extra", "may_finance", "remainder", "reason"),
    [
        ("--classified --lump-sum 10000", True, "3268.80", "remains to be financed"),
        # $13,268.80 - $12,768.80 leaves exactly $500: allowed; a cent more is not
        ("--classified --lump-sum 12768.80", True, "500.00", "remains to be financed"),
        ("--classified --lump-sum 12768.81", False, "499.99", "at least $500"),
        ("--lump-sum 10000", False, "3268.80", "classified"),
        ("--classified --on-unpaid-leave --lump-sum 10000", False, "3268.80", "unpaid leave"),
        ("--classified --lump-sum 13268.80", False, "0.00", "whole cost"),
    ],
)
def test_the_lump_sum_part_of_a_combined_option_says_whether_the_rest_may_be_financed(
    capsys: pytest.CaptureFixture[str], extra: str, may_finance: bool, remainder: str, reason: str
) -> None:
    # source: seeds/buybacks.txt 'Combined lump sum / financing option' (the same rules as
    # the quote: classified members, at least $500 left to finance)
    status, doc, _ = _run(capsys, BUYBACK, extra)
    assert status == 0
    assert doc["combined"]["may_finance"] is may_finance
    assert doc["combined"]["remainder"] == remainder
    assert reason in doc["combined"]["reason"]
    if may_finance:
        assert doc["financing"]["financed"] == remainder
    else:
        assert "financing" not in doc


def test_an_actuarial_buyback_gives_no_member_figure(capsys: pytest.CaptureFixture[str]) -> None:
    status, doc, _ = _run(
        capsys,
        "calc buyback --service-type other-plan --service-start 2015-01-01",
        "--service-end 2016-12-31 --annual-salary 70000 --application-date 2023-03-01",
        "--window-start 2022-01-01",
    )
    assert status == 0
    assert doc["actuarial_quote_required"] is True
    assert doc["member"] is None
    assert doc["employer"] == "0.00"


ARGS_70000 = [
    "calc",
    "contributions",
    "--plan",
    "opseu",
    "--pay-date",
    "2023-06-02",
    "--frequency",
    "biweekly",
    "--annual-salary",
    "70000",
]


def test_the_installed_console_script_runs() -> None:
    script = Path(sys.executable).parent / "pensionportal"
    result = subprocess.run(
        [str(script), *ARGS_70000],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["member"]["total"] == "254.30"
    bad = subprocess.run(
        [str(script), "calc", "contributions", "--plan", "opseu"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert bad.returncode == 2
    assert bad.stderr.count("\n") == 1
