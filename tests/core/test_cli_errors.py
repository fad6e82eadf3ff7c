"""Bad input gets a one-line error and the documented exit code, never a traceback."""

from __future__ import annotations

import itertools
import re
import signal
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from assessor.cli import app, parse_resolve
from assessor.portals import example_portals_path
from tests.builders import table_text

ASSESSOR = [sys.executable, "-m", "assessor"]


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*ASSESSOR, *args], capture_output=True, text=True, timeout=120, cwd=cwd, env=None)


def assert_clean_error(result: subprocess.CompletedProcess[str], code: int, fragment: str) -> None:
    assert result.returncode == code, result.stderr + result.stdout
    assert "Traceback" not in result.stderr + result.stdout
    error_lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert error_lines and error_lines[0].startswith("error:"), result.stderr
    assert fragment in " ".join(result.stderr.split())


def free_port() -> int:
    """A port nothing listens on (bound then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.parametrize("url", ["ftp://example.gov.vn/", "dichvucong.gov.vn", "http://", "javascript:alert(1)"])
def test_a_non_http_url_exits_2(tmp_path: Path, url: str) -> None:
    assert_clean_error(run_cli("run", url, "--out", str(tmp_path), cwd=tmp_path), 2, "not an http(s) URL")


@pytest.mark.parametrize("command", [["run"], ["load", "--allow-load-test"]], ids=["run", "load"])
def test_a_url_holding_credentials_exits_2_without_printing_them(tmp_path: Path, command: list[str]) -> None:
    """They would be written into every report and snapshot."""
    result = run_cli(command[0], "https://canbo:matkhau123@dichvucong.example.gov.vn/", *command[1:],
                     "--out", "out", cwd=tmp_path)
    assert_clean_error(result, 2, "the URL holds credentials (user:password@ before https://dichvucong.example.gov.vn/)")
    assert "matkhau123" not in result.stdout + result.stderr
    assert list(tmp_path.iterdir()) == []


def test_a_bad_criteria_file_exits_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: x\nversion: '1'\ntitle: {vi: a, en: a}\ngrades: []\ngroups:\n - id: g\n   points: 5\n", encoding="utf-8")
    result = run_cli("run", "https://127.0.0.1:9/", "--criteria", str(bad), cwd=tmp_path)
    assert_clean_error(result, 2, str(bad))


def test_criteria_validate_reports_ok_and_errors(tmp_path: Path) -> None:
    ok = run_cli("criteria", "validate", str(Path(__file__).parents[2] / "assessor" / "criteria.yaml"), cwd=tmp_path)
    assert ok.returncode == 0 and "ok (qd-473-2024" in ok.stdout
    broken = tmp_path / "broken.yaml"
    broken.write_text("{{{", encoding="utf-8")
    assert_clean_error(run_cli("criteria", "validate", str(broken), cwd=tmp_path), 2, "not valid YAML")


def test_unknown_fail_under_grade_exits_2(tmp_path: Path) -> None:
    assert_clean_error(run_cli("run", "https://127.0.0.1:9/", "--fail-under", "Q", cwd=tmp_path), 2, "--fail-under")


@pytest.mark.parametrize("entry", ["a.gov.vn", "a.gov.vn=127.0.0.1", "a.gov.vn=127.0.0.1:99999",
                                   "a.gov.vn=127.0.0.1:0", "=127.0.0.1:443",
                                   # Not an address (it was Chromium's to fail on: "unreachable", exit 3),
                                   # or text that would add rules of its own to Chromium's resolver.
                                   "a.gov.vn=999.1.1.1:443", "a.gov.vn=portal.test:443",
                                   "a.gov.vn=127.0.0.1:443, MAP * 10.0.0.1:443", "a b.gov.vn=127.0.0.1:443"])
def test_bad_resolve_exits_2(tmp_path: Path, entry: str) -> None:
    assert_clean_error(run_cli("run", "https://a.gov.vn/", "--resolve", entry, cwd=tmp_path), 2,
                       f"--resolve expects HOST=IP:PORT (a host name, an IP address, a port from 1 to 65535), "
                       f"got '{entry}'")


def test_resolve_takes_ipv6_in_brackets() -> None:
    assert parse_resolve(["A.gov.vn=[::1]:8443", "b.gov.vn=127.0.0.1:443"]) == {
        "a.gov.vn": "[::1]:8443", "b.gov.vn": "127.0.0.1:443"}


def test_missing_browser_names_the_fix(tmp_path: Path) -> None:
    result = run_cli("run", "https://a.gov.vn/", "--browser", str(tmp_path / "no-chrome"), cwd=tmp_path)
    assert_clean_error(result, 2, "does not exist")


@pytest.mark.parametrize("command", [["run", "https://a.gov.vn/"], ["load", "https://a.gov.vn/", "--allow-load-test"]])
@pytest.mark.parametrize(("content", "fragment"), [
    (None, "file not found"),
    ("not a certificate\n", "no certificate in it (PEM expected)"),
])
def test_a_ca_bundle_it_cannot_use_exits_2(tmp_path: Path, command: list[str], content: str | None, fragment: str) -> None:
    """Said before any work starts, not as a failure half-way through (or a traceback from the
    load test's discovery)."""
    bundle = tmp_path / "ca.pem"
    if content is not None:
        bundle.write_text(content, encoding="utf-8")
    result = run_cli(*command, "--ca-bundle", str(bundle), "--out", str(tmp_path / "out"), cwd=tmp_path)
    assert_clean_error(result, 2, f"--ca-bundle {bundle}: {fragment}")
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("command", [
    ["run", "https://127.0.0.1:9/"],
    ["demo"],
    ["load", "https://127.0.0.1:9/", "--allow-load-test", "--path", "home=/"],
    ["campaign", "run", str(example_portals_path()), "--name", "x", "--db", "store.sqlite3"],
], ids=["run", "demo", "load", "campaign"])
@pytest.mark.parametrize(("out", "fragment"), [("a-file", "is a file, not a folder"),
                                               ("a-file/reports", "cannot write there: Not a directory")])
def test_an_out_folder_it_cannot_write_exits_2_before_any_work(tmp_path: Path, command: list[str], out: str,
                                                                fragment: str) -> None:
    (tmp_path / "a-file").write_text("not a folder", encoding="utf-8")
    result = run_cli(*command, "--out", out, cwd=tmp_path)
    assert_clean_error(result, 2, f"--out {out}: {fragment}")
    assert sorted(path.name for path in tmp_path.iterdir()) == ["a-file"], "nothing made, nothing started"


def test_a_portal_folder_that_is_a_file_exits_2_before_any_work(tmp_path: Path) -> None:
    """--id names the report's folder under --out: a file of that name raised NotADirectoryError
    once the assessment was over."""
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "lamha").write_text("not a folder", encoding="utf-8")
    result = run_cli("run", "https://127.0.0.1:9/", "--id", "lamha", "--out", "out", cwd=tmp_path)
    assert_clean_error(result, 2, "the portal's folder out/lamha is a file, not a folder: choose another --id or --out")


def test_a_sample_portal_port_already_taken_exits_2(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_cli("sample-portal", "serve", "--port", str(port), "--http-port", "0", cwd=tmp_path)
    assert_clean_error(result, 2, f"cannot listen on 127.0.0.1 (HTTPS port {port}, HTTP port 0): Address already in use")


@pytest.mark.parametrize(("port", "fragment"), [("99999", "99999 is not in the range 0<=x<=65535"),
                                               ("-1", "-1 is not in the range 0<=x<=65535")])
def test_a_sample_portal_port_out_of_range_exits_2(tmp_path: Path, port: str, fragment: str) -> None:
    result = run_cli("sample-portal", "serve", "--port", port, cwd=tmp_path)
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
    assert fragment in " ".join(result.stderr.replace("│", " ").split())


def test_a_sample_portal_address_not_of_this_machine_says_so(tmp_path: Path) -> None:
    result = run_cli("sample-portal", "serve", "--host", "192.0.2.1", "--port", "0", "--http-port", "0", cwd=tmp_path)
    assert_clean_error(result, 2, "cannot listen on 192.0.2.1: it is not an address of this machine")


def test_a_sample_portal_stopped_by_sigterm_leaves_no_temporary_files(tmp_path: Path) -> None:
    """Its certificates live in a temporary folder, removed on Ctrl-C but left behind by SIGTERM."""
    server = subprocess.Popen([*ASSESSOR, "sample-portal", "serve", "--port", "0", "--http-port", "0"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp_path)
    try:
        printed = list(itertools.takewhile(lambda line: "Press Ctrl-C" not in line, iter(server.stdout.readline, "")))
        [ca_cert] = [Path(line.split(":", 1)[1].strip()) for line in printed if line.startswith("CA cert:")]
        assert ca_cert.is_file() and ca_cert.parent.name.startswith("sample-portal-")
        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=30) == 143
    finally:
        server.kill()
    assert not ca_cert.parent.exists()


@pytest.mark.parametrize("portal_id", ["../outside", "a/b", "Cổng", ""])
def test_an_id_that_is_not_a_portal_id_exits_2(tmp_path: Path, portal_id: str) -> None:
    """The id names the report's folder under --out: '../outside' would write beside it."""
    result = run_cli("run", "http://127.0.0.1:9/", "--id", portal_id, "--out", "out", cwd=tmp_path)
    assert_clean_error(result, 2, f"--id {portal_id!r}: lowercase letters, digits")
    assert list(tmp_path.iterdir()) == [], "nothing written, inside --out or beside it"


def test_an_error_quoting_square_brackets_is_printed_as_it_is(tmp_path: Path) -> None:
    """Error lines quote what the user gave: `[/x]` is a path here, not Rich markup (a closing tag
    with nothing open made the error reporter itself crash)."""
    result = run_cli("criteria", "validate", "[/x].yaml", cwd=tmp_path)
    assert_clean_error(result, 2, "[/x].yaml: cannot read criteria file")
    good = Path(__file__).parents[2] / "assessor" / "criteria.yaml"
    (tmp_path / "[red]").mkdir()
    (tmp_path / "[red]" / "[bold]x.yaml").write_text(good.read_text(encoding="utf-8"), encoding="utf-8")
    ok = run_cli("criteria", "validate", "[red]/[bold]x.yaml", cwd=tmp_path)
    assert ok.returncode == 0 and "[red]/[bold]x.yaml: ok" in ok.stdout, ok.stderr


def test_an_unreachable_portal_exits_3_with_a_report(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}/"
    result = run_cli("run", url, "--out", str(tmp_path), "--no-progress", "--id", "gone", cwd=tmp_path)
    assert result.returncode == 3, result.stderr + result.stdout
    assert "Traceback" not in result.stderr + result.stdout
    assert "ERR_CONNECTION_REFUSED" in result.stdout
    assert (tmp_path / "gone" / "assessment.json").is_file()
    assert '"status": "unreachable"' in (tmp_path / "gone" / "assessment.json").read_text(encoding="utf-8")


def test_doctor_lists_browser_axe_and_criteria(tmp_path: Path) -> None:
    result = run_cli("doctor", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    for word in ("browser", "axe-core", "qd-473-2024"):
        assert word in result.stdout
    assert re.search(r"starts: version \d+\.\d+", table_text(result.stdout)), result.stdout


def broken_browser(folder: Path) -> Path:
    """An executable that is there but does not start, as a Chromium missing a library does (or an
    Ubuntu chromium-browser that only points to its snap)."""
    path = folder / "chromium"
    path.write_text("#!/bin/sh\necho 'chromium: error while loading shared libraries: libnss3.so' >&2\nexit 127\n",
                    encoding="utf-8")
    path.chmod(0o755)
    return path


BROKEN_SAID = ("did not start: chromium: error while loading shared libraries: libnss3.so (exit code 127); "
               "check the browser with 'assessor doctor', or choose another with --browser or ASSESSOR_CHROMIUM")


@pytest.mark.parametrize("command", [
    ["run", "https://127.0.0.1:9/"],
    ["demo"],
    ["campaign", "run", str(example_portals_path()), "--name", "x", "--db", "store.sqlite3"],
], ids=["run", "demo", "campaign"])
def test_a_browser_that_does_not_start_is_one_line_with_its_own_words(tmp_path: Path, command: list[str]) -> None:
    browser = broken_browser(tmp_path)
    result = run_cli(*command, "--browser", str(browser), "--out", "out", cwd=tmp_path)
    assert_clean_error(result, 2, f"the browser {browser} {BROKEN_SAID}")
    assert not list((tmp_path / "out").rglob("assessment.json"))


def test_doctor_says_a_browser_that_does_not_start(tmp_path: Path) -> None:
    result = run_cli("doctor", "--browser", str(broken_browser(tmp_path)), cwd=tmp_path)
    assert result.returncode == 2
    shown = table_text(result.stdout)
    assert "error while loading shared libraries: libnss3.so (exit code 127)" in shown
    assert "assessor doctor" not in shown, "doctor told its reader to run doctor"


def test_a_folder_given_as_the_browser_or_the_ca_bundle_is_said_to_be_a_folder(tmp_path: Path) -> None:
    """Both said the folder did not exist."""
    assert_clean_error(run_cli("run", "https://127.0.0.1:9/", "--browser", str(tmp_path), cwd=tmp_path), 2,
                       f"--browser {tmp_path} is a folder, not the browser's program")
    assert_clean_error(run_cli("run", "https://127.0.0.1:9/", "--ca-bundle", str(tmp_path), cwd=tmp_path), 2,
                       f"--ca-bundle {tmp_path}: a folder, not a file")


@pytest.mark.parametrize(("command", "switch"), [(["run"], "--no-progress"), (["campaign", "run"], "--resume"),
                                               (["load"], "--allow-load-test")], ids=["run", "campaign run", "load"])
def test_help_shows_flags_as_flags(command: list[str], switch: str) -> None:
    """A switch such as --resume takes no value: its help must not show one (Typer 0.29 printed
    `--resume <bool>`, as if it wanted `--resume true`)."""
    help_text = CliRunner().invoke(app, [*command, "--help"], env={"COLUMNS": "200"}).output
    assert switch in help_text
    assert "<bool>" not in help_text, [line for line in help_text.splitlines() if "<bool>" in line][:3]


def every_command(command: Any, path: tuple[str, ...] = ()) -> list[tuple[str, Any]]:
    """("campaign run", its command) for the whole tree (Typer carries its own copy of Click, so
    the tree is walked by attribute rather than by Click's classes)."""
    found = [(" ".join(path) or "assessor", command)]
    for name, sub in getattr(command, "commands", {}).items():
        found += every_command(sub, (*path, name))
    return found


def test_every_command_and_option_says_what_it_does() -> None:
    """`--help` is the documentation users read first: no command and no option may be bare."""
    bare = []
    for path, command in every_command(typer.main.get_command(app)):
        if not (command.help or command.short_help):
            bare.append(path)
        bare += [f"{path} {param.opts[0]}" for param in command.params
                 if param.opts[0] != "--help" and not getattr(param, "help", None)]
    assert not bare, bare


def test_every_option_is_in_the_readme_or_the_docs() -> None:
    """The README promises every command documented: an option only `--help` knows of is missed by
    whoever reads the README to plan a campaign or a CI job."""
    root = Path(__file__).resolve().parents[2]
    docs = "\n".join(path.read_text(encoding="utf-8") for path in [root / "README.md", *root.glob("docs/*.md")])
    missing = [f"{path} {option}" for path, command in every_command(typer.main.get_command(app))
               for param in command.params for option in param.opts
               if option.startswith("--") and option != "--help" and option not in docs]
    assert not missing, missing


@pytest.mark.parametrize("command", [["run", "https://127.0.0.1:9/"], ["demo"], ["criteria", "show"],
                                     ["campaign", "run", "portals.yaml", "--name", "x"], ["campaign", "report", "x"],
                                     ["campaign", "rescore", "x"]],
                         ids=["run", "demo", "criteria show", "campaign run", "campaign report", "campaign rescore"])
def test_a_language_other_than_vi_or_en_exits_2_on_every_command(tmp_path: Path, command: list[str]) -> None:
    """Only `run` checked it: `demo --lang fr` wrote <html lang="fr"> over English text."""
    result = run_cli(*command, "--lang", "fr", "--out", "out", cwd=tmp_path) if command[0] in ("run", "demo") \
        else run_cli(*command, "--lang", "fr", cwd=tmp_path)
    assert_clean_error(result, 2, "--lang must be vi or en, got 'fr'")
    assert not (tmp_path / "out").exists()
