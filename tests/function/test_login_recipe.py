from __future__ import annotations

from pathlib import Path

import pytest

from assessor.login_recipe import LoginRecipe, RecipeError, load_recipe, resolve_value, scrub

STEPS = [{"goto": "/dang-nhap"}, {"fill": "#user", "value": "{env:P_USER}"},
         {"fill": "input[name=password]", "value": "{env:P_PASS}"}, {"click": "button"}]


def test_env_references_resolve_only_at_run_time() -> None:
    recipe = LoginRecipe.model_validate({"steps": STEPS, "logged_in_marker": "text=Đăng xuất"})
    assert recipe.env_names() == ["P_USER", "P_PASS"]
    assert "secret" not in recipe.model_dump_json()
    assert resolve_value("{env:P_PASS}", {"P_PASS": "secret"}) == "secret"
    assert recipe.secrets({"P_USER": "u", "P_PASS": "secret"}) == ["u", "secret"]
    with pytest.raises(RecipeError, match="P_PASS"):
        resolve_value("{env:P_PASS}", {})


def test_a_written_password_or_a_confused_step_is_refused(tmp_path: Path) -> None:
    literal = [*STEPS[:2], {"fill": "#mat-khau", "value": "hunter2"}]
    with pytest.raises(ValueError, match="env"):
        LoginRecipe.model_validate({"steps": literal, "logged_in_marker": "#me"})
    with pytest.raises(ValueError, match="exactly one"):
        LoginRecipe.model_validate({"steps": [{"goto": "/", "click": "a"}], "logged_in_marker": "#me"})
    path = tmp_path / "recipe.yaml"
    path.write_text("steps: []\nlogged_in_marker: '#me'\n", encoding="utf-8")
    with pytest.raises(RecipeError, match="steps"):
        load_recipe(path)


def test_scrub_removes_every_secret() -> None:
    assert scrub("user=u&pw=secret", ["secret"]) == "user=u&pw=***"
