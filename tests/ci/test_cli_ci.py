"""`assessor run` as a pipeline runs it: CI=true, gates, exit codes, the plain summary, and the
documented pipeline examples using options the CLI really has."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.ci.outputs import validate_junit, validate_sarif
from tests.core.local_site import serve_site
from tests.core.test_cli_errors import free_port

ROOT = Path(__file__).parents[2]
PAGE = "<html lang='vi'><head><title>Cổng thử</title></head><body><h1>Dịch vụ công</h1></body></html>"


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CI": "true"}
    command = [sys.executable, "-m", "assessor", "run", *args, "--max-pages", "1", "--time-budget", "20", "--page-timeout", "5"]
    return subprocess.run(command, capture_output=True, text=True, timeout=240, cwd=cwd, env=env)


@pytest.fixture(scope="module")
def site() -> str:
    with serve_site({"/": (200, {}, PAGE)}) as url:
        yield url + "/"


@pytest.fixture(scope="module")
def gated_run(site: str, tmp_path_factory: pytest.TempPathFactory) -> tuple[subprocess.CompletedProcess[str], Path]:
    out = tmp_path_factory.mktemp("ci")
    result = run_cli(site, "--out", str(out), "--format", "json,junit,sarif", "--fail-under", "A", "--fail-on", "security.https", "--id", "site", cwd=out)
    return result, out / "site"


def test_a_failed_gate_exits_1_with_a_plain_summary(gated_run) -> None:
    result, folder = gated_run
    assert result.returncode == 1, result.stderr + result.stdout
    assert "\x1b[" not in result.stdout + result.stderr  # no live display, no colour codes
    lines = result.stdout.splitlines()
    assert re.match(r"http://127\.0\.0\.1:\d+/: \d+(\.\d{1,2})?/100, Xếp loại [A-E]", lines[0]), lines[0]
    assert any(line.strip().startswith("gate --fail-under A: FAILED") for line in lines)
    assert any(line.strip().startswith("gate --fail-on security.https: FAILED") for line in lines)
    assert any(line.strip() == f"→ {folder / 'junit.xml'}" for line in lines)
    validate_junit((folder / "junit.xml").read_text(encoding="utf-8"))
    validate_sarif((folder / "assessor.sarif").read_text(encoding="utf-8"))


def test_passing_gates_exit_0(site: str, tmp_path: Path) -> None:
    result = run_cli(site, "--out", str(tmp_path), "--format", "json", "--fail-under", "0", cwd=tmp_path)
    assert result.returncode == 0, result.stderr + result.stdout
    assert "gate --fail-under 0: passed" in result.stdout


def test_an_unreachable_portal_exits_3(tmp_path: Path) -> None:
    result = run_cli(f"http://127.0.0.1:{free_port()}/", "--out", str(tmp_path), "--fail-under", "E", cwd=tmp_path)
    assert result.returncode == 3, result.stderr + result.stdout
    assert "ERR_CONNECTION_REFUSED" in result.stdout


@pytest.mark.parametrize(("args", "fragment"), [(["--fail-under", "B+"], "expects a grade"), (["--fail-on", "no.such"], "no criterion no.such")])
def test_a_gate_it_cannot_use_exits_2(tmp_path: Path, args: list[str], fragment: str) -> None:
    result = run_cli("http://127.0.0.1:9/", *args, cwd=tmp_path)
    assert result.returncode == 2 and fragment in " ".join(result.stderr.split())


def example_commands() -> list[str]:
    commands = []
    for name in ("github-actions.yml", "gitlab-ci.yml"):
        text = (ROOT / "docs" / "ci" / name).read_text(encoding="utf-8")
        yaml.safe_load(text)  # a pipeline file that does not parse is no example
        joined = text.replace("\\\n", " ")
        commands += [line.split("assessor run", 1)[1] for line in joined.splitlines() if "assessor run" in line]
    return commands


def test_the_pipeline_examples_use_options_the_cli_has_and_the_docs_give() -> None:
    commands = example_commands()
    assert len(commands) == 2
    help_text = subprocess.run([sys.executable, "-m", "assessor", "run", "--help"], capture_output=True, text=True, env={**os.environ, "COLUMNS": "200"}).stdout
    ci_doc = (ROOT / "docs" / "CI.md").read_text(encoding="utf-8")
    for command in commands:
        for option in re.findall(r"--[a-z-]+", command):
            assert option in help_text, option
        assert "--format json,html,junit,sarif --fail-under C --fail-on security.https" in " ".join(command.split())
    assert "assessor run \"$PORTAL_URL\" --out reports --format json,html,junit,sarif --fail-under C --fail-on security.https" in ci_doc
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "docs/CI.md" in readme and "junit" in readme and "--fail-on" in readme
