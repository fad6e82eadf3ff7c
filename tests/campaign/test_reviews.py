"""Reviewers' scores: YAML and CSV forms, points to fractions, errors naming the line, merging."""

from __future__ import annotations

from pathlib import Path

import pytest

from assessor.criteria import load_rubric
from assessor.model import Status
from assessor.reviews import ReviewError, load_reviews, reviews_for_portal
from assessor.scoring import score
from tests.builders import make_snapshot, page
from tests.zoo.servers import encode_cp1258

RUBRIC = load_rubric()
MANUAL = [criterion for criterion in RUBRIC.all_criteria() if criterion.method == "manual"]


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def yaml_review(criterion: str, amount: str) -> str:
    return (
        "portal: hanoi\nreviews:\n"
        f"  - criterion: {criterion}\n    {amount}\n"
        "    note: Đã có quyết định phê duyệt\n    reviewer: Nguyễn Văn A\n    date: 2026-11-20\n"
    )


def test_yaml_points_become_a_fraction_of_the_criterion(tmp_path: Path) -> None:
    criterion = MANUAL[0]
    reviews = load_reviews(write(tmp_path / "r.yaml", yaml_review(criterion.id, f"points: {criterion.points / 2}")), RUBRIC)
    review = reviews["hanoi"][criterion.id]
    assert review.fraction == pytest.approx(0.5)
    assert (review.reviewer, review.date, review.note) == ("Nguyễn Văn A", "2026-11-20", "Đã có quyết định phê duyệt")


def test_csv_holds_a_whole_campaign(tmp_path: Path) -> None:
    first, second = MANUAL[0], MANUAL[1]
    path = write(
        tmp_path / "reviews.csv",
        "portal,criterion,points,fraction,note,reviewer,date\n"
        f"hanoi,{first.id},{first.points},,ok,A,2026-11-01\n"
        f"hue,{second.id},,0.25,thiếu,B,2026-11-02\n",
    )
    reviews = load_reviews(path, RUBRIC)
    assert reviews["hanoi"][first.id].fraction == 1.0
    assert reviews["hue"][second.id].fraction == 0.25
    assert reviews_for_portal(path, RUBRIC, "hue") == reviews["hue"]
    # For one run: a file without a review of the portal run was silently no review at all.
    with pytest.raises(ReviewError, match=r"reviews.csv holds no review of portal 'danang' \(it reviews hanoi, hue\); "
                                          r"this run's portal id is danang \(--id\)"):
        reviews_for_portal(path, RUBRIC, "danang")


def test_a_review_file_for_one_run_applies_to_its_portal_only(tmp_path: Path) -> None:
    """A YAML file without `portal:` reviews whichever portal is run; one naming another portal
    was applied to the portal run without a word."""
    criterion = MANUAL[0]
    unnamed = write(tmp_path / "reviews.yaml", yaml_review(criterion.id, "fraction: 1").replace("portal: hanoi\n", ""))
    assert reviews_for_portal(unnamed, RUBRIC, "lamha")[criterion.id].fraction == 1
    named = write(tmp_path / "hanoi-reviews.yaml", yaml_review(criterion.id, "fraction: 1"))
    assert reviews_for_portal(named, RUBRIC, "hanoi")[criterion.id].fraction == 1
    with pytest.raises(ReviewError, match=r"hanoi-reviews.yaml:1: it reviews portal 'hanoi'; this run's portal id is "
                                          r"lamha \(--id\)"):
        reviews_for_portal(named, RUBRIC, "lamha")


def test_csv_as_excel_saves_it_under_vietnamese_settings(tmp_path: Path) -> None:
    """Excel's "CSV UTF-8" under Vietnamese regional settings: a byte-order mark, `;` between
    fields (the list separator where the decimal separator is a comma), decimal commas, CRLF."""
    first, second = MANUAL[0], MANUAL[1]
    excel = tmp_path / "reviews.csv"
    excel.write_bytes((
        "portal;criterion;points;fraction;note;reviewer;date\r\n"
        f"hanoi;{first.id};;0,5;\"Có; chưa đủ\";Nguyễn Văn A;20/11/2026\r\n"
        f"hue;{second.id};1,5;;Đủ;Trần Thị B;21/11/2026\r\n"
    ).encode("utf-8-sig"))
    reviews = load_reviews(excel, RUBRIC)
    assert reviews["hanoi"][first.id].fraction == pytest.approx(0.5)
    assert reviews["hanoi"][first.id].note == "Có; chưa đủ"
    assert reviews["hanoi"][first.id].reviewer == "Nguyễn Văn A"
    assert reviews["hue"][second.id].fraction == pytest.approx(1.5 / second.points)
    quoted = write(tmp_path / "quoted.csv", f'portal,criterion,fraction\nhanoi,{first.id},"0,25"\n')
    assert load_reviews(quoted, RUBRIC)["hanoi"][first.id].fraction == pytest.approx(0.25)


def test_a_csv_not_in_utf8_is_an_error_naming_the_line_and_the_fix(tmp_path: Path) -> None:
    """Excel's plain "CSV" writes the machine's legacy code page (Windows-1258 for Vietnamese)."""
    legacy = tmp_path / "reviews.csv"
    legacy.write_bytes(f"portal,criterion,fraction,note\nhanoi,{MANUAL[0].id},1,".encode() + encode_cp1258("Đủ\n"))
    with pytest.raises(ReviewError, match=r'reviews\.csv:2: not UTF-8 text: from Excel, save it as "CSV UTF-8"'):
        load_reviews(legacy, RUBRIC)


def test_a_review_for_a_portal_not_in_the_campaign_is_an_error_naming_the_line(tmp_path: Path) -> None:
    """A mistyped portal id would drop the reviewer's score without a word."""
    criterion = MANUAL[0]
    csv_file = write(tmp_path / "reviews.csv",
                     f"portal,criterion,fraction\nhanoi,{criterion.id},1\nhanio,{criterion.id},1\n")
    with pytest.raises(ReviewError, match=r"reviews\.csv:3: portal 'hanio' is not in the campaign \(its portals: hanoi, hue\)"):
        load_reviews(csv_file, RUBRIC, portals=["hanoi", "hue"])
    folder = tmp_path / "per-portal"
    folder.mkdir()
    write(folder / "r.yaml", yaml_review(criterion.id, "fraction: 1").replace("portal: hanoi", "portal: danang"))
    with pytest.raises(ReviewError, match=r"r\.yaml:3: portal 'danang' is not in the campaign"):
        load_reviews(folder, RUBRIC, portals=["hanoi", "hue"])
    # Outside a campaign (one portal's run) a campaign-wide file holds other portals' rows.
    assert set(load_reviews(csv_file, RUBRIC)) == {"hanoi", "hanio"}


def test_an_unknown_criterion_is_an_error_naming_the_line(tmp_path: Path) -> None:
    path = write(tmp_path / "r.yaml", yaml_review("security.no_such_thing", "points: 1"))
    with pytest.raises(ReviewError, match=r"r\.yaml:3: unknown criterion 'security.no_such_thing'"):
        load_reviews(path, RUBRIC)


def test_points_beyond_the_criterion_are_an_error_naming_the_line(tmp_path: Path) -> None:
    criterion = MANUAL[0]
    path = write(
        tmp_path / "reviews.csv",
        f"portal,criterion,points\nhanoi,{criterion.id},{criterion.points}\nhue,{criterion.id},{criterion.points + 1}\n",
    )
    with pytest.raises(ReviewError, match=rf"reviews\.csv:3: criterion {criterion.id}: .* beyond its 0–"):
        load_reviews(path, RUBRIC)


def test_points_and_fraction_together_or_twice_the_same_criterion_are_errors(tmp_path: Path) -> None:
    criterion = MANUAL[0]
    both = write(tmp_path / "both.yaml", yaml_review(criterion.id, "points: 1\n    fraction: 0.5"))
    with pytest.raises(ReviewError, match="either 'points' or 'fraction'"):
        load_reviews(both, RUBRIC)
    twice = write(tmp_path / "twice.csv", f"portal,criterion,fraction\nh,{criterion.id},1\nh,{criterion.id},0\n")
    with pytest.raises(ReviewError, match=r"twice\.csv:3: .* reviewed twice"):
        load_reviews(twice, RUBRIC)


def test_reviews_are_merged_at_scoring_and_pending_manual_criteria_keep_the_grade_provisional(tmp_path: Path) -> None:
    snapshot = make_snapshot(page())
    first = MANUAL[0]
    reviews = load_reviews(write(tmp_path / "r.yaml", yaml_review(first.id, "fraction: 1")), RUBRIC)["hanoi"]
    before = score(RUBRIC, snapshot)
    after = score(RUBRIC, snapshot, reviews)
    result = after.criterion(first.id)
    assert before.criterion(first.id).status == Status.NEEDS_REVIEW
    assert result.status == Status.PASS and result.score == first.points
    assert result.review is not None and result.review.reviewer == "Nguyễn Văn A"
    # Other manual criteria are still pending, so the grade stays provisional.
    assert after.provisional is True
    all_manual = {c.id: reviews[first.id].model_copy(update={"criterion": c.id}) for c in MANUAL}
    assert not any(r.status == Status.NEEDS_REVIEW for g in score(RUBRIC, snapshot, all_manual).groups
                   for r in g.criteria if r.method == "manual")


def test_a_folder_of_review_files_is_read_whole(tmp_path: Path) -> None:
    write(tmp_path / "hanoi.yaml", f"reviews:\n  - {{criterion: {MANUAL[0].id}, fraction: 1}}\n")
    write(tmp_path / "hue.yaml", f"reviews:\n  - {{criterion: {MANUAL[0].id}, fraction: 0}}\n")
    assert sorted(load_reviews(tmp_path, RUBRIC)) == ["hanoi", "hue"]


def test_a_folder_reads_review_files_whatever_the_case_of_their_names_and_leaves_other_files(tmp_path: Path) -> None:
    """Saved on Windows, DANH-GIA.CSV is a review file like danh-gia.csv; a README beside is not."""
    write(tmp_path / "hue.YAML", f"reviews:\n  - {{criterion: {MANUAL[0].id}, fraction: 0}}\n")
    write(tmp_path / "Quang-Tri.yml", f"reviews:\n  - {{criterion: {MANUAL[0].id}, fraction: 1}}\n")
    write(tmp_path / "DANH-GIA.CSV", f"portal,criterion,fraction\nhanoi,{MANUAL[0].id},1\n")
    write(tmp_path / "README.txt", "Điểm của người đánh giá\n")
    # A file without `portal:` scores the portal its name gives, in the lower case of every id.
    assert sorted(load_reviews(tmp_path, RUBRIC, portals=["hanoi", "hue", "quang-tri"])) == ["hanoi", "hue",
                                                                                              "quang-tri"]


@pytest.mark.parametrize("name", ["diem.xlsx", "diem.XLS", "diem.ods"])
def test_a_spreadsheet_workbook_is_an_error_saying_to_save_it_as_csv(tmp_path: Path, name: str) -> None:
    """Read as YAML it would be 'not UTF-8'; in a folder it would be left out without a word."""
    folder = tmp_path / "reviews"
    folder.mkdir()
    workbook = folder / name
    workbook.write_bytes(b"PK\x03\x04" + bytes(range(256)))
    for given in (workbook, folder):
        with pytest.raises(ReviewError) as caught:
            load_reviews(given, RUBRIC)
        assert str(caught.value) == (f"{workbook}: a spreadsheet workbook is not read: save it as "
                                     "'CSV UTF-8 (comma delimited)' and give that file")


def test_a_folder_without_review_files_is_an_error(tmp_path: Path) -> None:
    write(tmp_path / "README.txt", "Điểm của người đánh giá\n")
    with pytest.raises(ReviewError, match=r"no review file \(\.yaml, \.yml, \.csv\) in the folder"):
        load_reviews(tmp_path, RUBRIC)


def review_error(path: Path) -> str:
    with pytest.raises(ReviewError) as caught:
        load_reviews(path, RUBRIC)
    return str(caught.value)


def test_an_unknown_yaml_key_is_an_error_naming_its_line_and_the_known_ones(tmp_path: Path) -> None:
    typo = write(tmp_path / "r.yaml", yaml_review(MANUAL[0].id, "points: 1").replace("reviewer:", "reviwer:"))
    assert review_error(typo) == (f"{typo}:6: unknown key 'reviwer' "
                                  "(known: criterion, points, fraction, note, reviewer, date)")
    # Without `portal:` the file's name would name the portal, and the error would blame that name.
    portal_typo = write(tmp_path / "y_typo.yaml", yaml_review(MANUAL[0].id, "points: 1").replace("portal:", "portl:"))
    assert review_error(portal_typo) == f"{portal_typo}:1: unknown key 'portl' (known: portal, reviews)"


def test_points_must_be_a_number_not_yes(tmp_path: Path) -> None:
    path = write(tmp_path / "r.yaml", yaml_review(MANUAL[0].id, "points: yes"))
    assert review_error(path) == (f"{path}:3: criterion {MANUAL[0].id}: points: true/false is not a number "
                                  "(YAML reads yes, no, on and off as true/false)")


def test_a_key_given_twice_in_a_review_file_is_an_error_naming_both_lines(tmp_path: Path) -> None:
    """YAML would keep the last one without a word: which was meant is the reviewer's call."""
    path = write(tmp_path / "r.yaml", yaml_review(MANUAL[0].id, "points: 1\n    points: 0"))
    assert review_error(path) == f"{path}:5: key 'points' given twice (first on line 4)"


def test_a_yaml_syntax_error_says_what_the_parser_found_and_where(tmp_path: Path) -> None:
    path = write(tmp_path / "r.yaml", yaml_review(MANUAL[0].id, "points: 1").replace("    note:", "   note:"))
    assert review_error(path) == f"{path}:5: not valid YAML: expected <block end>, but found '<block mapping start>'"


def test_an_unknown_csv_column_is_an_error_naming_the_known_ones(tmp_path: Path) -> None:
    """A mistyped `reviewr` column would drop every reviewer's name without a word."""
    path = write(tmp_path / "reviews.csv", f"portal,criterion,points,note,reviewr\nhanoi,{MANUAL[0].id},1,ok,Nguyễn A\n")
    assert review_error(path) == (f"{path}:1: unknown column 'reviewr' "
                                  "(known: portal, criterion, points, fraction, note, reviewer, date)")
    twice = write(tmp_path / "twice.csv", f"portal,criterion,points,points\nhanoi,{MANUAL[0].id},1,0\n")
    assert review_error(twice) == f"{twice}:1: column 'points' given twice"


def test_the_empty_rows_a_spreadsheet_adds_are_skipped(tmp_path: Path) -> None:
    """Excel ends a sheet's CSV export with a row of bare separators."""
    path = write(tmp_path / "reviews.csv",
                 f"portal;criterion;points;fraction;note;reviewer;date\nhanoi;{MANUAL[0].id};;1;;;\n;;;;;;\n ; ;\n")
    assert load_reviews(path, RUBRIC)["hanoi"][MANUAL[0].id].fraction == 1.0


def test_a_row_with_more_values_than_columns_is_an_error(tmp_path: Path) -> None:
    """An unquoted comma in a note shifts the note's end into another column, or past the last."""
    path = write(tmp_path / "reviews.csv", f"portal,criterion,fraction,note\nhanoi,{MANUAL[0].id},1,Có, chưa đủ\n")
    assert review_error(path) == (f"{path}:2: 5 values for 4 columns: put a value holding the separator "
                                  "in double quotes")
