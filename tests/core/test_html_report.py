"""The per-portal HTML report: complete, in the chosen language, and inert against hostile text."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from bs4 import BeautifulSoup

from assessor.artifacts.function import FunctionFacts
from assessor.criteria import load_rubric
from assessor.model import Evidence, Finding, Status, Text
from assessor.report.html_report import render_html
from assessor.report.i18n import label
from assessor.report.plain import evidence_summary, plain_summary
from assessor.scoring import score
from tests.builders import make_snapshot, page
from tests.core.rubric_fixtures import criterion, rubric_data, write_rubric

HOSTILE = "<script>alert('x')</script><img src=x onerror=alert(1)>"


def rendered(tmp_path: Path, lang: str = "vi", evidence: list[Evidence] | None = None) -> BeautifulSoup:
    rubric = load_rubric(write_rubric(tmp_path, rubric_data([criterion("a.1", 60, "partial", 0.5)], [criterion("b.1", 40)])))
    snapshot = make_snapshot(page(html=f"<title>{HOSTILE}</title>"))
    snapshot.portal.name = HOSTILE
    assessment = score(rubric, snapshot)
    target = assessment.groups[0].criteria[0]
    target.message = Finding.failed(vi=f"Tiêu đề: {HOSTILE}", en=f"Title: {HOSTILE}").message
    target.evidence = evidence or [
        Evidence(kind="header", label="Server", value=HOSTILE),
        Evidence(kind="url", label="link", url="javascript:alert(1)"),
        Evidence(kind="url", label="page", url="https://p.gov.vn/a?b=<c>"),
        Evidence(kind="table", label="rows", value=[{"url": HOSTILE, "status": 404}]),
    ]
    return BeautifulSoup(render_html(assessment, snapshot, rubric, lang), "lxml")


def test_report_has_total_grade_bars_and_every_criterion(tmp_path: Path) -> None:
    soup = rendered(tmp_path)
    assert soup.html["lang"] == "vi"
    assert soup.select_one(".grade").get_text(strip=True) == "C"
    assert soup.select_one(".total .score").get_text(strip=True) == "70"
    assert len(soup.select("table.bars tr")) == 2
    assert {article["id"] for article in soup.select("article.criterion")} == {"a.1", "b.1"}
    assert "Đạt một phần" in soup.select_one("article#a\\.1 .badge").get_text()
    assert "30 / 60" in soup.select_one("article#a\\.1 .pts").get_text()


def test_english_report(tmp_path: Path) -> None:
    soup = rendered(tmp_path, lang="en")
    assert soup.html["lang"] == "en"
    assert "Partial" in soup.select_one("article#a\\.1 .badge").get_text()
    assert "Title:" in soup.select_one("article#a\\.1 .msg").get_text()


def test_hostile_strings_are_escaped_and_scripts_forbidden(tmp_path: Path) -> None:
    soup = rendered(tmp_path)
    assert not soup.find_all("script")
    assert not soup.select("[onerror]")
    csp = soup.find("meta", attrs={"http-equiv": "Content-Security-Policy"})["content"]
    assert "default-src 'none'" in csp and "script-src" not in csp
    assert HOSTILE in soup.select_one(".portal-name").get_text()
    assert HOSTILE in soup.select_one("article#a\\.1 .ev-header code").get_text()
    hrefs = [a["href"] for a in soup.find_all("a", href=True)]
    assert not any(href.startswith("javascript:") for href in hrefs)
    assert "https://p.gov.vn/a?b=<c>" in hrefs


def test_statuses_have_their_own_badges(tmp_path: Path) -> None:
    soup = rendered(tmp_path)
    classes = {cls for badge in soup.select(".badge") for cls in badge["class"]}
    assert {"badge-partial", "badge-pass"} <= classes
    for status in Status:
        assert label(f"finding.{status.value}", "vi") != f"finding.{status.value}"


def test_the_pages_it_opened_are_counted_by_why_they_were_opened(tmp_path: Path) -> None:
    """With --max-pages 1 a report said "Pages crawled: 12": the checks of the service entries
    open the pages the crawl did not reach, beyond the crawl's limit. Each kind is counted."""
    rubric = load_rubric(write_rubric(tmp_path, rubric_data([criterion("a.1", 60)], [criterion("b.1", 40)])))
    snapshot = make_snapshot(page(), page(url="https://p.gov.vn/tra-cuu"), page(url="https://p.gov.vn/nop-ho-so"),
                             page(url="https://p.gov.vn/ca-nhan"))
    snapshot.functions = FunctionFacts(entry_pages=[1, 2])
    snapshot.pages[3].logged_in = True

    def shown(lang: str) -> str:
        soup = BeautifulSoup(render_html(score(rubric, snapshot), snapshot, rubric, lang), "lxml")
        term = soup.find("dt", string=label("pages_visited", lang))
        return term.find_next_sibling("dd").get_text(" ", strip=True)

    assert shown("en") == "4 (1 by the crawl, 2 opened to check service entries, 1 behind the login)"
    assert shown("vi") == "4 (1 do thu thập, 2 mở để kiểm tra lối vào dịch vụ, 1 sau đăng nhập)"
    snapshot.functions, snapshot.pages[3].logged_in = None, False
    assert shown("en") == "4 (4 by the crawl)"


def with_a_criterion_that_does_not_apply(tmp_path: Path) -> tuple:
    """Group a: 50 earned of 50 that apply (10 do not); group b: 20.5 of 40: 70.5 of 90 → 78.33."""
    rubric = load_rubric(write_rubric(tmp_path, rubric_data(
        [criterion("a.1", 50), criterion("a.2", 10, "not_applicable", None)],
        [criterion("b.1", 40, "partial", 20.5 / 40)])))
    return rubric, score(rubric, make_snapshot(page()))


def test_groups_are_shown_out_of_the_points_that_apply_and_add_up_to_the_score(tmp_path: Path) -> None:
    """A group shown as 50 / 60 beside a score computed on the 50 that apply: the groups added up
    to something else than the total, and nothing said why. The campaign's heat map says it alike."""
    rubric, assessment = with_a_criterion_that_does_not_apply(tmp_path)
    for lang, applying, sums in (("vi", "áp dụng: 50", "70.5 / 90 điểm áp dụng → 78.33 / 100"),
                                 ("en", "applicable: 50", "70.5 of the 90 points that apply → 78.33 / 100")):
        soup = BeautifulSoup(render_html(assessment, make_snapshot(page()), rubric, lang), "lxml")
        rows = [row.select_one("td.num").get_text(" ", strip=True) for row in soup.select("table.bars tr")]
        assert rows == [f"50 / 60 ({applying})", "20.5 / 40"]
        assert soup.select_one("#group-a .group-score").get_text(" ", strip=True) == f"50 / 60 ({applying})"
        assert soup.select_one(".summary .sum").get_text(" ", strip=True) == sums


def test_the_plain_summary_cuts_group_points_as_the_report_does(tmp_path: Path) -> None:
    """The console rounded (3.92/5) where the report cut (3.91 / 5): a reviewer quoting one
    contradicted the other."""
    rubric = load_rubric(write_rubric(tmp_path, rubric_data(
        [criterion("a.1", 50), criterion("a.2", 10, "not_applicable", None)],
        [criterion("b.1", 40, "partial", 3.916666 / 40)])))
    summary = plain_summary(score(rubric, make_snapshot(page())), "en")
    assert "  B: 3.91/40\n" in summary
    assert "  A: 50/60 (applicable: 50)\n" in summary


def test_the_criteria_that_lost_points_are_listed_first_with_links(tmp_path: Path) -> None:
    rubric = load_rubric(write_rubric(tmp_path, rubric_data(
        [criterion("a.1", 30, "fail", 0.0), criterion("a.2", 30)], [criterion("b.1", 40, "partial", 0.5)])))
    soup = BeautifulSoup(render_html(score(rubric, make_snapshot(page())), make_snapshot(page()), rubric, "vi"), "lxml")
    lost = soup.select_one("nav.lost-points")
    assert [(link["href"], link.get_text(" ", strip=True)) for link in lost.select("a")] == [
        ("#a.1", "Không đạt a.1 0 / 30"), ("#b.1", "Đạt một phần b.1 20 / 40")]


def test_bidirectional_controls_from_a_portal_are_shown_not_obeyed(tmp_path: Path) -> None:
    """U+202E in a portal's header made the rest of the evidence cell read backwards."""
    soup = rendered(tmp_path, evidence=[Evidence(kind="code", label="header", value="Tìm\u202ekiếm\u2066 x\u200f")])
    text = soup.select_one("article#a\\.1 .ev-code pre").get_text()
    assert text == "Tìm<U+202E>kiếm<U+2066> x<U+200F>"
    assert not any(char in str(soup) for char in "\u202e\u2066\u200f")


def test_table_cells_say_yes_and_no_in_the_reports_language_and_empty_tables_say_so(tmp_path: Path) -> None:
    evidence = [Evidence(kind="table", label="flags", value=[{"url": "https://p.gov.vn/", "ok": True, "https": False}]),
                Evidence(kind="table", label="broken", value=[])]
    for lang, yes, no, nothing in (("vi", "có", "không", "Không có"), ("en", "yes", "no", "None")):
        soup = rendered(tmp_path, lang=lang, evidence=evidence)
        tables = soup.select("article#a\\.1 table.ev-table")
        assert len(tables) == 1
        assert [cell.get_text() for cell in tables[0].select("td")] == ["https://p.gov.vn/", yes, no]
        assert soup.select("article#a\\.1 .ev-table-empty")[0].get_text(strip=True) == nothing


def test_the_time_of_the_assessment_is_vietnams_in_the_vietnamese_report(tmp_path: Path) -> None:
    """A Vietnamese reviewer read "2026-11-23 00:00 UTC": the date in their own form and clock."""
    rubric = load_rubric(write_rubric(tmp_path, rubric_data([criterion("a.1", 60)], [criterion("b.1", 40)])))
    assessment = score(rubric, make_snapshot(page()))
    assessment.started_at = datetime(2026, 11, 30, 19, 5, tzinfo=UTC)

    def shown(lang: str) -> str:
        soup = BeautifulSoup(render_html(assessment, make_snapshot(page()), rubric, lang), "lxml")
        return soup.find("dt", string=label("assessed_at", lang)).find_next_sibling("dd").get_text(strip=True)

    assert shown("vi") == "02:05 01/12/2026 (giờ Việt Nam, UTC+7)"
    assert shown("en") == "2026-11-30 19:05 UTC"


def test_evidence_labels_and_table_headings_are_in_the_reports_language(tmp_path: Path) -> None:
    """The Vietnamese report read "Trang đích / landed on" and table headings "found on",
    "outcome": a label is said in each language, and the columns the checks name are translated
    (a column no translation knows is shown as it is)."""
    evidence = [Evidence(kind="value", label=Text(vi="Trang đích", en="landed on"), value="https://p.gov.vn/x"),
                Evidence(kind="table", label=Text(vi="Chức năng", en="Functions"),
                         value=[{"found on": "https://p.gov.vn/", "outcome": "works", "zz-unknown": 1}]),
                Evidence(kind="value", label="MDN Observatory", value=30)]
    for lang, said, heading, unsaid in (("vi", ["Trang đích", "Chức năng", "MDN Observatory"], ["Tìm thấy trên", "Kết quả", "zz-unknown"], "landed on"),
                                        ("en", ["landed on", "Functions", "MDN Observatory"], ["found on", "outcome", "zz-unknown"], "Trang đích")):
        soup = rendered(tmp_path, lang=lang, evidence=evidence)
        assert [item.get_text() for item in soup.select("article#a\\.1 .ev-label")] == said
        assert [cell.get_text() for cell in soup.select("article#a\\.1 table.ev-table th")] == heading
        assert unsaid not in soup.select_one("article#a\\.1").get_text()
    assert evidence_summary(evidence, "vi").startswith("- Trang đích: https://p.gov.vn/x")
    assert evidence_summary(evidence, "en").startswith("- landed on: https://p.gov.vn/x")


def test_a_table_cell_said_in_each_language_is_shown_in_the_reports_even_after_a_round_trip(tmp_path: Path) -> None:
    """The functions table's outcome read "works" in the Vietnamese report: a cell may be a Text,
    which assessment.json keeps as {"vi": ..., "en": ...} and a report re-rendered from it reads back."""
    evidence = [Evidence(kind="table", label="rows", value=[{"outcome": Text(vi="hoạt động", en="works")}])]
    stored = Evidence.model_validate_json(evidence[0].model_dump_json())
    assert stored.value == [{"outcome": {"vi": "hoạt động", "en": "works"}}]
    for shown in (evidence, [stored]):
        for lang, said in (("vi", "hoạt động"), ("en", "works")):
            soup = rendered(tmp_path, lang=lang, evidence=shown)
            assert [cell.get_text() for cell in soup.select("article#a\\.1 table.ev-table td")] == [said]


def test_a_value_said_in_each_language_is_shown_in_the_reports_and_the_plain_summary(tmp_path: Path) -> None:
    said = Text(vi="Bỏ qua → #noi-dung (đích tồn tại: có)", en="Skip → #noi-dung (target exists: yes)")
    for evidence in ([Evidence(kind="value", label="skip", value=said)],
                     [Evidence.model_validate_json(Evidence(kind="value", label="skip", value=said).model_dump_json())]):
        for lang in ("vi", "en"):
            soup = rendered(tmp_path, lang=lang, evidence=evidence)
            assert soup.select_one("article#a\\.1 span.ev-value").get_text() == said.in_(lang)
            assert evidence_summary(evidence, lang) == f"- skip: {said.in_(lang)}"
