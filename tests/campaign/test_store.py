"""The results store on SQLite and on a real PostgreSQL: migrations, results, attempts, history."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import inspect, text
from typer.testing import CliRunner

from assessor.campaign_lock import CampaignBusy, campaign_held, holder_of
from assessor.cli import app
from assessor.criteria import default_criteria_path, load_rubric
from assessor.model import Assessment, PortalRef, RubricRef, Text
from assessor.scoring import score
from assessor.store import PortalInfo, StoreError, open_store
from tests.builders import closed_portal_list, table_text

HANOI = PortalInfo(id="hanoi", name="Cổng Dịch vụ công Hà Nội", kind="province", url="https://dichvucong.hanoi.gov.vn/")


def assessment(score: float, grade: str) -> Assessment:
    return Assessment(
        portal=PortalRef(id=HANOI.id, name=HANOI.name, url=HANOI.url),
        criteria=RubricRef(id="qd473-2024", title=Text(vi="Bộ tiêu chí", en="Criteria"), version="1"),
        status="complete",
        score=score,
        grade=grade,
        started_at=datetime(2026, 11, 1, tzinfo=UTC),
        duration_s=12.5,
    )


def test_opening_migrates_to_head_and_reopening_keeps_the_data(db_url: str) -> None:
    with open_store(db_url) as store:
        assert set(inspect(store.engine).get_table_names()) >= {"campaigns", "results", "attempts", "alembic_version"}
        campaign = store.create_campaign("2026-Q3", "portals.yaml", "/tmp/r", None, {"concurrency": 2})
        store.save_result(campaign, HANOI, datetime.now(UTC), assessment=assessment(81.5, "B"), snapshot_dir="/s")
    with open_store(db_url) as store:
        with store.engine.connect() as connection:
            assert connection.execute(text("select version_num from alembic_version")).scalar() == "0002"
        campaign = store.campaign("2026-Q3")
        assert campaign.options == {"concurrency": 2}
        (row,) = store.results(campaign)
        assert (row.portal_id, row.outcome, row.score, row.grade, row.snapshot_dir) == ("hanoi", "done", 81.5, "B", "/s")
        assert row.assessment.portal.name == "Cổng Dịch vụ công Hà Nội"


def test_a_result_is_replaced_not_duplicated_and_failures_keep_their_error(db_url: str) -> None:
    with open_store(db_url) as store:
        campaign = store.create_campaign("c", "p.yaml", "/tmp/r", None, {})
        store.save_result(campaign, HANOI, datetime.now(UTC), error="timed out after 210 s")
        (failed,) = store.results(campaign)
        assert (failed.outcome, failed.error, failed.grade, failed.assessment) == ("failed", "timed out after 210 s", None, None)
        store.save_result(campaign, HANOI, datetime.now(UTC), assessment=assessment(70, "C"))
        (row,) = store.results(campaign)
        assert (row.outcome, row.error, row.grade) == ("done", None, "C")


def test_attempts_record_each_start_and_outcome(db_url: str) -> None:
    with open_store(db_url) as store:
        campaign = store.create_campaign("c", "p.yaml", "/tmp/r", None, {})
        first = store.start_attempt(campaign, "hanoi")
        store.start_attempt(campaign, "hue")
        store.finish_attempt(first, "done")
        attempts = store.attempts(campaign)
        assert [(a.portal_id, a.outcome, a.finished_at is not None) for a in attempts] == [
            ("hanoi", "done", True), ("hue", None, False)]


def test_history_and_earlier_results_follow_creation_order(db_url: str) -> None:
    """A portal's earlier result is its latest graded one in a campaign created before: not one
    in a later campaign, nor a failed attempt, nor a campaign holding none of these portals."""
    hue = PortalInfo(id="hue", name="Huế", kind="province", url="https://hue.example/")
    with open_store(db_url) as store:
        older = store.create_campaign("2026-Q3", "p.yaml", "/tmp/a", None, {})
        middle = store.create_campaign("2026-Q3b", "p.yaml", "/tmp/m", None, {})
        unrelated = store.create_campaign("other", "p.yaml", "/tmp/o", None, {})
        newer = store.create_campaign("2026-Q4", "p.yaml", "/tmp/b", None, {})
        later = store.create_campaign("2027-Q1", "p.yaml", "/tmp/c", None, {})
        store.save_result(newer, HANOI, datetime.now(UTC), assessment=assessment(85, "B"))
        store.save_result(newer, hue, datetime.now(UTC), assessment=assessment(70, "C"))
        store.save_result(older, HANOI, datetime.now(UTC), assessment=assessment(60, "D"))
        store.save_result(older, hue, datetime.now(UTC), assessment=assessment(50, "D"))
        store.save_result(middle, hue, datetime.now(UTC), assessment=assessment(55, "D"))
        store.save_result(middle, HANOI, datetime.now(UTC), error="timed out after 210 s")
        store.save_result(unrelated, PortalInfo("hue2", "x", "province", "https://x/"), datetime.now(UTC),
                          assessment=assessment(90, "A"))
        store.save_result(later, HANOI, datetime.now(UTC), assessment=assessment(95, "A"))
        assert [(c.name, r.grade) for c, r in store.history("hanoi")] == [
            ("2026-Q3", "D"), ("2026-Q3b", None), ("2026-Q4", "B"), ("2027-Q1", "A")]
        earlier = store.earlier_results(newer)
        assert {pid: (c.name, r.score) for pid, (c, r) in earlier.items()} == {
            "hanoi": ("2026-Q3", 60), "hue": ("2026-Q3b", 55)}
        assert earlier["hue"][1].assessment.score == 55 and earlier["hue"][0].created_at.tzinfo is not None
        assert store.earlier_results(older) == {}
        assert list(store.history("nowhere")) == []


def test_last_durations_are_each_portals_most_recent_finished_assessment(db_url: str) -> None:
    hue = PortalInfo(id="hue", name="Huế", kind="province", url="https://hue.example/")
    with open_store(db_url) as store:
        older = store.create_campaign("2026-Q3", "p.yaml", "/tmp/a", None, {})
        newer = store.create_campaign("2026-Q4", "p.yaml", "/tmp/b", None, {})
        ago = lambda seconds: datetime.now(UTC) - timedelta(seconds=seconds)
        store.save_result(older, HANOI, ago(90), assessment=assessment(60, "D"))
        store.save_result(newer, HANOI, ago(30), assessment=assessment(85, "B"))
        store.save_result(older, hue, ago(50), assessment=assessment(70, "C"))
        store.save_result(newer, hue, ago(400), error="timed out after 400 s")  # a failure says nothing
        durations = store.last_durations(["hanoi", "hue", "nowhere"])
        assert set(durations) == {"hanoi", "hue"}
        assert 30 <= durations["hanoi"] < 40 and 50 <= durations["hue"] < 60


def test_an_unreachable_database_is_a_one_line_error() -> None:
    with pytest.raises(StoreError, match="cannot open the results store") as caught:
        open_store("postgresql://nobody@127.0.0.1:1/none")
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(("make", "said"), [
    (lambda path: path.write_text("ghi chú, không phải kho kết quả\n", encoding="utf-8"), "file is not a database"),
    (lambda path: path.mkdir(), "it is a folder; give the store's file, such as reports/assessor.sqlite3"),
], ids=["text-file", "folder"])
def test_a_db_path_that_is_not_a_store_is_one_line_naming_it(tmp_path: Path, make: object, said: str) -> None:
    """Only the driver's own words: not SQLAlchemy's statement dump nor its link to its docs."""
    path = tmp_path / "notes.txt"
    make(path)
    for create in (False, True):
        with pytest.raises(StoreError) as caught:
            open_store(path, create=create)
        assert str(caught.value) == f"cannot open the results store {path}: {said}"


def test_a_store_that_does_not_exist_is_made_only_when_asked(tmp_path: Path) -> None:
    """Commands that only read (status, rescore, report, history) say the store is missing: a
    mistyped --db must not become a new empty store with "no campaign" of that name."""
    missing = tmp_path / "mistyped" / "store.sqlite3"
    with pytest.raises(StoreError, match=f"no results store at {missing}: run a campaign first"):
        open_store(missing, create=False)
    assert not missing.parent.exists()
    with open_store(missing) as store:
        assert store.campaigns() == []
    with open_store(missing, create=False) as store:
        assert store.campaigns() == []


def test_read_only_commands_do_not_make_a_store(tmp_path: Path) -> None:
    missing = tmp_path / "store.sqlite3"
    for command in (["history", "hanoi"], ["campaign", "status", "x"], ["campaign", "rescore", "x"],
                    ["campaign", "report", "x"], ["campaign", "list"]):
        result = CliRunner().invoke(app, [*command, "--db", str(missing)])
        assert result.exit_code == 2, result.output
        assert f"no results store at {missing}" in " ".join(result.output.split())
    assert list(tmp_path.iterdir()) == []


def test_the_migrations_build_exactly_the_schema_the_code_maps(db_url: str) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from assessor.store import Base

    with open_store(db_url) as store, store.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == []


def test_status_shows_a_stored_error_as_it_is(tmp_path: Path) -> None:
    """An error is a worker's last log line: text such as `[/path]` is not Rich markup (a closing
    tag with nothing open would crash `campaign status`)."""
    db = str(tmp_path / "store.sqlite3")
    error = "worker exited with 1: ValueError: locator('[/dang-nhap]') [bold"
    with open_store(db) as store:
        campaign = store.create_campaign("c", str(tmp_path / "absent.yaml"), str(tmp_path / "out"), None, {})
        store.save_result(campaign, HANOI, datetime.now(UTC), error=error)
    result = CliRunner().invoke(app, ["campaign", "status", "c", "--db", db])
    assert result.exit_code == 0, result.output
    assert error in table_text(result.output)


def test_rescore_refuses_reviews_for_a_portal_the_campaign_does_not_hold(tmp_path: Path) -> None:
    db = str(tmp_path / "store.sqlite3")
    with open_store(db) as store:
        campaign = store.create_campaign("c", str(tmp_path / "moved.yaml"), str(tmp_path / "out"), None, {})
        store.save_result(campaign, HANOI, datetime.now(UTC), error="timed out after 210 s")
    reviews = tmp_path / "reviews.csv"
    reviews.write_text("portal,criterion,fraction\nhanoii,function.esign,1\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["campaign", "rescore", "c", "--db", db, "--reviews", str(reviews)])
    assert result.exit_code == 2, result.output
    assert f"{reviews}:2: portal 'hanoii' is not in the campaign (its portals: hanoi)" in " ".join(result.output.split())


OPEN_WHEN_TOLD = """\
import sys, time
from pathlib import Path
from assessor.store import open_store
go = Path(sys.argv[2])
while not go.exists():
    time.sleep(0.005)
with open_store(sys.argv[1]) as store:
    store.create_campaign(sys.argv[3], "portals.yaml", "/tmp/r", None, {})
"""


def test_processes_opening_a_new_store_at_once_all_find_it_migrated(db_url: str, tmp_path: Path) -> None:
    """Two campaigns started together on a new store: one creates the tables, the others wait for
    it and find them there (before, the others failed on 'table campaigns already exists')."""
    go = tmp_path / "go"
    openers = [subprocess.Popen([sys.executable, "-c", OPEN_WHEN_TOLD, db_url, str(go), f"c{index}"],
                                stderr=subprocess.PIPE, text=True) for index in range(4)]
    time.sleep(1.5)  # every opener has started and waits for the word
    go.touch()
    errors = [opener.communicate(timeout=60)[1] for opener in openers]
    assert [opener.returncode for opener in openers] == [0, 0, 0, 0], errors
    with open_store(db_url) as store:
        assert sorted(campaign.name for campaign in store.campaigns()) == ["c0", "c1", "c2", "c3"]


HOLD = """\
import sys, time
from assessor.campaign_lock import campaign_held
from assessor.store import open_store
with open_store(sys.argv[1]) as store, campaign_held(store, sys.argv[2]):
    print("held", flush=True)
    time.sleep(float(sys.argv[3]))
"""


def test_a_campaign_is_held_by_one_process_until_it_ends_even_by_kill_9(db_url: str) -> None:
    name = "2026 Q4/tỉnh"  # any name: not a file name
    holder = subprocess.Popen([sys.executable, "-c", HOLD, db_url, name, "300"], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        with open_store(db_url) as store:
            busy_said = r"campaign '2026 Q4/tỉnh' is in use by another assessor"
            with pytest.raises(CampaignBusy, match=busy_said) as busy, campaign_held(store, name):
                pass
            if db_url.startswith("postgresql"):
                assert busy.value.holder == "a session on this database"
            else:
                assert busy.value.holder.startswith(f"process {holder.pid} on ")
            assert holder_of(store, name) == busy.value.holder
            with campaign_held(store, "2026 Q4/bộ"):  # another campaign is free
                pass
            holder.kill()  # runs no clean-up code: the lock goes with the process all the same
            holder.wait(timeout=10)
            with campaign_held(store, name):
                assert holder_of(store, "2026 Q4/bộ") is None
            assert holder_of(store, name) is None
    finally:
        holder.kill()


def test_rescore_keeps_the_campaigns_rubric_and_reviews_unless_given_others(tmp_path: Path) -> None:
    """Rescoring for new reviews alone must not fall back to the bundled rubric (it did), nor a
    rescore for a new rubric drop the reviewers' scores; what a rescore is given becomes the
    campaign's own, for the next rescore and for --resume."""
    db = str(tmp_path / "store.sqlite3")
    custom = tmp_path / "custom.yaml"
    custom.write_text(default_criteria_path().read_text(encoding="utf-8").replace('version: "2024.1"',
                                                                                  'version: "thu-9"'), encoding="utf-8")
    reviews = tmp_path / "reviews.csv"
    reviews.write_text("portal,criterion,fraction\nhanoi,function.esign,1\n", encoding="utf-8")
    with open_store(db) as store:
        campaign = store.create_campaign("c", str(tmp_path / "p.yaml"), str(tmp_path / "out"), str(custom),
                                         {"reviews_file": str(reviews)})
        store.save_result(campaign, HANOI, datetime.now(UTC), error="timed out after 210 s")

    def rescore(*args: str) -> str:
        result = CliRunner().invoke(app, ["campaign", "rescore", "c", "--db", db, *args])
        assert result.exit_code == 0, result.output
        return " ".join(result.output.split())

    assert f"rescored with qd-473-2024 thu-9, reviews: {reviews}" in rescore()
    assert "rescored with qd-473-2024 2024.1, reviews:" in rescore("--criteria", str(default_criteria_path()))
    assert f"rescored with qd-473-2024 2024.1, reviews: {reviews}" in rescore()
    with open_store(db, create=False) as store:
        kept = store.campaign("c")
        assert (kept.criteria_file, kept.options["reviews_file"]) == (str(default_criteria_path()), str(reviews))

    reviews.write_text("portal,criterion,fraction\nhanoii,function.esign,1\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["campaign", "rescore", "c", "--db", db])
    assert result.exit_code == 2 and f"{reviews}:2: portal 'hanoii'" in " ".join(result.output.split())


def test_rescore_says_when_the_campaign_s_rubric_file_has_changed_or_gone(tmp_path: Path) -> None:
    db = str(tmp_path / "store.sqlite3")
    custom = tmp_path / "custom.yaml"
    custom.write_text(default_criteria_path().read_text(encoding="utf-8"), encoding="utf-8")
    with open_store(db) as store:
        campaign = store.create_campaign("c", str(tmp_path / "p.yaml"), str(tmp_path / "out"), str(custom), {})
        store.scored_with(campaign, str(custom), load_rubric(custom).fingerprint, None)
        store.save_result(campaign, HANOI, datetime.now(UTC), error="timed out after 210 s")
    custom.write_text(custom.read_text(encoding="utf-8") + "\n# weights reviewed\n", encoding="utf-8")
    edited = CliRunner().invoke(app, ["campaign", "rescore", "c", "--db", db])
    assert edited.exit_code == 0, edited.output
    assert f"note: {custom} has changed since the campaign was scored with it: rescored with it as it now is" in \
        " ".join(edited.output.split())
    custom.unlink()
    gone = CliRunner().invoke(app, ["campaign", "rescore", "c", "--db", db])
    assert gone.exit_code == 2
    assert f"campaign 'c' was scored with {custom}, which is gone: give the rubric with --criteria FILE" in " ".join(
        gone.output.split())


def test_a_lock_held_for_an_instant_does_not_refuse_the_campaign(db_url: str) -> None:
    """`campaign status` holds a free campaign's lock for an instant to see that it is free: a
    `campaign run` starting just then waits for it instead of being refused."""
    name = "2026 Q4"
    holder = subprocess.Popen([sys.executable, "-c", HOLD, db_url, name, "0.5"], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        with open_store(db_url) as store, campaign_held(store, name):
            assert holder.poll() is not None or holder.wait(timeout=5) == 0
    finally:
        holder.kill()


def test_campaign_list_shows_every_campaign_and_where_it_stands(tmp_path: Path) -> None:
    db = str(tmp_path / "store.sqlite3")
    portals = tmp_path / "portals.yaml"
    portals.write_text(closed_portal_list("hanoi", "hue", "dalat"), encoding="utf-8")
    with open_store(db) as store:
        empty = CliRunner().invoke(app, ["campaign", "list", "--db", db])
        assert empty.exit_code == 0 and "no campaigns yet" in empty.output
        earlier = store.create_campaign("2026-Q3", str(tmp_path / "absent.yaml"), str(tmp_path / "out" / "2026-Q3"),
                                        None, {})
        store.save_result(earlier, HANOI, datetime.now(UTC), assessment=assessment(81.0, "B"))
        store.mark_finished(earlier)
        report = tmp_path / "out" / "2026-Q3" / "index.html"
        report.parent.mkdir(parents=True)
        report.write_text("<html></html>", encoding="utf-8")
        later = store.create_campaign("2026-Q4", str(portals), str(tmp_path / "out" / "2026-Q4"), None, {})
        store.save_result(later, HANOI, datetime.now(UTC), assessment=assessment(84.0, "B"))
        store.save_result(later, PortalInfo(id="hue", name="Huế", kind="province", url="https://hue.gov.vn/"),
                          datetime.now(UTC), error="timed out after 210 s")
        with campaign_held(store, "2026-Q4"):
            result = CliRunner().invoke(app, ["campaign", "list", "--db", db], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    rows = {line.split()[0]: line for line in result.output.splitlines() if line.strip()}
    assert list(rows) == ["2026-Q3", "2026-Q4"]  # oldest first, one line each
    assert "1 done, 0 failed, 0 pending of 1; finished; report: " + str(report) in rows["2026-Q3"]
    assert "1 done, 1 failed, 1 pending of 3; running now (process" in rows["2026-Q4"]
    assert rows["2026-Q4"].endswith("; no report yet")


def test_report_and_rescore_write_in_the_campaign_s_language_unless_told_otherwise(tmp_path: Path) -> None:
    """`report` wrote Vietnamese after a campaign run in English (its portal reports English); a
    rescore told another language writes every portal report in it, so that becomes the campaign's."""
    db = str(tmp_path / "store.sqlite3")
    with open_store(db) as store:
        campaign = store.create_campaign("c", str(tmp_path / "p.yaml"), str(tmp_path / "out"), None, {"lang": "en"})
        store.save_result(campaign, HANOI, datetime.now(UTC), error="timed out after 210 s")

    def written_in(*command: str) -> str:
        result = CliRunner().invoke(app, ["campaign", *command, "c", "--db", db])
        assert result.exit_code == 0, result.output
        return re.search(r'<html lang="(\w+)"', (tmp_path / "out" / "index.html").read_text(encoding="utf-8"))[1]

    assert written_in("report") == "en"
    assert written_in("rescore") == "en"
    assert written_in("rescore", "--lang", "vi") == "vi"
    assert written_in("report") == "vi"
    with open_store(db, create=False) as store:
        assert store.campaign("c").options["lang"] == "vi"


def test_a_store_made_before_campaigns_kept_their_portals_is_upgraded_keeping_its_campaigns(
        db_url: str, tmp_path: Path) -> None:
    """Such a campaign's portals are read from its list, as they were then; a new campaign keeps
    its own, and a resumed one those of the list it goes on with."""
    from sqlalchemy import create_engine

    from assessor.cli_campaign import campaign_portal_ids
    from assessor.store import database_url, migrate

    engine = create_engine(database_url(db_url))
    migrate(engine, to="0001")
    listed = tmp_path / "portals.yaml"
    listed.write_text(closed_portal_list("closed-1", "closed-2"), encoding="utf-8")
    with engine.begin() as connection:
        connection.execute(text("insert into campaigns (name, created_at, portals_file, out_dir, options_json) "
                                "values ('old', :at, :file, '/tmp/r', '{}')"),
                           {"at": datetime(2026, 10, 1, tzinfo=UTC), "file": str(listed)})
    engine.dispose()
    with open_store(db_url) as store:
        old = store.campaign("old")
        assert old.portal_ids is None
        assert campaign_portal_ids(store, old) == ["closed-1", "closed-2"]
        new = store.create_campaign("new", str(listed), "/tmp/n", None, {}, portal_ids=["b", "a"])
        store.follow_list(old, "/elsewhere.yaml", ["c"])
    listed.unlink()
    with open_store(db_url) as store:
        assert campaign_portal_ids(store, store.campaign("new")) == ["b", "a"]
        old = store.campaign("old")
        assert (old.portals_file, old.portal_ids, campaign_portal_ids(store, old)) == ("/elsewhere.yaml", ["c"], ["c"])
    assert new.portal_ids == ["b", "a"]


def test_status_and_history_show_scores_that_agree_with_their_grades(tmp_path: Path) -> None:
    """89.96 is a B (A from 90): shown to one decimal, rounded, it read "90.0 B". Scores are cut
    to two decimals, as in the reports, and a change is the difference of the scores shown."""
    db = str(tmp_path / "store.sqlite3")
    with open_store(db) as store:
        first = store.create_campaign("q3", str(tmp_path / "p.yaml"), str(tmp_path / "a"), None, {})
        second = store.create_campaign("q4", str(tmp_path / "p.yaml"), str(tmp_path / "b"), None, {})
        store.save_result(first, HANOI, datetime.now(UTC), assessment=assessment(68.2349, "C"))
        store.save_result(second, HANOI, datetime.now(UTC), assessment=assessment(89.9961, "B"))
    status = table_text(CliRunner().invoke(app, ["campaign", "status", "q4", "--db", db]).output)
    assert "hanoi complete 89.99 B" in status
    history = table_text(CliRunner().invoke(app, ["history", "hanoi", "--db", db]).output)
    assert "68.23 C" in history and "89.99 B +21.76" in history


def test_history_names_each_rubric_and_marks_a_change_across_rubrics(tmp_path: Path) -> None:
    """A change between two campaigns scored with different rubrics may be the rubric's alone."""
    db = str(tmp_path / "store.sqlite3")
    with open_store(db) as store:
        first = store.create_campaign("q3", str(tmp_path / "p.yaml"), str(tmp_path / "a"), None, {})
        second = store.create_campaign("q4", str(tmp_path / "p.yaml"), str(tmp_path / "b"), None, {})
        store.save_result(first, HANOI, datetime.now(UTC), assessment=assessment(68.23, "C"))
        reweighted = assessment(72.25, "C")
        reweighted.criteria.version = "1-rw"
        store.save_result(second, HANOI, datetime.now(UTC), assessment=reweighted)
    printed = CliRunner().invoke(app, ["history", "hanoi", "--db", db]).output
    history = table_text(printed)
    assert "q3" in history and "qd473-2024 1 " in history and "qd473-2024 1-rw" in history
    assert "+4.02 ⚠" in history
    assert "⚠ scored with another rubric than the campaign before: the change may be the rubric's" in " ".join(
        printed.split())



def test_a_rubric_that_collects_otherwise_cannot_rescore_the_snapshots(tmp_path: Path) -> None:
    """Its new search queries were never sent, its new paths never probed: judging the old
    evidence under it would publish a ranking on a rubric it was not collected with."""
    from assessor.snapshot import CollectedWith
    from tests.builders import make_snapshot, page

    db, rubric = str(tmp_path / "store.sqlite3"), default_criteria_path().read_text(encoding="utf-8")
    snapshot = make_snapshot(page())
    snapshot.collected_with = {"function.catalogue_search": CollectedWith.of(
        load_rubric().params_for("function.catalogue_search"), ("queries", "search", "procedures"))}
    snapshot.save(tmp_path / "out" / "hanoi" / "snapshot")
    with open_store(db) as store:
        campaign = store.create_campaign("c", str(tmp_path / "p.yaml"), str(tmp_path / "out"), None, {})
        store.save_result(campaign, HANOI, datetime.now(UTC), assessment=score(load_rubric(), snapshot),
                          snapshot_dir=str(snapshot.folder))
    queries = tmp_path / "queries.yaml"
    queries.write_text(rubric.replace('queries: ["', 'queries: ["đăng ký kết hôn", "', 1), encoding="utf-8")
    refused = CliRunner().invoke(app, ["campaign", "rescore", "c", "--db", db, "--criteria", str(queries)])
    assert refused.exit_code == 2, refused.output
    said = " ".join(refused.output.split())
    assert "it changes what the collectors act on: function.catalogue_search (queries)" in said
    assert "The snapshot of hanoi was collected" in said and "nothing was rescored" in said
    # A rubric that judges otherwise, from what was collected, rescores.
    curves = tmp_path / "curves.yaml"
    curves.write_text(rubric.replace('          queries: ["', '          min_results: 2\n          queries: ["', 1),
                      encoding="utf-8")
    assert "min_results: 2" in curves.read_text(encoding="utf-8")
    rescored = CliRunner().invoke(app, ["campaign", "rescore", "c", "--db", db, "--criteria", str(curves)])
    assert rescored.exit_code == 0, rescored.output
