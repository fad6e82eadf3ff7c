"""The results store: campaigns, one result per portal, and every attempt to assess one.

SQLite (one file, nothing to install) by default; PostgreSQL when given a `postgresql://` URL.
The schema is owned by Alembic migrations (assessor/migrations), applied when the store opens,
so an old database is upgraded in place and nobody edits a schema by hand.

A result is written (and committed) the moment its portal finishes: a crash loses at most the
portals in flight. `attempts` records each start and end, which is how a resumed campaign can
show that no finished portal was assessed twice.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal, Self

from sqlalchemy import (
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    create_engine,
    event,
    select,
    text,
)
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from assessor.model import Assessment

DEFAULT_DB = Path("reports") / "assessor.sqlite3"
Outcome = Literal["done", "failed"]


class StoreError(RuntimeError):
    """The store cannot be opened or used; the message is one line for the user."""


class Base(DeclarativeBase):
    pass


class CampaignRow(Base):
    __tablename__ = "campaigns"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    portals_file: Mapped[str] = mapped_column(Text)
    criteria_file: Mapped[str | None] = mapped_column(Text, nullable=True)
    out_dir: Mapped[str] = mapped_column(Text)
    options_json: Mapped[str] = mapped_column(Text)
    # The ids its list named when it last ran (JSON); None for a campaign stored before they were kept.
    portal_ids_json: Mapped[str | None] = mapped_column(Text, nullable=True)

    @property
    def options(self) -> dict[str, Any]:
        return json.loads(self.options_json)

    @property
    def portal_ids(self) -> list[str] | None:
        return json.loads(self.portal_ids_json) if self.portal_ids_json is not None else None


class ResultRow(Base):
    __tablename__ = "results"
    __table_args__ = (UniqueConstraint("campaign_id", "portal_id", name="uq_results_campaign_portal"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    portal_id: Mapped[str] = mapped_column(String(64), index=True)
    portal_name: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(20))
    url: Mapped[str] = mapped_column(Text)
    # done: an assessment exists (whatever its status); failed: the run itself broke (error says why).
    outcome: Mapped[str] = mapped_column(String(20))
    status: Mapped[str | None] = mapped_column(String(20), nullable=True)
    score: Mapped[float | None] = mapped_column(Float, nullable=True)
    grade: Mapped[str | None] = mapped_column(String(4), nullable=True)
    provisional: Mapped[bool] = mapped_column(Boolean, default=False)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    assessment_json: Mapped[str | None] = mapped_column(Text, nullable=True)
    snapshot_dir: Mapped[str | None] = mapped_column(Text, nullable=True)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    @property
    def assessment(self) -> Assessment | None:
        return Assessment.model_validate_json(self.assessment_json) if self.assessment_json else None


class AttemptRow(Base):
    __tablename__ = "attempts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    portal_id: Mapped[str] = mapped_column(String(64))
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    outcome: Mapped[str | None] = mapped_column(String(20), nullable=True)


@dataclass(frozen=True)
class PortalInfo:
    """What the store records about a portal besides its assessment."""

    id: str
    name: str
    kind: str
    url: str


def database_url(db: str | Path | None) -> str:
    """`postgresql://...` (psycopg 3 driver), any SQLAlchemy URL, or a path to a SQLite file."""
    if db is None:
        db = DEFAULT_DB
    text = str(db)
    if text.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + text.split("://", 1)[1]
    if "://" in text:
        return text
    return f"sqlite:///{Path(text)}"


def _sqlite_pragmas(engine: Engine) -> None:
    # WAL lets `campaign status` read while a campaign writes; foreign keys for the cascade.
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.close()


def migrate(engine: Engine, to: str = "head") -> None:
    """Bring the schema to the newest migration (or to revision `to`)."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    with engine.begin() as connection:
        lock_for_migration(connection)
        config.attributes["connection"] = connection
        command.upgrade(config, to)


# Assessor's own number for PostgreSQL's advisory locks (any number; these are named by numbers):
# the migration's lock, and, paired with a second number, each campaign's (assessor.campaign_lock).
ADVISORY_LOCK_KEY = 4732024


def lock_for_migration(connection: Connection) -> None:
    """Hold the database until this migration commits. Processes opening a new store at once (two
    campaigns started together) would otherwise all create its tables; this way the first creates
    them and the others, waiting here, find the schema up to date."""
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN EXCLUSIVE")  # waits up to the busy timeout
    elif connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": ADVISORY_LOCK_KEY})


def _now() -> datetime:
    return datetime.now(UTC)


def _aware(value: datetime | None) -> datetime | None:
    # SQLite hands datetimes back naive; they were written in UTC.
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


class Store:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def session(self) -> Session:
        return Session(self.engine, expire_on_commit=False)

    # campaigns
    def create_campaign(
        self, name: str, portals_file: str, out_dir: str, criteria_file: str | None, options: dict[str, Any],
        portal_ids: list[str] | None = None,
    ) -> CampaignRow:
        with self.session() as session, session.begin():
            row = CampaignRow(
                name=name,
                created_at=_now(),
                portals_file=portals_file,
                criteria_file=criteria_file,
                out_dir=out_dir,
                options_json=json.dumps(options, sort_keys=True),
                portal_ids_json=None if portal_ids is None else json.dumps(portal_ids),
            )
            session.add(row)
        return row

    def campaign(self, name: str) -> CampaignRow | None:
        with self.session() as session:
            row = session.scalars(select(CampaignRow).where(CampaignRow.name == name)).first()
        if row is not None:
            row.created_at = _aware(row.created_at)
            row.finished_at = _aware(row.finished_at)
        return row

    def campaigns(self) -> list[CampaignRow]:
        with self.session() as session:
            rows = list(session.scalars(select(CampaignRow).order_by(CampaignRow.created_at, CampaignRow.id)))
        for row in rows:
            row.created_at = _aware(row.created_at)
        return rows

    def earlier_results(self, campaign: CampaignRow) -> dict[str, tuple[CampaignRow, ResultRow]]:
        """Each of the campaign's portals' latest graded result in a campaign created before this
        one, with that campaign: what the campaign report compares a portal with, as `history`
        shows its change. The campaign created just before may hold none of these portals, or only
        a failed attempt at one."""
        portal_ids = select(ResultRow.portal_id).where(ResultRow.campaign_id == campaign.id)
        with self.session() as session:
            rows = session.execute(
                select(CampaignRow, ResultRow)
                .join(ResultRow, ResultRow.campaign_id == CampaignRow.id)
                .where(ResultRow.portal_id.in_(portal_ids), ResultRow.grade.is_not(None),
                       CampaignRow.id != campaign.id)
            ).all()
        this = (_aware(campaign.created_at), campaign.id)
        latest: dict[str, tuple[CampaignRow, ResultRow]] = {}
        for row, result in sorted(rows, key=lambda pair: (_aware(pair[0].created_at), pair[0].id)):
            row.created_at = _aware(row.created_at)
            if (row.created_at, row.id) < this:
                latest[result.portal_id] = (row, result)  # later campaigns overwrite earlier ones
        return latest

    def mark_finished(self, campaign: CampaignRow) -> None:
        with self.session() as session, session.begin():
            session.get(CampaignRow, campaign.id).finished_at = _now()

    def follow_list(self, campaign: CampaignRow, portals_file: str, portal_ids: list[str]) -> None:
        """The campaign goes on with these portals, of this list (another list, or the same one
        changed since)."""
        portal_ids_json = json.dumps(portal_ids)
        with self.session() as session, session.begin():
            row = session.get(CampaignRow, campaign.id)
            row.portals_file, row.portal_ids_json = portals_file, portal_ids_json
        campaign.portals_file, campaign.portal_ids_json = portals_file, portal_ids_json

    def scored_with(self, campaign: CampaignRow, criteria_file: str | None, rubric_fingerprint: str,
                    reviews_file: str | None, lang: str | None = None) -> None:
        """From now on the campaign is scored with this rubric and these reviews, its reports
        written in `lang` when given (after a rescore)."""
        options_json = json.dumps({**campaign.options, "reviews_file": reviews_file,
                                   "rubric_fingerprint": rubric_fingerprint, **({"lang": lang} if lang else {})})
        with self.session() as session, session.begin():
            row = session.get(CampaignRow, campaign.id)
            row.criteria_file, row.options_json = criteria_file, options_json
        campaign.criteria_file, campaign.options_json = criteria_file, options_json

    # attempts
    def start_attempt(self, campaign: CampaignRow, portal_id: str) -> int:
        with self.session() as session, session.begin():
            row = AttemptRow(campaign_id=campaign.id, portal_id=portal_id, started_at=_now())
            session.add(row)
            session.flush()
            return row.id

    def finish_attempt(self, attempt_id: int, outcome: Outcome) -> None:
        with self.session() as session, session.begin():
            row = session.get(AttemptRow, attempt_id)
            row.finished_at = _now()
            row.outcome = outcome

    def attempts(self, campaign: CampaignRow) -> list[AttemptRow]:
        with self.session() as session:
            return list(
                session.scalars(select(AttemptRow).where(AttemptRow.campaign_id == campaign.id).order_by(AttemptRow.id))
            )

    # results
    def save_result(
        self,
        campaign: CampaignRow,
        portal: PortalInfo,
        started_at: datetime,
        assessment: Assessment | None = None,
        error: str | None = None,
        snapshot_dir: str | None = None,
    ) -> None:
        """Insert or replace the portal's result in this campaign, committed at once."""
        values = {
            "portal_name": portal.name,
            "kind": portal.kind,
            "url": portal.url,
            "outcome": "done" if assessment is not None else "failed",
            "status": assessment.status if assessment else None,
            "score": assessment.score if assessment else None,
            "grade": assessment.grade if assessment else None,
            "provisional": assessment.provisional if assessment else False,
            "error": error,
            "assessment_json": assessment.to_json() if assessment else None,
            "snapshot_dir": snapshot_dir,
            "started_at": started_at,
            "finished_at": _now(),
        }
        with self.session() as session, session.begin():
            row = session.scalars(
                select(ResultRow).where(ResultRow.campaign_id == campaign.id, ResultRow.portal_id == portal.id)
            ).first()
            if row is None:
                session.add(ResultRow(campaign_id=campaign.id, portal_id=portal.id, **values))
            else:
                for key, value in values.items():
                    setattr(row, key, value)

    def results(self, campaign: CampaignRow) -> list[ResultRow]:
        with self.session() as session:
            return list(
                session.scalars(select(ResultRow).where(ResultRow.campaign_id == campaign.id).order_by(ResultRow.id))
            )

    def last_durations(self, portal_ids: list[str]) -> dict[str, float]:
        """Seconds each portal's most recent assessment took, in any campaign, where one exists."""
        with self.session() as session:
            rows = session.execute(
                select(ResultRow.portal_id, ResultRow.started_at, ResultRow.finished_at)
                .where(ResultRow.portal_id.in_(portal_ids), ResultRow.outcome == "done")
                .order_by(ResultRow.finished_at)
            ).all()
        # Later rows overwrite earlier ones: the most recent result wins.
        return {portal_id: (finished - started).total_seconds() for portal_id, started, finished in rows}

    def history(self, portal_id: str) -> Iterator[tuple[CampaignRow, ResultRow]]:
        """The portal's results, oldest campaign first."""
        with self.session() as session:
            rows = session.execute(
                select(CampaignRow, ResultRow)
                .join(ResultRow, ResultRow.campaign_id == CampaignRow.id)
                .where(ResultRow.portal_id == portal_id)
                .order_by(CampaignRow.created_at, CampaignRow.id)
            ).all()
        for campaign, result in rows:
            campaign.created_at = _aware(campaign.created_at)
            yield campaign, result


def open_store(db: str | Path | None = None, create: bool = True) -> Store:
    """Open (creating and migrating as needed) the store at `db`. With `create=False` (commands
    that only read), a SQLite file that does not exist is an error, not a new empty store: a
    mistyped --db must not look like a store with no campaigns."""
    url = database_url(db)
    sqlite_file = Path(url.removeprefix("sqlite:///")) if url.startswith("sqlite:///") else None
    if sqlite_file is not None:
        if sqlite_file.is_dir():
            raise StoreError(f"cannot open the results store {sqlite_file}: it is a folder; give the store's file, "
                             "such as reports/assessor.sqlite3")
        if not create and not sqlite_file.is_file():
            raise StoreError(f"no results store at {sqlite_file}: run a campaign first (assessor campaign run), "
                             "or give the store with --db or ASSESSOR_DB")
        sqlite_file.parent.mkdir(parents=True, exist_ok=True)
    try:
        engine = create_engine(url, future=True)
        if engine.dialect.name == "sqlite":
            _sqlite_pragmas(engine)
        migrate(engine)
    except Exception as exc:  # any driver error becomes one line for the user
        where = sqlite_file if sqlite_file is not None else url.split("@")[-1]
        raise StoreError(f"cannot open the results store {where}: {driver_words(exc)}") from exc
    return Store(engine)


def driver_words(exc: Exception) -> str:
    """The database driver's own message on one line: SQLAlchemy's wrapper adds the statement it
    ran and a link to its documentation, which tell the user nothing."""
    said = str(getattr(exc, "orig", None) or exc)
    return " ".join(line.strip() for line in said.splitlines() if line.strip())
