"""The scoring rules of DESIGN.md, one test per rule."""

from __future__ import annotations

from pathlib import Path

import pytest

from assessor.criteria import load_rubric
from assessor.model import Review, Status
from assessor.scoring import score
from tests.builders import make_snapshot, page
from tests.core.rubric_fixtures import criterion, rubric_data, write_rubric


def assess(tmp_path: Path, a: list[dict], b: list[dict], reviews: dict | None = None, snapshot=None, **extra):
    rubric = load_rubric(write_rubric(tmp_path, rubric_data(a, b, **extra)))
    return score(rubric, snapshot or make_snapshot(page()), reviews)


def test_points_are_criterion_points_times_fraction(tmp_path: Path) -> None:
    result = assess(tmp_path, [criterion("a.1", 30), criterion("a.2", 30, "partial", 0.5)], [criterion("b.1", 40, "fail", 0.0)])
    assert result.criterion("a.2").score == pytest.approx(15)
    assert result.groups[0].score == pytest.approx(45)
    assert result.score == pytest.approx(45)
    assert result.grade == "E"
    assert result.status == "complete" and not result.provisional


def test_not_applicable_leaves_the_denominator_and_rescales(tmp_path: Path) -> None:
    result = assess(tmp_path, [criterion("a.1", 30), criterion("a.2", 30, "not_applicable", None)], [criterion("b.1", 40, "partial", 0.5)])
    # 30 + 20 earned out of the 70 points that apply, rescaled to 100.
    assert result.score == pytest.approx(100 * 50 / 70)
    assert result.groups[0].applicable_points == 30
    assert result.grade == "C"


def test_error_scores_zero_and_marks_incomplete(tmp_path: Path) -> None:
    a = [criterion("a.1", 30), {**criterion("a.2", 30), "check": "test.crashes", "params": {}}]
    result = assess(tmp_path, a, [criterion("b.1", 40)])
    crashed = result.criterion("a.2")
    assert crashed.status == Status.ERROR and crashed.score == 0
    assert "boom" in crashed.message.en
    assert result.status == "incomplete"
    assert result.score == pytest.approx(70)


def test_needs_review_scores_zero_and_marks_provisional_until_reviewed(tmp_path: Path) -> None:
    a = [criterion("a.1", 30), {"id": "a.2", "title": {"vi": "x", "en": "x"}, "points": 30, "method": "manual"}]
    pending = assess(tmp_path, a, [criterion("b.1", 40)])
    assert pending.criterion("a.2").status == Status.NEEDS_REVIEW
    assert pending.provisional and pending.score == pytest.approx(70)

    review = Review(criterion="a.2", fraction=0.5, note="Có hồ sơ cấp độ 3", reviewer="Trần Thị B", date="2026-11-20")
    reviewed = assess(tmp_path, a, [criterion("b.1", 40)], reviews={"a.2": review})
    assert reviewed.criterion("a.2").score == pytest.approx(15)
    assert reviewed.criterion("a.2").review == review
    assert not reviewed.provisional and reviewed.score == pytest.approx(85)


def test_auto_criterion_without_a_check_is_not_automated_yet(tmp_path: Path) -> None:
    a = [criterion("a.1", 30), {"id": "a.2", "title": {"vi": "x", "en": "x"}, "points": 30}]
    result = assess(tmp_path, a, [criterion("b.1", 40)])
    assert result.criterion("a.2").status == Status.NEEDS_REVIEW
    assert "not automated yet" in result.criterion("a.2").message.en.lower()


def test_a_cap_limits_the_grade(tmp_path: Path) -> None:
    cap = {"criterion": "b.1", "when": ["fail"], "grade": "C", "reason": {"vi": "Không có HTTPS", "en": "No HTTPS"}}
    capped = assess(tmp_path, [criterion("a.1", 60)], [criterion("b.1", 40, "fail", 0.0)], caps=[cap])
    # 60/100 is a D already: a cap at C never raises a grade.
    assert capped.grade == "D" and capped.caps[0].criterion == "b.1"
    cap_d = {**cap, "grade": "D"}
    a = [criterion("a.1", 60)]
    b = [criterion("b.1", 5, "fail", 0.0), criterion("b.2", 35)]
    strong = assess(tmp_path, a, b, caps=[cap_d])
    assert strong.score == pytest.approx(95)
    assert strong.grade == "D"
    not_triggered = assess(tmp_path, a, [criterion("b.1", 5), criterion("b.2", 35)], caps=[cap_d])
    assert not_triggered.grade == "A" and not not_triggered.caps


def test_closed_portal_has_no_grade(tmp_path: Path) -> None:
    closure = {"check": "test.fixed", "params": {"status": "fail", "fraction": 0.0}}
    result = assess(tmp_path, [criterion("a.1", 60)], [criterion("b.1", 40)], closure=closure)
    assert result.status == "closed" and result.grade is None and result.score is None
    still_open = assess(tmp_path, [criterion("a.1", 60)], [criterion("b.1", 40)], closure={**closure, "params": {}})
    assert still_open.status == "complete" and still_open.grade == "A"


def test_unreachable_portal_has_no_grade(tmp_path: Path) -> None:
    snapshot = make_snapshot(page(status=None, error="net::ERR_CONNECTION_REFUSED"), reachable=False, error="net::ERR_CONNECTION_REFUSED")
    result = assess(tmp_path, [criterion("a.1", 60)], [criterion("b.1", 40)], snapshot=snapshot)
    assert result.status == "unreachable" and result.grade is None
    assert "ERR_CONNECTION_REFUSED" in result.message.en


@pytest.mark.parametrize(("error", "en", "vi"), [
    ("net::ERR_SSL_VERSION_OR_CIPHER_MISMATCH at https://p.gov.vn/",
     "the server offers only TLS versions or cipher suites that current browsers refuse, such as TLS 1.0 or 1.1 alone",
     "máy chủ chỉ hỗ trợ phiên bản TLS hoặc bộ mã hóa mà trình duyệt hiện nay từ chối, ví dụ chỉ TLS 1.0 hoặc 1.1"),
    ("net::ERR_NAME_NOT_RESOLVED at https://p.gov.vn/", "the host name does not resolve (DNS)",
     "tên miền không phân giải được (DNS)"),
    ("net::ERR_TOO_MANY_REDIRECTS at https://p.gov.vn/", "its pages redirect to one another without end",
     "các trang chuyển hướng vòng quanh không dứt"),
])
def test_an_unreachable_portal_says_what_the_browsers_error_means(tmp_path: Path, error: str, en: str, vi: str) -> None:
    """A ministry read "unreachable: net::ERR_SSL_VERSION_OR_CIPHER_MISMATCH" and could blame the network."""
    snapshot = make_snapshot(page(status=None, error=error), reachable=False, error=error)
    result = assess(tmp_path, [criterion("a.1", 60)], [criterion("b.1", 40)], snapshot=snapshot)
    assert result.message.en == f"The portal is unreachable: {error} ({en})"
    assert result.message.vi == f"Không truy cập được cổng: {error} ({vi})"


def test_a_portal_that_never_answered_in_time_is_said_in_vietnamese(tmp_path: Path) -> None:
    error = "no complete page within 4 s (Timeout 4000ms exceeded.)"
    snapshot = make_snapshot(page(status=None, error=error), reachable=False, error=error)
    result = assess(tmp_path, [criterion("a.1", 60)], [criterion("b.1", 40)], snapshot=snapshot)
    assert result.message.en == f"The portal is unreachable: {error}"
    assert result.message.vi == "Không truy cập được cổng: không có trang hoàn chỉnh sau 4 giây (Timeout 4000ms exceeded.)"


def test_a_home_page_answering_an_error_is_said_in_the_assessments_message(tmp_path: Path) -> None:
    """A portal answering 500 everywhere is still graded (its criteria fail or error): the message
    says why, or the reviewer sees only "incomplete"."""
    snapshot = make_snapshot(page("https://p.gov.vn/", status=500), url="https://p.gov.vn/")
    result = assess(tmp_path, [criterion("a.1", 60)], [criterion("b.1", 40)], snapshot=snapshot)
    assert result.grade is not None
    assert result.message.en == "The home page https://p.gov.vn/ answered HTTP 500."
    assert result.message.vi == "Trang chủ https://p.gov.vn/ trả về lỗi HTTP 500."


def test_a_home_page_that_never_finished_loading_is_said_in_the_assessments_message(tmp_path: Path) -> None:
    stuck = page("https://p.gov.vn/", error="no complete page within 20 s (Timeout 20000ms exceeded.)")
    result = assess(tmp_path, [criterion("a.1", 60)], [criterion("b.1", 40)], snapshot=make_snapshot(stuck, url="https://p.gov.vn/"))
    assert result.message.en == ("The home page https://p.gov.vn/ did not finish loading: "
                                 "no complete page within 20 s (Timeout 20000ms exceeded.).")
    # The Vietnamese report says it in Vietnamese; only Chromium's own reason stays as it said it.
    assert result.message.vi == ("Trang chủ https://p.gov.vn/ không tải xong: không có trang hoàn chỉnh sau 20 giây "
                                 "(Timeout 20000ms exceeded.).")


def test_a_home_page_that_loaded_leaves_no_message(tmp_path: Path) -> None:
    assert assess(tmp_path, [criterion("a.1", 60)], [criterion("b.1", 40)]).message is None


def test_assessment_json_follows_the_contract(tmp_path: Path) -> None:
    import json

    data = json.loads(assess(tmp_path, [criterion("a.1", 60)], [criterion("b.1", 40, "partial", 0.25)]).to_json())
    assert data["schema"] == "assessor.assessment/1"
    assert set(data["portal"]) == {"id", "name", "url"}
    assert set(data["criteria"]) == {"id", "title", "version", "fingerprint"}
    for key in ("status", "score", "grade", "provisional", "started_at", "duration_s", "groups"):
        assert key in data
    crit = data["groups"][1]["criteria"][0]
    assert {"id", "title", "points", "score", "status", "fraction", "message", "evidence"} <= set(crit)
    assert crit["status"] == "partial" and crit["fraction"] == 0.25 and crit["score"] == 10


def test_an_assessment_names_the_very_text_of_the_rubric_it_was_scored_with(tmp_path: Path) -> None:
    """Two copies of a rubric with one id and version, one edited: their assessments say which was
    which, in assessment.json and in the report's header."""
    from assessor.report.html_report import render_html

    original = write_rubric(tmp_path, rubric_data([criterion("a.1", 60)], [criterion("b.1", 40)]))
    edited = tmp_path / "edited" / original.name
    edited.parent.mkdir()
    edited.write_text(original.read_text(encoding="utf-8") + "\n# reviewed 2026-12\n", encoding="utf-8")
    first, second = (score(load_rubric(path), make_snapshot(page())) for path in (original, edited))
    assert (first.criteria.id, first.criteria.version) == (second.criteria.id, second.criteria.version)
    assert first.criteria.fingerprint == load_rubric(original).fingerprint != second.criteria.fingerprint
    html = render_html(second, None, load_rubric(edited), "en")
    assert f"{second.criteria.version}, {second.criteria.fingerprint})" in html


def test_a_rubric_with_a_criterion_taken_out_still_scores_out_of_100(tmp_path: Path) -> None:
    """A team drops a criterion (here b.2, 1 point) and lowers its group and the total to 99: the
    score is still 100 x points earned / applicable points, on the bands' scale, not out of 99."""
    data = rubric_data([criterion("a.1", 60)], [criterion("b.1", 39, "partial", 0.5)], total=99)
    data["groups"][1]["points"] = 39
    result = score(load_rubric(write_rubric(tmp_path, data)), make_snapshot(page()))
    assert result.score == pytest.approx(100 * (60 + 19.5) / 99)


def test_points_carry_no_float_noise(tmp_path: Path) -> None:
    """assessment.json read 2.0999999999999996 for 3 points x 0.7: a CI gate at 2.1 failed on it."""
    result = assess(tmp_path, [criterion("a.1", 57), criterion("a.2", 3, "partial", 0.7)], [criterion("b.1", 40)])
    assert result.criterion("a.2").score == 2.1
    assert result.groups[0].score == 59.1
    assert '"score": 2.1,' in result.to_json()
