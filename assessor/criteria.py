"""Loading and validating a rubric (criteria set) from YAML.

A mistake is reported as one line naming the file, the criterion and what is wrong, so an
evaluation team can fix the YAML without reading a traceback.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Callable
from functools import partial
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from assessor.checks.registry import ParamsError, registry, rubric_problems, validate_params
from assessor.model import RubricRef, Status, Text
from assessor.text_files import NotUtf8Error, read_user_text
from assessor.user_yaml import UserYamlError, read_yaml, yaml_line

DEFAULT_CRITERIA = "criteria.yaml"


class CriteriaError(ValueError):
    """A rubric file that cannot be used; the message is one line for the user."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class GradeBand(_Strict):
    grade: str
    min: float = Field(strict=True)


class CheckRef(_Strict):
    check: str
    params: dict[str, Any] = Field(default_factory=dict)
    # Filled in by the loader once the params have been validated against the check.
    parsed: Any = Field(default=None, exclude=True)


class Criterion(_Strict):
    id: str
    title: Text
    points: float = Field(gt=0, strict=True)
    method: Literal["auto", "manual"] = "auto"
    check: str | None = None
    params: dict[str, Any] = Field(default_factory=dict)
    basis: str = ""
    description: Text | None = None
    parsed_params: Any = Field(default=None, exclude=True)


class Group(_Strict):
    id: str
    title: Text
    points: float = Field(strict=True)
    criteria: list[Criterion]


class Cap(_Strict):
    """A critical failure caps the grade (like testssl.sh's grade caps)."""

    criterion: str
    when: list[Status] = Field(default_factory=lambda: [Status.FAIL])
    grade: str
    reason: Text


class Rubric(_Strict):
    id: str
    version: str
    title: Text
    legal_basis: str = ""
    # What the groups' points add up to: a check on the file. The score is always out of 100.
    total: float = 100
    grades: list[GradeBand]
    closure: CheckRef | None = None
    caps: list[Cap] = Field(default_factory=list)
    groups: list[Group]
    source: str = Field(default="", exclude=True)
    # The file's text as read: a campaign's workers score with it, and its fingerprint tells
    # whether the file changed since (`campaign run --resume`).
    text: str = Field(default="", exclude=True, repr=False)

    @property
    def fingerprint(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()[:16]

    @property
    def ref(self) -> RubricRef:
        return RubricRef(id=self.id, title=self.title, version=self.version, fingerprint=self.fingerprint)

    def params_for(self, check_id: str) -> dict[str, Any]:
        """The params this rubric gives a check, merged over every criterion using it: what the
        collectors read (the search queries, the load test's size)."""
        merged: dict[str, Any] = {}
        for criterion in self.all_criteria():
            if criterion.check == check_id:
                merged.update(criterion.params)
        return merged

    def all_criteria(self) -> list[Criterion]:
        return [criterion for group in self.groups for criterion in group.criteria]

    def criterion(self, criterion_id: str) -> Criterion:
        for criterion in self.all_criteria():
            if criterion.id == criterion_id:
                return criterion
        raise KeyError(criterion_id)

    def grade_for(self, score: float) -> str:
        for band in sorted(self.grades, key=lambda band: band.min, reverse=True):
            if score >= band.min - 1e-9:
                return band.grade
        return self.grades[-1].grade

    def grade_rank(self, grade: str) -> int:
        """0 for the best grade; larger is worse."""
        ordered = [band.grade for band in sorted(self.grades, key=lambda band: band.min, reverse=True)]
        return ordered.index(grade)


def default_criteria_path() -> Path:
    return Path(str(resources.files("assessor").joinpath(DEFAULT_CRITERIA)))


def load_rubric(path: Path | str | None = None) -> Rubric:
    path = Path(path) if path else default_criteria_path()
    try:
        text = read_user_text(path)
    except OSError as exc:
        raise CriteriaError(f"{path}: cannot read criteria file: {exc.strerror or exc}") from None
    except NotUtf8Error as exc:
        raise CriteriaError(f"{exc}; save the criteria file as UTF-8") from None
    return parse_rubric(text, path)


def parse_rubric(text: str, path: Path | str) -> Rubric:
    """The rubric in `text`, read from `path` (named in errors)."""
    path = Path(path)
    try:
        document = read_yaml(text)
    except UserYamlError as exc:
        where = f" line {exc.line}" if exc.line else ""
        raise CriteriaError(f"{path}:{where} not valid YAML: {exc.problem}") from None
    if document.repeated_keys:  # PyYAML keeps the last value: points no one meant, without a word
        key = document.repeated_keys[0]
        raise CriteriaError(f"{path}: line {key.line}: {key.said}")
    data = document.data
    if not isinstance(data, dict):
        raise CriteriaError(f"{path}: expected a mapping at the top of the criteria file")
    lines = RubricLines(document.root)
    try:
        rubric = Rubric.model_validate(data)
    except ValidationError as exc:
        raise CriteriaError(f"{path}: {_describe(exc, data, lines)}") from None
    rubric.source, rubric.text = str(path), text
    _check_consistency(rubric, path, lines)
    return rubric


class RubricLines:
    """Where a part of the rubric file is, to name the line of a mistake as portal lists and
    review files do. A part written once under an anchor and reused is named where it is written."""

    def __init__(self, root: yaml.Node | None) -> None:
        self.root = root

    def at(self, *path: str | int) -> str:
        """`line 43: `, for the part at `path` (keys and list indexes; the deepest that exists)."""
        return "" if self.root is None else f"line {yaml_line(self.root, path)}: "

    def criterion(self, rubric: Rubric, criterion_id: str, *path: str | int) -> str:
        for group_index, group in enumerate(rubric.groups):
            for index, criterion in enumerate(group.criteria):
                if criterion.id == criterion_id:
                    return self.at("groups", group_index, "criteria", index, *path)
        return ""


MAX_PROBLEMS_SAID = 5


def _describe(exc: ValidationError, data: dict[str, Any], lines: RubricLines) -> str:
    """Every schema problem (the first few), each naming its line and its group or criterion by
    id, not by a list index: a misspelt key is two problems, the key missing and the one not known."""
    said = [f"{lines.at(*error['loc'])}{_where(list(error['loc']), data)}: {error['msg']}" for error in exc.errors()]
    more = len(said) - MAX_PROBLEMS_SAID
    return "; ".join(said[:MAX_PROBLEMS_SAID]) + (f" (and {more} more problem{'s' if more > 1 else ''})" if more > 0 else "")


def _where(location: list[Any], data: dict[str, Any]) -> str:
    where = ".".join(str(part) for part in location)
    try:
        if len(location) >= 4 and location[0] == "groups" and location[2] == "criteria":
            criterion = data["groups"][location[1]]["criteria"][location[3]]
            return f"criterion {criterion.get('id', '?')}: " + (".".join(str(part) for part in location[4:]) or "criterion")
        if len(location) >= 2 and location[0] == "groups":
            group = data["groups"][location[1]]
            return f"group {group.get('id', '?')}: " + (".".join(str(part) for part in location[2:]) or "group")
    except (IndexError, KeyError, TypeError, AttributeError):
        pass
    return where


def _check_grade_bands(rubric: Rubric, path: Path, lines: RubricLines) -> None:
    """Bands listed best first, each starting below the one before: the order a reader of the file
    takes for the ranking, which scoring and ranking follow by `min`. A typo otherwise ranks B
    above A without a word."""
    if not rubric.grades:
        raise CriteriaError(f"{path}: {lines.at('grades')}grades: at least one grade band is needed")
    names = [band.grade for band in rubric.grades]
    if len(set(names)) != len(names):
        twice = sorted({name for name in names if names.count(name) > 1})
        second = next(index for index, name in enumerate(names) if name in names[:index])
        raise CriteriaError(f"{path}: {lines.at('grades', second)}grades: grade {', '.join(twice)} is listed twice")
    last = rubric.grades[-1]
    if last.min != 0:  # a score below it would have no grade, yet got this one
        raise CriteriaError(f"{path}: {lines.at('grades', len(names) - 1)}grades: the last band, {last.grade}, must "
                            f"start at 0 (it starts at {last.min:g})")
    for index, (better, worse) in enumerate(zip(rubric.grades, rubric.grades[1:]), start=1):
        if worse.min >= better.min:
            raise CriteriaError(
                f"{path}: {lines.at('grades', index)}grades: {worse.grade} (min {worse.min:g}) must start below "
                f"{better.grade} (min {better.min:g}): list the bands best first"
            )
    for index, band in enumerate(rubric.grades):
        if not 0 <= band.min <= 100:  # a score is out of 100, whatever the points add up to
            raise CriteriaError(f"{path}: {lines.at('grades', index)}grades: {band.grade}: min {band.min:g} is "
                                "outside 0-100")


# What an id may hold: it is typed in --fail-on, review files and spreadsheet columns.
ID = re.compile(r"[A-Za-z0-9_.-]+")


def _check_consistency(rubric: Rubric, path: Path, lines: RubricLines) -> None:
    _check_grade_bands(rubric, path, lines)
    checks = registry()
    seen: set[str] = set()
    grades = {band.grade for band in rubric.grades}
    group_ids: set[str] = set()
    for group_index, group in enumerate(rubric.groups):
        at_group = lines.at("groups", group_index)
        if not ID.fullmatch(group.id):
            raise CriteriaError(f"{path}: {at_group}group {group.id!r}: an id is letters, digits, '.', '_' and '-' "
                                "(no spaces)")
        if group.id in group_ids:  # its criteria would be one column in the exports, the sum no longer the score
            raise CriteriaError(f"{path}: {at_group}group id '{group.id}' used twice")
        group_ids.add(group.id)
        total = sum(criterion.points for criterion in group.criteria)
        if not math.isclose(total, group.points, abs_tol=1e-6):
            raise CriteriaError(f"{path}: {lines.at('groups', group_index, 'points')}group {group.id}: criteria "
                                f"points sum to {total:g}, the group declares {group.points:g}")
        for index, criterion in enumerate(group.criteria):
            _check_criterion(criterion, f"{path}: ", partial(lines.at, "groups", group_index, "criteria", index),
                             seen, checks)
            seen.add(criterion.id)
    problems = rubric_problems({criterion.id: criterion.parsed_params for criterion in rubric.all_criteria()
                                if criterion.parsed_params is not None})
    if problems:
        first = problems[0]
        raise CriteriaError(f"{path}: {lines.criterion(rubric, first.criterion_id)}criterion {first.criterion_id}: "
                            f"{first.said}")
    group_total = sum(group.points for group in rubric.groups)
    if not math.isclose(group_total, rubric.total, abs_tol=1e-6):
        raise CriteriaError(f"{path}: {lines.at('total')}groups sum to {group_total:g} points, the rubric total is "
                            f"{rubric.total:g}")
    for index, cap in enumerate(rubric.caps):
        if cap.criterion not in seen:
            raise CriteriaError(f"{path}: {lines.at('caps', index, 'criterion')}cap names unknown criterion "
                                f"'{cap.criterion}'")
        if cap.grade not in grades:
            raise CriteriaError(f"{path}: {lines.at('caps', index, 'grade')}cap on {cap.criterion}: grade "
                                f"'{cap.grade}' is not one of the grade bands")
    if rubric.closure is not None:
        if rubric.closure.check not in checks:
            raise CriteriaError(f"{path}: {lines.at('closure', 'check')}closure: unknown check id "
                                f"'{rubric.closure.check}'")
        try:
            rubric.closure.parsed = validate_params(rubric.closure.check, rubric.closure.params)
        except ParamsError as exc:
            raise CriteriaError(f"{path}: {lines.at('closure', 'params', *exc.location)}closure: params do not fit "
                                f"check {rubric.closure.check}: {exc}") from None


def _check_criterion(criterion: Criterion, file: str, at: Callable[..., str], seen: set[str],
                     checks: dict[str, Any]) -> None:
    """One criterion's id, title and params; `file` starts each error, `at(*path)` names the line
    of a part of the criterion."""
    if not ID.fullmatch(criterion.id):
        raise CriteriaError(f"{file}{at('id')}criterion {criterion.id!r}: an id is letters, digits, '.', '_' and '-' "
                            "(no spaces)")
    for lang in ("vi", "en"):
        if not getattr(criterion.title, lang).strip():
            raise CriteriaError(f"{file}{at('title', lang)}criterion {criterion.id}: title: {lang} is empty")
    if criterion.id in seen:
        raise CriteriaError(f"{file}{at()}criterion {criterion.id}: id used twice")
    if criterion.check is None:
        return
    if criterion.check not in checks:
        raise CriteriaError(f"{file}{at('check')}criterion {criterion.id}: unknown check id '{criterion.check}'")
    try:
        criterion.parsed_params = validate_params(criterion.check, criterion.params)
    except ParamsError as exc:
        raise CriteriaError(f"{file}{at('params', *exc.location)}criterion {criterion.id}: params do not fit check "
                            f"{criterion.check}: {exc}") from None
