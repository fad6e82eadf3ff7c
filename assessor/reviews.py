"""Reviewers' scores: criteria a machine cannot judge (or a reviewer overrides), merged at scoring.

Two forms:
- a YAML file per portal (`portal:` names it, else the file name does):

      portal: hanoi
      reviews:
        - criterion: security.level_approval
          points: 2            # or `fraction: 0.5`
          note: Hồ sơ cấp độ 3 đã được phê duyệt (QĐ 123/QĐ-UBND)
          reviewer: Nguyễn Văn A
          date: 2026-11-20

- one CSV for a whole campaign, columns `portal,criterion,points,fraction,note,reviewer,date`.
  As Excel saves it under Vietnamese regional settings, it may be separated by `;` with decimal
  commas (`1,5`); it must be UTF-8 (Excel's "CSV UTF-8").

A folder may hold several such files. Points are turned into the fraction scoring uses. A review
for an unknown criterion, or beyond its points, is an error naming the file and the line; so is an
unknown column or key (a typo would drop what it holds) and a YAML key given twice.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Collection
from pathlib import Path
from typing import Any

import yaml

from assessor.criteria import Rubric
from assessor.model import Review
from assessor.text_files import NotUtf8Error, read_user_text
from assessor.user_yaml import UserYamlError, key_lines, read_yaml, yaml_line, yaml_node

# portal id -> criterion id -> review
CampaignReviews = dict[str, dict[str, Review]]
CSV_COLUMNS = ("portal", "criterion", "points", "fraction", "note", "reviewer", "date")
# A YAML review file names its portal once, above its reviews.
YAML_FILE_KEYS = ("portal", "reviews")
YAML_REVIEW_KEYS = CSV_COLUMNS[1:]
# Excel writes the decimal separator of the machine's regional settings: a comma in Vietnamese.
DECIMAL_COMMA = re.compile(r"^\s*(\d+),(\d+)\s*$")


class ReviewError(ValueError):
    """A review file that cannot be used; the message names the file and the line."""


def _review(rubric: Rubric, row: dict[str, Any], where: str) -> Review:
    criterion_id = str(row.get("criterion") or "").strip()
    if not criterion_id:
        raise ReviewError(f"{where}: missing 'criterion'")
    try:
        criterion = rubric.criterion(criterion_id)
    except KeyError:
        raise ReviewError(f"{where}: unknown criterion {criterion_id!r} in rubric {rubric.id}") from None
    points, fraction = row.get("points"), row.get("fraction")
    points = None if points in (None, "") else points
    fraction = None if fraction in (None, "") else fraction
    if (points is None) == (fraction is None):
        raise ReviewError(f"{where}: criterion {criterion_id}: give either 'points' or 'fraction'")
    given = points if points is not None else fraction
    if isinstance(given, bool):
        raise ReviewError(f"{where}: criterion {criterion_id}: {'points' if points is not None else 'fraction'}: "
                          "true/false is not a number (YAML reads yes, no, on and off as true/false)")
    if isinstance(given, str) and (decimal_comma := DECIMAL_COMMA.match(given)):
        given = ".".join(decimal_comma.groups())
    try:
        value = float(given)
    except (TypeError, ValueError):
        raise ReviewError(f"{where}: criterion {criterion_id}: not a number: {points or fraction!r}") from None
    if points is not None:
        if not 0 <= value <= criterion.points:
            raise ReviewError(
                f"{where}: criterion {criterion_id}: {value:g} points is beyond its 0–{criterion.points:g} points"
            )
        value = value / criterion.points
    elif not 0 <= value <= 1:
        raise ReviewError(f"{where}: criterion {criterion_id}: fraction {value:g} is not between 0 and 1")
    return Review(
        criterion=criterion_id,
        fraction=value,
        note=str(row.get("note") or ""),
        reviewer=str(row.get("reviewer") or ""),
        date=str(row.get("date") or ""),
    )


def _add(reviews: CampaignReviews, portal_id: str, review: Review, where: str, portals: Collection[str] | None) -> None:
    if portals is not None and portal_id not in portals:
        # A mistyped id would drop a reviewer's score without a word and leave the grade provisional.
        known = ", ".join(sorted(portals)[:10]) + (", ..." if len(portals) > 10 else "")
        raise ReviewError(f"{where}: portal {portal_id!r} is not in the campaign (its portals: {known})")
    portal = reviews.setdefault(portal_id, {})
    if review.criterion in portal:
        raise ReviewError(f"{where}: criterion {review.criterion} of portal {portal_id} is reviewed twice")
    portal[review.criterion] = review


def _read_text(path: Path) -> str:
    try:
        return read_user_text(path)
    except NotUtf8Error as exc:
        hint = ': from Excel, save it as "CSV UTF-8"' if path.suffix == ".csv" else ""
        raise ReviewError(f"{exc}{hint}") from None


def _load_yaml(path: Path, rubric: Rubric, reviews: CampaignReviews, portals: Collection[str] | None,
               run_portal: str | None = None) -> None:
    """The reviews of one YAML file. For one run (`run_portal`), a file without `portal:` reviews
    that portal, and one naming another is an error; in a campaign, the file's name names it."""
    text = _read_text(path)
    try:
        document = read_yaml(text)
    except UserYamlError as exc:
        raise ReviewError(f"{path}:{exc.line or 1}: not valid YAML: {exc.problem}") from None
    if document.repeated_keys:
        key = document.repeated_keys[0]
        raise ReviewError(f"{path}:{key.line}: {key.said}")
    data, root = document.data, document.root
    if root is None or not isinstance(data, dict) or not isinstance(data.get("reviews"), list):
        raise ReviewError(f"{path}:1: expected a mapping with a 'reviews:' list")
    _refuse_unknown_keys(path, root, data, YAML_FILE_KEYS)
    named = data.get("portal")
    if run_portal is not None and named is not None and str(named) != run_portal:
        raise ReviewError(f"{path}:{yaml_line(root, ('portal',))}: it reviews portal '{named}'; this run's portal "
                          f"id is {run_portal} (--id)")
    # Without `portal:`, the file's name names it; portal ids are lower case, file names saved on
    # Windows often are not (Quang-Tri.yml).
    portal_id = str(named or run_portal or path.stem.lower())
    for index, row in enumerate(data["reviews"]):
        where = f"{path}:{yaml_line(root, ('reviews', index))}"
        if not isinstance(row, dict):
            raise ReviewError(f"{where}: expected a mapping (criterion, points or fraction, note, reviewer, date)")
        _refuse_unknown_keys(path, yaml_node(root, ("reviews", index)), row, YAML_REVIEW_KEYS)
        _add(reviews, portal_id, _review(rubric, row, where), where, portals)


def _refuse_unknown_keys(path: Path, node: yaml.Node, mapping: dict[Any, Any], known: tuple[str, ...]) -> None:
    """A mistyped key (`reviwer:`) would drop what it holds without a word."""
    for key in mapping:
        if key not in known:
            line = key_lines(node).get(str(key), node.start_mark.line + 1)
            raise ReviewError(f"{path}:{line}: unknown key '{key}' (known: {', '.join(known)})")


def _csv_delimiter(header: str) -> str:
    """The separator that splits the header into our columns: Excel writes the list separator of
    the machine's regional settings, `;` where the decimal separator is a comma (Vietnamese)."""
    return max(",;\t", key=lambda candidate: len(set(CSV_COLUMNS) & {name.strip() for name in header.split(candidate)}))


def _load_csv(path: Path, rubric: Rubric, reviews: CampaignReviews, portals: Collection[str] | None) -> None:
    text = _read_text(path)
    with io.StringIO(text, newline="") as handle:
        reader = csv.reader(handle, delimiter=_csv_delimiter(text.partition("\n")[0]), skipinitialspace=True)
        columns = [name.strip() for name in next(reader, [])]
        _check_columns(path, columns)
        for cells in reader:
            where = f"{path}:{reader.line_num}"
            if not any(cell.strip() for cell in cells):
                continue  # a row of bare separators, as a spreadsheet ends its export with
            _refuse_values_without_a_column(where, columns, cells)
            row = dict(zip(columns, cells, strict=False))  # a short row leaves its last columns empty
            portal_id = (row.get("portal") or "").strip()
            if not portal_id:
                raise ReviewError(f"{where}: missing 'portal'")
            _add(reviews, portal_id, _review(rubric, row, where), where, portals)


def _check_columns(path: Path, columns: list[str]) -> None:
    """The first line's column names: a mistyped one (`reviewr`) would drop its column without a word."""
    for index, name in enumerate(columns):
        if name and name not in CSV_COLUMNS:
            raise ReviewError(f"{path}:1: unknown column '{name}' (known: {', '.join(CSV_COLUMNS)})")
        if name and name in columns[:index]:
            raise ReviewError(f"{path}:1: column '{name}' given twice")
    missing = {"portal", "criterion"} - set(columns)
    if missing:
        raise ReviewError(f"{path}:1: missing column(s) {', '.join(sorted(missing))}")


def _refuse_values_without_a_column(where: str, columns: list[str], cells: list[str]) -> None:
    """A value past the last column, or under a column without a name, belongs to no field: most
    often the end of a note holding an unquoted separator."""
    for index, cell in enumerate(cells):
        if not cell.strip():
            continue
        if index >= len(columns):
            raise ReviewError(f"{where}: {len(cells)} values for {len(columns)} columns: put a value holding "
                              "the separator in double quotes")
        if not columns[index]:
            raise ReviewError(f"{where}: a value in column {index + 1}, which has no name in the first line")


# Review files, in any case (saved on Windows, REVIEWS.CSV); a folder's other files are left alone.
REVIEW_SUFFIXES = (".yaml", ".yml", ".csv")
# Spreadsheets that are not text: the team fills reviews in Excel or LibreOffice, and a workbook
# given instead of its CSV export would otherwise read as a YAML file that is not UTF-8.
WORKBOOK_SUFFIXES = (".xlsx", ".xls", ".xlsm", ".ods")


def load_reviews(path: Path | str, rubric: Rubric, portals: Collection[str] | None = None) -> CampaignReviews:
    """Reviews from a YAML file, a CSV file, or a folder of them, checked against `rubric` and,
    when given, the campaign's portal ids."""
    path = Path(path)
    if path.is_dir():
        workbooks = [file for file in path.iterdir() if file.suffix.lower() in WORKBOOK_SUFFIXES]
        files = sorted(file for file in path.iterdir() if file.suffix.lower() in REVIEW_SUFFIXES)
        if not files and not workbooks:
            raise ReviewError(f"{path}: no review file ({', '.join(REVIEW_SUFFIXES)}) in the folder")
    else:
        workbooks, files = ([path], []) if path.suffix.lower() in WORKBOOK_SUFFIXES else ([], [path])
    if workbooks:
        raise ReviewError(f"{min(workbooks)}: a spreadsheet workbook is not read: save it as "
                          "'CSV UTF-8 (comma delimited)' and give that file")
    reviews: CampaignReviews = {}
    for file in files:
        if not file.is_file():
            raise ReviewError(f"{file}: review file not found")
        if file.suffix.lower() == ".csv":
            _load_csv(file, rubric, reviews, portals)
        else:
            _load_yaml(file, rubric, reviews, portals)
    return reviews


def reviews_for_portal(path: Path | str, rubric: Rubric, portal_id: str) -> dict[str, Review]:
    """One run's reviews: a single YAML file without `portal:` reviews whichever portal is run;
    otherwise the file must review this portal (a file for another portal, or one reviewing
    others only, is a mistaken id or file, not "no reviews")."""
    path = Path(path)
    if path.is_file() and path.suffix.lower() not in (".csv", *WORKBOOK_SUFFIXES):
        one_file: CampaignReviews = {}
        _load_yaml(path, rubric, one_file, None, run_portal=portal_id)
        return one_file.get(portal_id, {})
    reviews = load_reviews(path, rubric)
    if portal_id not in reviews:
        raise ReviewError(f"{path} holds no review of portal '{portal_id}' (it reviews {', '.join(sorted(reviews))}); "
                          f"this run's portal id is {portal_id} (--id)")
    return reviews[portal_id]
