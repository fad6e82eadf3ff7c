"""The portal list: a valid list loads; every kind of mistake names its line and field."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from assessor.cli import app
from assessor.portals import PortalsError, example_portals_path, load_portals, parse_portals

VALID = """\
portals:
  - id: hanoi
    name: Cổng Dịch vụ công thành phố Hà Nội
    kind: province
    url: https://dichvucong.hanoi.gov.vn/
    max_pages: 30
    extra_urls: [https://dichvucong.hanoi.gov.vn/tra-cuu]
  - id: bo-tu-phap
    name: Cổng Dịch vụ công Bộ Tư pháp
    kind: ministry
    url: https://dichvucong.moj.gov.vn/
    allow_load_test: true
"""


def problems_of(text: str) -> list[str]:
    with pytest.raises(PortalsError) as caught:
        parse_portals(text, "p.yaml")
    return caught.value.problems


def test_a_valid_list_loads_with_its_overrides() -> None:
    portals = parse_portals(VALID)
    assert [entry.id for entry in portals.portals] == ["hanoi", "bo-tu-phap"]
    hanoi = portals.by_id("hanoi")
    assert hanoi.name == "Cổng Dịch vụ công thành phố Hà Nội"
    assert (hanoi.max_pages, hanoi.extra_urls, hanoi.allow_load_test) == (
        30, ["https://dichvucong.hanoi.gov.vn/tra-cuu"], False)
    assert portals.by_id("bo-tu-phap").allow_load_test is True


def test_bad_kind_url_and_unknown_field_are_reported_with_line_and_field() -> None:
    text = VALID.replace("kind: ministry", "kind: city").replace(
        "url: https://dichvucong.moj.gov.vn/", "url: ftp://dichvucong.moj.gov.vn/\n    colour: red")
    assert problems_of(text) == [
        "p.yaml: line 10: portal bo-tu-phap: kind: Input should be 'ministry', 'province' or 'other'",
        "p.yaml: line 11: portal bo-tu-phap: url: not an http(s) URL: 'ftp://dichvucong.moj.gov.vn/'",
        "p.yaml: line 12: portal bo-tu-phap: colour: Extra inputs are not permitted",
    ]


def test_a_url_holding_credentials_is_refused_without_repeating_them() -> None:
    problems = problems_of("portals:\n  - {id: a, name: A, kind: other, url: 'https://canbo:matkhau@a.gov.vn/'}\n")
    assert problems == [("p.yaml: line 2: portal a: url: the URL holds credentials (user:password@ before "
                         "https://a.gov.vn/): they would be written into every report and snapshot; remove them")]


def test_a_missing_field_names_the_entry_and_the_field() -> None:
    text = VALID.replace("    name: Cổng Dịch vụ công Bộ Tư pháp\n", "")
    assert problems_of(text) == ["p.yaml: line 8: portal bo-tu-phap: name: Field required"]


def test_duplicate_ids_point_at_both_lines() -> None:
    text = VALID.replace("id: bo-tu-phap", "id: hanoi")
    assert problems_of(text) == ["p.yaml: line 8: portal hanoi: id: duplicate id (first on line 2)"]


def test_broken_yaml_and_a_wrong_shape_are_one_line_errors() -> None:
    assert problems_of("portals: [\n") == [
        "p.yaml: line 2: not valid YAML: expected the node content, but found '<stream end>'"]
    assert problems_of("title: x\n") == ["p.yaml: line 1: expected a 'portals:' list of entries"]
    assert problems_of("portals: []\n") == ["p.yaml: line 1: the portal list is empty"]


def test_a_portal_listed_twice_under_two_ids_is_refused() -> None:
    """An entry copied and left with the first one's URL: that portal would be assessed and ranked
    twice, and the one meant never. Written differently (case, default port, the last slash), it is
    still the same page."""
    copied = VALID + ("  - id: ha-noi-2\n    name: Cổng Dịch vụ công Hà Nội (bản sao)\n    kind: province\n"
                      "    url: HTTPS://DichVuCong.HaNoi.gov.vn:443\n")
    assert problems_of(copied) == [
        ("p.yaml: line 16: portal ha-noi-2: url: the same page as portal hanoi's (line 5): "
         "each portal is listed once"),
    ]
    # Other pages of one host, and sample portals (each entry starts one of its own), are not the same.
    other_page = VALID + "  - {id: tra-cuu, name: Tra cứu, kind: other, url: 'https://dichvucong.hanoi.gov.vn/tra-cuu'}\n"
    samples = "portals:\n  - {id: s1, name: A, kind: other, url: 'sample:good'}\n  - {id: s2, name: B, kind: other, url: 'sample:good'}\n"
    assert len(parse_portals(other_page).portals) == 3 and len(parse_portals(samples).portals) == 2


def test_sample_urls_carry_a_profile_and_flag_overrides() -> None:
    entry = parse_portals(
        "- {id: s, name: S, kind: other, url: 'sample:poor?server_delay_ms=10&missing_functions=payment,faq'}"
    ).portals[0]
    assert entry.is_sample
    spec = entry.sample_profile()
    assert spec.profile == "poor"
    assert spec.overrides == {"server_delay_ms": "10", "missing_functions": "payment,faq"}


def test_the_shipped_example_fleet_is_valid_and_varied(tmp_path: Path) -> None:
    portals = load_portals(example_portals_path())
    assert len(portals.portals) >= 12
    assert {entry.kind for entry in portals.portals} >= {"ministry", "province"}
    assert len({entry.sample_profile().profile for entry in portals.portals}) >= 6


def test_an_unreadable_file_is_reported(tmp_path: Path) -> None:
    with pytest.raises(PortalsError, match="cannot read the portal list"):
        load_portals(tmp_path / "absent.yaml")


RECIPE = "steps:\n  - goto: /dang-nhap\n  - fill: '#user'\n    value: '{env:P_USER}'\n  - click: button\nlogged_in_marker: '#me'\n"


def list_with_logins(folder: Path, *logins: str) -> Path:
    entries = "".join(f"  - id: p{index}\n    name: Cổng {index}\n    kind: province\n"
                      f"    url: https://p{index}.gov.vn/\n    login: {login}\n" for index, login in enumerate(logins))
    path = folder / "portals.yaml"
    path.write_text("portals:\n" + entries, encoding="utf-8")
    return path


def test_a_login_recipe_is_inline_or_a_file_next_to_the_list(tmp_path: Path) -> None:
    (tmp_path / "recipes").mkdir()
    (tmp_path / "recipes" / "p0.yaml").write_text(RECIPE, encoding="utf-8")
    inline = "{steps: [{goto: /dang-nhap}, {click: button}], logged_in_marker: '#me'}"
    portals = load_portals(list_with_logins(tmp_path, "recipes/p0.yaml", inline))
    from_file, written_inline = (entry.login_recipe() for entry in portals.portals)
    assert portals.portals[0].login == str(tmp_path / "recipes" / "p0.yaml")
    assert [step.goto or step.fill or step.click for step in from_file.steps] == ["/dang-nhap", "#user", "button"]
    assert written_inline.logged_in_marker == "#me"


def test_a_login_recipe_file_it_cannot_use_names_the_portal_and_the_line(tmp_path: Path) -> None:
    (tmp_path / "empty.yaml").write_text("steps: []\nlogged_in_marker: '#me'\n", encoding="utf-8")
    with pytest.raises(PortalsError) as caught:
        load_portals(list_with_logins(tmp_path, "absent.yaml", "empty.yaml"))
    missing, unusable = caught.value.problems
    assert missing.startswith(f"{tmp_path / 'portals.yaml'}: line 6: portal p0: login: {tmp_path / 'absent.yaml'}: "
                              "cannot read login recipe")
    assert unusable.startswith(f"{tmp_path / 'portals.yaml'}: line 11: portal p1: login: {tmp_path / 'empty.yaml'}: steps")


def test_a_campaign_whose_login_recipe_lacks_its_secrets_does_not_start(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """As `assessor run --login-recipe` refuses: otherwise the portal would be assessed without
    logging in, which would show only in its report once the campaign is over."""
    (tmp_path / "login.yaml").write_text(RECIPE, encoding="utf-8")
    portals = list_with_logins(tmp_path, "login.yaml")
    monkeypatch.delenv("P_USER", raising=False)
    result = CliRunner().invoke(app, ["campaign", "run", str(portals), "--name", "x", "--db",
                                      str(tmp_path / "store.sqlite3"), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2, result.output
    assert "portal p0: its login recipe needs environment variable(s) P_USER" in " ".join(result.output.split())
    assert not (tmp_path / "store.sqlite3").exists() and not (tmp_path / "out").exists()


def test_a_password_written_into_an_inline_recipe_is_refused_on_its_step_s_line() -> None:
    """It was reported on the line of `login:`, the whole recipe, not on the step that holds it."""
    text = ("portals:\n  - id: p0\n    name: Cổng\n    kind: province\n    url: https://p0.gov.vn/\n"
            "    login:\n      steps:\n        - goto: /dang-nhap\n        - fill: input[name=username]\n"
            "          value: '{env:P_USER}'\n        - fill: input[name=password]\n          value: hunter2\n"
            "      logged_in_marker: '#me'\n")
    [problem] = problems_of(text)
    assert problem.startswith("p.yaml: line 11: portal p0: login.steps.2: "), problem
    assert "fill 'input[name=password]': a password must be given as {env:VAR}" in problem
    assert "hunter2" not in problem


def test_validate_says_which_secrets_a_run_will_need(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The list is valid (the secrets may be set on the machine that runs the campaign), but
    `campaign validate` said only "ok" and `campaign run` then refused to start here."""
    (tmp_path / "login.yaml").write_text(RECIPE, encoding="utf-8")
    portals = list_with_logins(tmp_path, "login.yaml")
    monkeypatch.delenv("P_USER", raising=False)
    result = CliRunner().invoke(app, ["campaign", "validate", str(portals)])
    assert result.exit_code == 0, result.output
    said = " ".join(result.output.split())
    assert f"{portals}: ok (1 portal)" in said
    assert ("note: portal p0: its login recipe needs environment variable(s) P_USER, not set here: campaign run "
            "refuses to start without them") in said
    monkeypatch.setenv("P_USER", "canbo")
    assert "note:" not in CliRunner().invoke(app, ["campaign", "validate", str(portals)]).output


@pytest.mark.parametrize("name", ["", "../outside", "Đợt 1/2026", ".hidden", "a\\b"])
def test_a_campaign_name_that_is_not_one_folder_name_is_refused(name: str, tmp_path: Path) -> None:
    """The name is the campaign's folder under --out: '../outside' would write beside it, '' into it."""
    portals = tmp_path / "lists" / "portals.yaml"
    portals.parent.mkdir()
    portals.write_text("portals:\n  - {id: closed, name: Cổng, kind: other, url: 'http://127.0.0.1:9/'}\n",
                       encoding="utf-8")
    result = CliRunner().invoke(app, ["campaign", "run", str(portals), "--name", name,
                                      "--db", str(tmp_path / "store.sqlite3"), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2, result.output
    assert "a campaign's name is also its folder under --out" in " ".join(result.output.split())
    assert [path.name for path in tmp_path.iterdir()] == ["lists"]


def test_a_campaign_name_may_be_vietnamese_with_spaces() -> None:
    from assessor.cli_campaign import campaign_name_or_exit

    assert campaign_name_or_exit("Đợt 1 năm 2026") == "Đợt 1 năm 2026"


def test_a_bare_list_names_the_line_of_an_unusable_login_recipe(tmp_path: Path) -> None:
    path = tmp_path / "portals.yaml"
    path.write_text("- id: a\n  name: A\n  kind: other\n  url: https://a.gov.vn/\n  login: absent.yaml\n",
                    encoding="utf-8")
    with pytest.raises(PortalsError, match=r"portals\.yaml: line 5: portal a: login: .*cannot read login recipe"):
        load_portals(path)


@pytest.mark.parametrize(("port", "problem"), [("99999", "port 99999 is out of range (1–65535)"),
                                                ("abc", "port 'abc' is not a number")])
def test_a_url_with_a_bad_port_is_a_problem_on_its_line(port: str, problem: str, tmp_path: Path) -> None:
    """It used to escape validation and crash `campaign validate` and `campaign run` with a traceback."""
    text = VALID.replace("url: https://dichvucong.moj.gov.vn/", f"url: https://dichvucong.moj.gov.vn:{port}/")
    assert problems_of(text) == [f"p.yaml: line 11: portal bo-tu-phap: url: {problem}"]
    path = tmp_path / "portals.yaml"
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(app, ["campaign", "validate", str(path)])
    assert result.exit_code == 2, result.output
    assert f"line 11: portal bo-tu-phap: url: {problem}" in " ".join(result.output.split())


def test_a_top_level_key_other_than_portals_is_refused_unless_its_entries_merge_it() -> None:
    """A `defaults:` block the team believes applies to every portal would be ignored without a
    word; settings under an anchor that the entries merge (`<<: *defaults`) do apply."""
    assert problems_of("defaults:\n  max_pages: 3\n" + VALID) == [
        ("p.yaml: line 1: defaults: not a key of a portal list, which holds only 'portals:' (settings such as "
         "max_pages go in each portal's entry, or under an anchor its entries merge: `<<: *defaults`)")]
    merged = parse_portals("defaults: &defaults\n  max_pages: 3\n" + VALID.replace("  - id:", "  - <<: *defaults\n    id:"))
    assert [entry.max_pages for entry in merged.portals] == [30, 3]


def test_a_key_given_twice_is_refused_naming_both_lines() -> None:
    """YAML would keep the last value without a word: which of the two was meant is the team's call."""
    text = VALID.replace("    max_pages: 30\n", "    max_pages: 30\n    url: https://dichvucong.hanoi.gov.vn/trang-chu\n")
    assert problems_of(text) == ["p.yaml: line 7: portal hanoi: url: given twice (first on line 5)"]
    assert problems_of("portals: []\n" + VALID) == ["p.yaml: line 2: portals: given twice (first on line 1)"]


def test_load_test_permission_and_max_pages_must_be_real_yaml_values_not_text() -> None:
    """Permission to load-test a portal is given by `true`, never by text that looks like yes."""
    text = VALID.replace("allow_load_test: true", "allow_load_test: 'yes'").replace("max_pages: 30", "max_pages: '5'")
    assert problems_of(text) == [
        "p.yaml: line 6: portal hanoi: max_pages: Input should be a valid integer",
        "p.yaml: line 12: portal bo-tu-phap: allow_load_test: Input should be a valid boolean",
    ]


def test_a_blank_name_and_a_url_with_spaces_are_refused() -> None:
    text = VALID.replace("name: Cổng Dịch vụ công Bộ Tư pháp", "name: '   '").replace(
        "url: https://dichvucong.moj.gov.vn/", "url: https://dichvucong.moj .gov.vn/ x")
    assert problems_of(text) == [
        "p.yaml: line 9: portal bo-tu-phap: name: blank: give the portal's name",
        ("p.yaml: line 11: portal bo-tu-phap: url: a URL holds no spaces (write one in a path as %20): "
         "'https://dichvucong.moj .gov.vn/ x'"),
    ]


def test_an_id_yaml_reads_as_a_number_is_explained_with_the_quotes_that_keep_it() -> None:
    """A province code such as 01 is the number 1 to YAML (while 08, not an octal number, is text)."""
    text = VALID.replace("id: hanoi", "id: 01")
    assert problems_of(text) == ["p.yaml: line 2: portal 01: id: YAML reads 01 as a number: write it in quotes, '01'"]
    assert parse_portals(VALID.replace("id: hanoi", "id: '01'")).portals[0].id == "01"


def test_an_id_that_is_not_a_folder_name_is_explained_in_words() -> None:
    assert problems_of(VALID.replace("id: hanoi", "id: Hà Nội")) == [
        ("p.yaml: line 2: portal Hà Nội: id: 'Hà Nội' is not an id, which holds lower-case letters a-z, digits, "
         "'-' and '_' (up to 64, beginning with a letter or digit), for example ha-noi")]


def test_extra_urls_must_be_pages_of_the_portals_own_host() -> None:
    """A page of another host would be crawled and judged as the portal's own; one with a bad port
    was dropped without a word when the campaign ran."""
    text = VALID.replace("    extra_urls: [https://dichvucong.hanoi.gov.vn/tra-cuu]\n", (
        "    extra_urls:\n      - https://dichvucong.hanoi.gov.vn/tra-cuu\n      - https://dichvucong.hanoi.gov.vn:99999/x\n"
        "      - https://hanoi.gov.vn/tin-tuc\n      - /thu-tuc\n"))
    assert problems_of(text) == [
        "p.yaml: line 9: portal hanoi: extra_urls.1: port 99999 is out of range (1–65535)",
        ("p.yaml: line 10: portal hanoi: extra_urls.2: 'https://hanoi.gov.vn/tin-tuc' is not on the portal's host "
         "(dichvucong.hanoi.gov.vn): only the portal's own pages are assessed"),
        "p.yaml: line 11: portal hanoi: extra_urls.3: not an http(s) URL: '/thu-tuc'",
    ]
    sample = "- {id: s, name: S, kind: other, url: 'sample:good', extra_urls: ['http://127.0.0.1:8080/x']}\n"
    assert problems_of(sample) == [
        ("p.yaml: line 1: portal s: extra_urls.0: a sample portal's address is chosen when it starts, so "
         "extra_urls cannot name its pages")]


@pytest.mark.parametrize(("url", "problem"), [
    ("sample:nosuchprofile", "unknown profile 'nosuchprofile'; known profiles: good, poor, "),
    ("sample:good?nosuchflag=1", "unknown flag 'nosuchflag'; known flags: theme, "),
    ("sample:good?server_delay_ms=slow", "server_delay_ms: expected an integer, got 'slow'"),
    ("sample:good?emc=sometimes", "emc: 'sometimes' is not one of complete, "),
    ("sample:good?closed", "closed: expected true/false, got ''"),
])
def test_a_sample_url_the_sample_portal_cannot_start_is_refused_on_its_line(url: str, problem: str) -> None:
    """It used to pass `campaign validate` and fail only in the portal's worker, mid-campaign."""
    problems = problems_of(f"portals:\n  - id: s\n    name: S\n    kind: other\n    url: '{url}'\n")
    assert len(problems) == 1 and problems[0].startswith(f"p.yaml: line 5: portal s: url: {problem}"), problems
