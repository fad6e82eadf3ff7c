"""Loading and validating rubrics: the bundled one, and every kind of mistake in a file."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from assessor.criteria import CriteriaError, default_criteria_path, load_rubric
from tests.core.rubric_fixtures import criterion, rubric_data, write_rubric

OFFICIAL_GROUPS = {"function": 50, "layout": 5, "performance": 20, "security": 15, "accessibility": 5, "emc": 5}


def test_bundled_rubric_has_the_official_groups_and_bands() -> None:
    rubric = load_rubric()
    assert rubric.id == "qd-473-2024"
    assert {group.id: group.points for group in rubric.groups} == OFFICIAL_GROUPS
    assert [(band.grade, band.min) for band in rubric.grades] == [("A", 90), ("B", 80), ("C", 65), ("D", 50), ("E", 0)]
    for item in rubric.all_criteria():
        assert item.title.vi and item.title.en
        assert item.method in ("auto", "manual")


def test_bundled_rubric_grades_follow_the_bands() -> None:
    rubric = load_rubric()
    assert [rubric.grade_for(score) for score in (100, 90, 89.99, 80, 65, 64.9, 50, 49.9, 0)] == list("AABBCDDEE")


def valid(tmp_path: Path) -> dict:
    return rubric_data([criterion("a.one", 60)], [criterion("b.one", 40)])


def test_a_valid_rubric_loads(tmp_path: Path) -> None:
    rubric = load_rubric(write_rubric(tmp_path, valid(tmp_path)))
    assert [c.id for c in rubric.all_criteria()] == ["a.one", "b.one"]


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (lambda d: d["groups"][0]["criteria"][0].update(points=50), "group a: criteria points sum to 50, the group declares 60"),
        (lambda d: d["groups"][1].update(points=30) or d["groups"][1]["criteria"][0].update(points=30), "groups sum to 90 points"),
        (lambda d: d["groups"][0]["criteria"][0].update(check="nope.missing"), "criterion a.one: unknown check id 'nope.missing'"),
        (lambda d: d["groups"][0]["criteria"][0]["params"].update(colour="red"), "criterion a.one: params do not fit check test.fixed: colour"),
        (lambda d: d["groups"][0]["criteria"][0]["params"].update(status="great"), "criterion a.one: params do not fit check test.fixed: status"),
        (lambda d: d["groups"][1]["criteria"][0].update(id="a.one"), "criterion a.one: id used twice"),
        (lambda d: d["groups"][0]["criteria"][0].pop("title"), "criterion a.one: title"),
        (lambda d: d["groups"][0]["criteria"][0].update(method="sometimes"), "criterion a.one: method"),
        (lambda d: d.update(caps=[{"criterion": "zz", "grade": "C", "reason": {"vi": "x", "en": "x"}}]), "cap names unknown criterion 'zz'"),
        (lambda d: d.update(caps=[{"criterion": "a.one", "grade": "Z", "reason": {"vi": "x", "en": "x"}}]), "grade 'Z' is not one of the grade bands"),
        (lambda d: d["grades"][1].update(min=95), "grades: B (min 95) must start below A (min 90): list the bands best first"),
        (lambda d: d["grades"][1].update(grade="A"), "grades: grade A is listed twice"),
        (lambda d: d.update(grades=[]), "grades: at least one grade band is needed"),
        (lambda d: d["grades"][0].update(min=105), "grades: A: min 105 is outside 0-100"),
        # A score below the last band's min got that band anyway.
        (lambda d: d["grades"][-1].update(min=10), "grades: the last band, E, must start at 0 (it starts at 10)"),
        # Read as 1 point, as `points: "1"` was: a typo must not become a weight.
        (lambda d: d["groups"][0]["criteria"][0].update(points=True), "criterion a.one: points: Input should be a valid number"),
        (lambda d: d["groups"][0]["criteria"][0].update(points="1"), "criterion a.one: points: Input should be a valid number"),
        # Ids go into --fail-on, review files and CSV columns.
        (lambda d: d["groups"][0]["criteria"][0].update(id="a one"),
         "criterion 'a one': an id is letters, digits, '.', '_' and '-' (no spaces)"),
        (lambda d: d["groups"][0]["criteria"][0].update(title={"vi": "Một", "en": " "}), "criterion a.one: title: en is empty"),
        # Every problem, each where it is: a typo's "extra input" was hidden behind "(and 1 more problem)".
        (lambda d: d["groups"][0]["criteria"][0].update(pionts=d["groups"][0]["criteria"][0].pop("points")),
         "criterion a.one: points: Field required; line 19: criterion a.one: pionts: Extra inputs are not permitted"),
        (lambda d: d["groups"][1].update(titel=d["groups"][1].pop("title")),
         "group b: title: Field required; line 41: group b: titel: Extra inputs are not permitted"),
    ],
)
def test_mistakes_are_named_with_file_and_criterion(tmp_path: Path, mutate, expected: str) -> None:
    data = valid(tmp_path)
    mutate(data)
    path = write_rubric(tmp_path, data)
    with pytest.raises(CriteriaError) as caught:
        load_rubric(path)
    message = str(caught.value)
    assert message.startswith(str(path))
    assert expected in message
    assert "\n" not in message


def test_malformed_yaml_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("id: x\ngroups:\n  - id: a\n   points: [1,\n", encoding="utf-8")
    with pytest.raises(CriteriaError, match=r"broken.yaml: line \d+ not valid YAML"):
        load_rubric(path)


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(CriteriaError, match="cannot read criteria file"):
        load_rubric(tmp_path / "absent.yaml")


def test_a_list_instead_of_a_mapping_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "list.yaml"
    path.write_text("- 1\n- 2\n", encoding="utf-8")
    with pytest.raises(CriteriaError, match="expected a mapping"):
        load_rubric(path)


def test_criteria_show_prints_every_id_whole_in_a_pipe() -> None:
    """Read at 80 columns (a pipe, a CI log), ids were cut to `function.catalogue_…`: useless for
    --fail-on, which takes them."""
    shown = subprocess.run([sys.executable, "-m", "assessor", "criteria", "show", "--lang", "en"], capture_output=True,
                           text=True, check=True, env={**os.environ, "COLUMNS": ""}).stdout
    words = set(re.findall(r"[\w.]+", shown))
    assert [criterion.id for criterion in load_rubric().all_criteria() if criterion.id not in words] == []


def test_a_key_given_twice_in_a_criteria_file_is_refused_naming_both_lines(tmp_path: Path) -> None:
    """The last value silently won: a rubric edited by hand could score with points no one meant."""
    path = write_rubric(tmp_path, rubric_data([criterion("a.1", 60)], [criterion("b.1", 40)]))
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("    points: 60\n", "    points: 60\n    points: 6\n", 1), encoding="utf-8")
    assert "points: 6\n" in path.read_text(encoding="utf-8")
    with pytest.raises(CriteriaError, match=r"line \d+: key 'points' given twice \(first on line \d+\)"):
        load_rubric(path)


@pytest.mark.parametrize(("old", "new", "expected"), [
    # A pattern that does not compile crashed a check on every portal, found out only after the crawl.
    ("exclude_hrefs: &procedure_urls ['/thu-tuc[-a-z]*/", "exclude_hrefs: &procedure_urls ['/thu-tuc([-a-z]*/",
     ("criterion function.catalogue: params do not fit check function.catalogue: "
      "functions.catalogue.exclude_hrefs.0: not a regular expression")),
    ("site_id_pattern: '^\\d{1,10}$'", "site_id_pattern: '^(\\d{1,10}$'",
     ("criterion emc.snippet: params do not fit check emc.snippet: site_id_pattern: not a regular expression "
     "(missing ), unterminated subpattern at position 1)")),
    # A penalty below 0 would reward violations; a pass ratio above the fail ratio is backwards.
    ("impact_weights: {critical: 0.25,", "impact_weights: {critical: -0.25,",
     "criterion accessibility.axe: params do not fit check accessibility.axe: impact_weights.critical"),
    ("pass_ratio: 0.0\n          fail_ratio: 0.05", "pass_ratio: 0.5\n          fail_ratio: 0.05",
     ("criterion function.link_health: params do not fit check function.link_health: pass_ratio 0.5 must be below "
     "fail_ratio 0.05")),
    # Two groups of one id: their columns in the exports merged, and no longer added up to the score.
    ("  - id: emc\n", "  - id: accessibility\n", "group id 'accessibility' used twice"),
    # A load test beyond the ceilings was found out only when the run refused it, its points unscored.
    ("load: {users: 20,", "load: {users: 100000,",
     ("criterion performance.load_latency: params do not fit check performance.load_metric: load: users 100000 is "
     "above the ceiling of 200")),
    # A form factor the lab does not measure scored 0 as if the browser had reported nothing.
    ("form_factors: {desktop: 1}", "form_factors: {tablet: 1}",
     "criterion performance.page_weight: form factor 'tablet' is not one the lab measures (desktop, mobile)"),
])
def test_params_that_cannot_score_as_meant_are_refused(tmp_path: Path, old: str, new: str, expected: str) -> None:
    text = default_criteria_path().read_text(encoding="utf-8")
    assert old in text, old
    path = tmp_path / "criteria.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(CriteriaError) as caught:
        load_rubric(path)
    assert expected in str(caught.value)


@pytest.mark.parametrize(("old", "new", "anchor", "expected"), [
    # A schema problem: the line of the value that is wrong.
    ("    points: 50\n    criteria:", "    points: x\n    criteria:", "    points: x",
     "group function: points: Input should be a valid number"),
    # A check's params: the line of the param, here one written once under an anchor and reused.
    ("exclude_hrefs: &procedure_urls ['/thu-tuc[-a-z]*/", "exclude_hrefs: &procedure_urls ['/thu-tuc([-a-z]*/",
     "exclude_hrefs: &procedure_urls ['/thu-tuc(",
     "criterion function.catalogue: params do not fit check function.catalogue: functions.catalogue.exclude_hrefs.0"),
    ("load: {users: 20,", "load: {users: 100000,", "load: {users: 100000,",
     "criterion performance.load_latency: params do not fit check performance.load_metric: load: users 100000"),
    ("check: function.catalogue_search\n", "check: function.nope\n", "check: function.nope",
     "criterion function.catalogue_search: unknown check id 'function.nope'"),
    # A criterion as a whole: the line its entry starts on.
    ("- id: function.catalogue_search\n", "- id: function.catalogue\n", "- id: function.catalogue\n        title: {vi: \"Tìm",
     "criterion function.catalogue: id used twice"),
    ("form_factors: {desktop: 1}", "form_factors: {tablet: 1}", "- id: performance.page_weight",
     "criterion performance.page_weight: form factor 'tablet'"),
    # Sums: the line of the total that disagrees with its parts.
    ("    title: {vi: \"Chức năng\", en: \"Function\"}\n    points: 50", "    title: {vi: \"Chức năng\", en: \"Function\"}\n    points: 51",
     "    points: 51", "group function: criteria points sum to 50, the group declares 51"),
    ("total: 100\n", "total: 90\n", "total: 90", "groups sum to 100 points, the rubric total is 90"),
    # Grade bands and caps: the line of the entry.
    ("{grade: B, min: 80}", "{grade: B, min: 95}", "{grade: B, min: 95}",
     "grades: B (min 95) must start below A (min 90)"),
    ("  - criterion: security.certificate\n", "  - criterion: security.nope\n", "criterion: security.nope",
     "cap names unknown criterion 'security.nope'"),
    ("  check: function.portal_open\n", "  check: function.nope\n", "check: function.nope", "closure: unknown check id"),
])
def test_a_mistake_names_its_line(tmp_path: Path, old: str, new: str, anchor: str, expected: str) -> None:
    """Portal lists and review files name the line of a mistake; a 470-line rubric named only the
    group or criterion, leaving the reader to search for it (and a reused anchor's text lies
    elsewhere than the criterion it breaks)."""
    text = default_criteria_path().read_text(encoding="utf-8")
    assert old in text, old
    changed = text.replace(old, new, 1)
    line = changed[:changed.index(anchor)].count("\n") + 1
    path = tmp_path / "criteria.yaml"
    path.write_text(changed, encoding="utf-8")
    with pytest.raises(CriteriaError) as caught:
        load_rubric(path)
    assert str(caught.value).startswith(f"{path}: line {line}: {expected}")


def test_every_schema_problem_names_its_own_line(tmp_path: Path) -> None:
    data = valid(tmp_path)
    data["groups"][0]["criteria"][0]["pionts"] = data["groups"][0]["criteria"][0].pop("points")
    data["groups"][1]["criteria"][0]["points"] = "x"
    path = write_rubric(tmp_path, data)
    lines = path.read_text(encoding="utf-8").splitlines()
    # Where the criterion's entry starts (its keys are written sorted: `check` comes first).
    first_criterion = 1 + next(index for index, line in enumerate(lines) if "- check: test.fixed" in line)
    typo = 1 + next(index for index, line in enumerate(lines) if "pionts:" in line)
    wrong = 1 + next(index for index, line in enumerate(lines) if "points: x" in line)
    with pytest.raises(CriteriaError) as caught:
        load_rubric(path)
    assert str(caught.value) == (
        f"{path}: line {first_criterion}: criterion a.one: points: Field required; "
        f"line {typo}: criterion a.one: pionts: Extra inputs are not permitted; "
        f"line {wrong}: criterion b.one: points: Input should be a valid number"
    )
