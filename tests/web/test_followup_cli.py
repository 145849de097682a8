"""`arbeidsbro followup report` as a real process: the contract's JSON shape and one-line errors."""

from __future__ import annotations

import json

import pytest

from tests.browser_support import ScratchDatabase, cli, server_env

CONTRACT_KEYS = {
    "job_starts",
    "quarterly_employment_rate",
    "days_to_first_employer_contact",
    "employer_contacts_per_specialist_week",
    "community_share",
    "caseload",
    "retention",
}


@pytest.fixture(scope="module")
def demo_env(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("fu-cli")
    db = ScratchDatabase(tmp, "fucli")
    env = server_env(db.url, tmp / "var")
    cli("db", "upgrade", env=env)
    cli("demo-data", env=env)
    yield env
    db.drop()


def test_report_json_shape(demo_env):
    out = json.loads(
        cli(
            "followup",
            "report",
            "--office",
            "0502",
            "--from",
            "2025-11-01",
            "--to",
            "2026-11-20",
            "--json",
            env=demo_env,
        ).stdout
    )
    assert set(out) == CONTRACT_KEYS
    assert isinstance(out["job_starts"], int) and out["job_starts"] > 0
    assert set(out["days_to_first_employer_contact"]) == {"median", "within_30_share"}
    assert set(out["retention"]) == {"3m", "6m", "12m"}
    assert out["caseload"] and all(isinstance(v, int) and "@" in k for k, v in out["caseload"].items())
    for key in ("quarterly_employment_rate", "community_share", "employer_contacts_per_specialist_week"):
        assert isinstance(out[key], (int, float))
    assert 0 <= out["community_share"] <= 1


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (("--office", "9999"), "9999"),
        (("--office", "05x2"), "--office"),
        (("--office", "0502", "--from", "2026-13-01"), "--from"),
        (("--office", "0502", "--from", "2026-05-01", "--to", "2026-01-01"), "--from"),
    ],
)
def test_report_bad_input_one_line(demo_env, args, needle):
    result = cli("followup", "report", *args, "--json", env=demo_env, check=False)
    assert result.returncode != 0
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and needle in lines[0] and "Traceback" not in result.stderr
