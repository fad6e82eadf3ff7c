"""The check registry: every check is a pure function registered under a stable id.

    @check("security.hsts")
    def hsts(snapshot: Snapshot, params: HstsParams) -> Finding: ...

The params type is read from the function's annotation, so `criteria.yaml` can be validated
against what each check accepts before anything runs.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
import typing
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, NamedTuple

from pydantic import AfterValidator, BaseModel, ConfigDict, ValidationError

from assessor.model import Finding
from assessor.snapshot import Snapshot


class NoParams(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CheckParams(BaseModel):
    """Base of every check's params: unknown keys in the rubric are an error, not ignored."""

    model_config = ConfigDict(extra="forbid")


def compiles(pattern: str) -> str:
    try:
        re.compile(pattern)
    except re.error as exc:
        raise ValueError(f"not a regular expression ({exc}): {pattern!r}") from None
    return pattern


# A regular expression in the rubric: one that does not compile is refused when the rubric is read,
# not found out by a check that then matches nothing, or crashes, on every portal.
Regex = Annotated[str, AfterValidator(compiles)]


CheckFunction = Callable[[Snapshot, BaseModel], Finding]


@dataclass(frozen=True)
class CheckSpec:
    id: str
    function: CheckFunction
    params_type: type[BaseModel]


_REGISTRY: dict[str, CheckSpec] = {}
_modules_loaded = False


def check(check_id: str) -> Callable[[Callable[..., Finding]], Callable[..., Finding]]:
    def register(function: Callable[..., Finding]) -> Callable[..., Finding]:
        if check_id in _REGISTRY:
            raise ValueError(f"check id registered twice: {check_id}")
        hints = typing.get_type_hints(function)
        params_type = hints.get("params", NoParams)
        _REGISTRY[check_id] = CheckSpec(check_id, function, params_type)
        return function

    return register


# Rules across the criteria of a rubric, which no one criterion's params can check alone (a form
# factor judged by one criterion and measured as another's lab block says): each takes the parsed
# params by criterion id and returns its problems, one line each.
class RubricProblem(NamedTuple):
    criterion_id: str
    said: str


RubricRule = Callable[[dict[str, BaseModel]], list[RubricProblem]]
_RUBRIC_RULES: list[RubricRule] = []


def rubric_rule(rule: RubricRule) -> RubricRule:
    _RUBRIC_RULES.append(rule)
    return rule


def rubric_problems(params_by_criterion: dict[str, BaseModel]) -> list[RubricProblem]:
    registry()  # the check modules register their rules as they load
    return [problem for rule in _RUBRIC_RULES for problem in rule(params_by_criterion)]


def registry() -> dict[str, CheckSpec]:
    """Every registered check; imports each module of this package once so they register."""
    global _modules_loaded
    if not _modules_loaded:
        _modules_loaded = True
        package = importlib.import_module("assessor.checks")
        for module in pkgutil.iter_modules(package.__path__):
            if not module.name.startswith("_"):
                importlib.import_module(f"assessor.checks.{module.name}")
    return _REGISTRY


def get_check(check_id: str) -> CheckSpec:
    try:
        return registry()[check_id]
    except KeyError:
        raise KeyError(f"unknown check id: {check_id}") from None


class ParamsError(ValueError):
    """Params that do not fit their check: a one-line reason, and where in the params the first
    problem is (keys and list indexes), for the rubric to name its line."""

    def __init__(self, problems: str, location: tuple[str | int, ...]) -> None:
        super().__init__(problems)
        self.location = location


def validate_params(check_id: str, params: dict[str, object]) -> BaseModel:
    """Raises ParamsError when the params do not fit the check."""
    spec = get_check(check_id)
    try:
        return spec.params_type.model_validate(params)
    except ValidationError as exc:
        problems = "; ".join(
            ".".join(str(part) for part in error["loc"]) + ": " * bool(error["loc"])
            + error["msg"].removeprefix("Value error, ")
            for error in exc.errors()
        )
        raise ParamsError(problems, tuple(exc.errors()[0]["loc"])) from None


def run_check(check_id: str, snapshot: Snapshot, params: BaseModel) -> Finding:
    """Run one check; a crash inside it becomes an `error` finding, never a silent score."""
    spec = get_check(check_id)
    try:
        return spec.function(snapshot, params)
    except Exception as exc:  # noqa: BLE001 - one broken check must not stop the assessment
        return Finding.error(
            vi=f"Lỗi khi chạy kiểm tra {check_id}: {type(exc).__name__}: {exc}",
            en=f"Check {check_id} crashed: {type(exc).__name__}: {exc}",
        )
