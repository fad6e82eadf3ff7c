from __future__ import annotations

import pytest

from assessor.sample_portal.__main__ import main
from assessor.sample_portal.profile import (FLAGS, PROFILES, Profile, parse_assignment, parse_overrides,
                                            resolve_profile)

NAMED = {"good", "poor", "slow", "insecure", "inaccessible", "modern", "spa", "spa-hash", "closed", "emc-absent", "emc-home-only"}


def test_named_profiles_exist_and_good_has_no_defects() -> None:
    assert NAMED <= set(PROFILES)
    assert resolve_profile() == Profile()
    assert resolve_profile("good").defects() == {}


def test_poor_profile_has_defects_in_every_group() -> None:
    defects = resolve_profile("poor").defects()
    for flag in ("weak_headers", "insecure_cookies", "version_disclosure", "exposed_files", "emc", "missing_alt",
                 "unlabeled_inputs", "no_lang", "missing_functions", "sparse_procedures", "no_service_levels",
                 "server_delay_ms", "heavy_images", "long_task_ms", "layout_shift", "broken_links"):
        assert flag in defects, flag
    assert defects["emc"] == "absent"
    assert defects["server_delay_ms"] >= 1000


def test_overrides_apply_on_top_of_a_named_profile() -> None:
    profile = resolve_profile("poor", emc="complete", missing_functions={"faq"})
    assert profile.emc == "complete"
    assert profile.missing_functions == frozenset({"faq"})
    assert profile.weak_headers is True


@pytest.mark.parametrize("call, message", [
    (lambda: resolve_profile("nope"), "unknown profile 'nope'"),
    (lambda: resolve_profile("good", no_such_flag=True), "unknown flag(s) no_such_flag"),
    (lambda: resolve_profile("good", emc="sometimes"), "emc: 'sometimes' is not one of"),
    (lambda: resolve_profile("good", theme="retro"), "theme: 'retro'"),
    (lambda: resolve_profile("good", server_delay_ms=-5), "non-negative integer"),
    (lambda: resolve_profile("good", weak_headers="yes"), "expected true/false"),
    (lambda: resolve_profile("good", missing_functions={"teleport"}), "unknown function(s) ['teleport']"),
    (lambda: resolve_profile("good", hash_routes=True), "only the spa theme routes in the browser"),
])
def test_invalid_profiles_raise_clear_errors(call, message: str) -> None:
    with pytest.raises(ValueError) as info:
        call()
    assert message in str(info.value)


def test_command_line_assignments_are_typed() -> None:
    assert parse_assignment("weak_headers=true") == ("weak_headers", True)
    assert parse_assignment("server_delay_ms=250") == ("server_delay_ms", 250)
    assert parse_assignment("missing_functions=faq,payment") == ("missing_functions", frozenset({"faq", "payment"}))
    assert parse_assignment("emc=home_only") == ("emc", "home_only")
    with pytest.raises(ValueError, match="expected flag=value"):
        parse_assignment("weak_headers")
    assert "emc_track_dvc" in FLAGS and "name" not in FLAGS
    assert parse_overrides(["emc=absent", "long_task_ms=800"]) == {"emc": "absent", "long_task_ms": 800}


def test_cli_rejects_unknown_flag(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["--profile", "good", "--set", "bogus=1"])
    assert info.value.code == 2
    assert "unknown flag 'bogus'" in capsys.readouterr().err
