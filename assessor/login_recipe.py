"""A login recipe: declarative steps that log the crawler into a portal.

    name: tai-khoan-thu
    steps:
      - goto: /dang-nhap
      - fill: "input[name=username]"
        value: "{env:PORTAL_USER}"
      - fill: "input[name=password]"
        value: "{env:PORTAL_PASSWORD}"
      - click: "form#login-form button[type=submit]"
      - wait_for: "text=Đăng xuất"
    logged_in_marker: "text=Đăng xuất"
    check_urls: [/ca-nhan/ho-so, /nop-ho-so-truc-tuyen]

Credentials are written as `{env:VAR}` references and resolved only when the steps run, so the
recipe (stored in the snapshot's settings) never holds a secret. `secrets()` gives the resolved
values so that everything recorded after the login can be scrubbed of them.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from assessor.text_files import NotUtf8Error, read_user_text

ENV_REFERENCE = re.compile(r"\{env:([A-Za-z_][A-Za-z0-9_]*)\}")
ACTIONS = ("goto", "fill", "click", "wait_for")
SECRET_FIELD = re.compile(r"pass|mat.?khau|secret|otp|pin", re.IGNORECASE)


class RecipeError(ValueError):
    """A recipe that cannot be used; the message is one line for the user."""


class LoginStep(BaseModel):
    """Exactly one action: goto a URL (relative to the start URL), fill a field (selector) with a
    value, click an element, or wait_for an element to appear."""

    model_config = ConfigDict(extra="forbid")

    goto: str | None = None
    fill: str | None = None
    value: str | None = None
    click: str | None = None
    wait_for: str | None = None

    @model_validator(mode="after")
    def one_action(self) -> LoginStep:
        chosen = [name for name in ACTIONS if getattr(self, name) is not None]
        if len(chosen) != 1:
            raise ValueError(f"a step needs exactly one of {', '.join(ACTIONS)}; got {chosen or 'none'}")
        if (self.fill is None) != (self.value is None):
            raise ValueError("'value' goes with 'fill' and only with it")
        # A password written into the recipe would end up in snapshots and reports. Checked on the
        # step, so that an error points at the step's line.
        if self.fill and SECRET_FIELD.search(self.fill) and not ENV_REFERENCE.search(self.value or ""):
            raise ValueError(f"fill {self.fill!r}: a password must be given as {{env:VAR}}, not written here")
        return self

    @property
    def action(self) -> str:
        return next(name for name in ACTIONS if getattr(self, name) is not None)

    @property
    def target(self) -> str:
        return str(getattr(self, self.action))


class LoginRecipe(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = "login"
    steps: list[LoginStep] = Field(min_length=1)
    # A Playwright selector present only when logged in ("text=Đăng xuất", "#user-menu").
    logged_in_marker: str
    # Pages behind the login to visit and check once logged in (relative to the start URL).
    check_urls: list[str] = Field(default_factory=list)
    timeout_s: float = 15.0

    def env_names(self) -> list[str]:
        names = [match for step in self.steps for match in ENV_REFERENCE.findall(step.value or "")]
        return list(dict.fromkeys(names))

    def missing_env(self, environ: dict[str, str] | None = None) -> list[str]:
        """The environment variables the recipe refers to that are not set."""
        environ = dict(os.environ) if environ is None else environ
        return [name for name in self.env_names() if name not in environ]

    def secrets(self, environ: dict[str, str] | None = None) -> list[str]:
        """The values the recipe's environment references resolve to (never stored)."""
        environ = dict(os.environ) if environ is None else environ
        return [environ[name] for name in self.env_names() if environ.get(name)]


def resolve_value(text: str, environ: dict[str, str] | None = None) -> str:
    """Replace each `{env:VAR}` with the variable's value; RecipeError when one is unset."""
    environ = dict(os.environ) if environ is None else environ

    def substitute(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in environ:
            raise RecipeError(f"environment variable {name} is not set (the login recipe needs it)")
        return environ[name]

    return ENV_REFERENCE.sub(substitute, text)


def scrub(text: str, secrets: list[str]) -> str:
    """Text safe to record: each secret value replaced by asterisks."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return text


def load_recipe(path: Path) -> LoginRecipe:
    try:
        data = yaml.safe_load(read_user_text(path))
    except OSError as exc:
        raise RecipeError(f"{path}: cannot read login recipe: {exc.strerror or exc}") from None
    except NotUtf8Error as exc:
        raise RecipeError(f"{exc}; save the login recipe as UTF-8") from None
    except yaml.YAMLError as exc:
        raise RecipeError(f"{path}: not valid YAML: {getattr(exc, 'problem', exc)}") from None
    try:
        return LoginRecipe.model_validate(data)
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(part) for part in error["loc"]) or "recipe"
        raise RecipeError(f"{path}: {where}: {error['msg']}") from None
