"""The portal list of a campaign (portals.yaml): which portals to assess, and how.

    portals:
      - id: hanoi
        name: Cổng Dịch vụ công thành phố Hà Nội
        kind: province            # ministry | province | other
        url: https://dichvucong.hanoi.gov.vn/
        allow_load_test: false
        max_pages: 30             # optional per-portal overrides
        extra_urls: [https://dichvucong.hanoi.gov.vn/tra-cuu]
        login: recipes/hanoi-login.yaml   # a login recipe (see assessor/login_recipe.py)

A `url` of the form `sample:PROFILE` (optionally `sample:PROFILE?flag=value&flag=value`) starts a
bundled sample portal with that profile for the entry: demos, tests and benchmarks use it to
assess a fleet without touching the network.

Mistakes are reported one per line with the file, the line in the YAML, the field and what is
wrong (yaml node marks carry the line numbers), so a team can fix a list of 63 provinces quickly.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal
from urllib.parse import parse_qsl, urlsplit, urlunsplit

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from assessor.model import PortalRef
from assessor.text_files import NotUtf8Error, read_user_text

SAMPLE_SCHEME = "sample"
DEFAULT_PORTS = {"http": 80, "https": 443}
PortalKind = Literal["ministry", "province", "other"]


# A portal's id names its folder under --out and its rows in the store's history.
PORTAL_ID_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,63}$"


class PortalsError(ValueError):
    """A portal list that cannot be used; `problems` holds one line per mistake."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


class PortalEntry(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=PORTAL_ID_PATTERN)
    name: str = Field(min_length=1)
    kind: PortalKind
    url: str
    # A login recipe (assessor.login_recipe): inline, or the path of its YAML file.
    login: dict[str, Any] | str | None = None
    allow_load_test: bool = False
    max_pages: int | None = Field(default=None, ge=1, le=2000)
    extra_urls: list[str] = Field(default_factory=list)

    @field_validator("url")
    @classmethod
    def _url(cls, value: str) -> str:
        if value.startswith(f"{SAMPLE_SCHEME}:"):
            return value
        return _http_url(value)

    @field_validator("login")
    @classmethod
    def _login(cls, value: dict[str, Any] | str | None) -> dict[str, Any] | str | None:
        if isinstance(value, dict):
            from assessor.login_recipe import LoginRecipe

            LoginRecipe.model_validate(value)
        return value

    def login_recipe(self) -> Any:
        """The entry's LoginRecipe (assessor.login_recipe), read from its file if need be."""
        from assessor.login_recipe import LoginRecipe, load_recipe

        if self.login is None:
            return None
        if isinstance(self.login, dict):
            return LoginRecipe.model_validate(self.login)
        return load_recipe(Path(self.login))

    @field_validator("extra_urls")
    @classmethod
    def _extra_urls(cls, values: list[str]) -> list[str]:
        return [_http_url(value) for value in values]

    @property
    def is_sample(self) -> bool:
        return self.url.startswith(f"{SAMPLE_SCHEME}:")

    def sample_profile(self) -> SampleSpec:
        """The profile and flag overrides of a `sample:PROFILE?flag=value` URL."""
        rest = self.url.removeprefix(f"{SAMPLE_SCHEME}:")
        profile, _, query = rest.partition("?")
        return SampleSpec(profile=profile or "good", overrides=dict(parse_qsl(query)))

    def ref(self, url: str | None = None) -> PortalRef:
        return PortalRef(id=self.id, name=self.name, url=url or self.url)


@dataclass(frozen=True)
class SampleSpec:
    profile: str
    overrides: dict[str, str]


def http_url_problem(value: str) -> str | None:
    """Why `value` cannot be a portal's URL, or None."""
    try:
        parts = urlsplit(value)
    except ValueError as exc:  # an unbalanced '[' of an IPv6 address
        return f"{exc}: {value!r}"
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return f"not an http(s) URL: {value!r}"
    if problem := _port_problem(parts.netloc):
        return problem
    if parts.username is not None or parts.password is not None:
        # Quoted without them: an error line must not print the password either.
        bare = parts._replace(netloc=parts.netloc.rpartition("@")[2]).geturl()
        return (f"the URL holds credentials (user:password@ before {bare}): they would be written into every "
                "report and snapshot; remove them")
    return None


def _port_problem(netloc: str) -> str | None:
    """What is wrong with the port written after the host, if anything: urllib only raises when
    the port is read, by then outside validation."""
    host_and_port = netloc.rpartition("@")[2]
    port = host_and_port.rpartition("]")[2].partition(":")[2]  # after an IPv6 address's brackets
    if not port:
        return None
    if not (port.isascii() and port.isdigit()):
        return f"port {port!r} is not a number"
    if not 1 <= int(port) <= 65535:
        return f"port {port} is out of range (1–65535)"
    return None


def same_page_key(url: str) -> str:
    """`url` written one way for every way of writing the same page: scheme and host in lower case,
    no default port, no last slash."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    port = parts.port if parts.port not in (None, DEFAULT_PORTS.get(scheme)) else None
    host = (parts.hostname or "") + (f":{port}" if port else "")
    return urlunsplit((scheme, host, parts.path.rstrip("/"), parts.query, ""))


def _http_url(value: str) -> str:
    problem = http_url_problem(value)
    if problem:
        raise ValueError(problem)
    return value


class PortalList(BaseModel):
    portals: list[PortalEntry]
    source: str = ""

    def by_id(self, portal_id: str) -> PortalEntry:
        for entry in self.portals:
            if entry.id == portal_id:
                return entry
        raise KeyError(portal_id)


def yaml_line(node: yaml.Node, path: tuple[Any, ...]) -> int:
    """The 1-based line of the YAML node at `path` (mapping keys and list indexes), or of the
    deepest node that exists on the way."""
    for step in path:
        if isinstance(node, yaml.MappingNode):
            child = next((value for key, value in node.value if key.value == step), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(step, int) and step < len(node.value):
            child = node.value[step]
        else:
            child = None
        if child is None:
            break
        node = child
    return node.start_mark.line + 1


def _validation_problems(exc: ValidationError, root: yaml.Node, entries: list[Any]) -> list[str]:
    problems = []
    for error in exc.errors():
        location = tuple(error["loc"])
        # Unknown fields are reported at the field itself: its key is where the typo is.
        line = yaml_line(root, location)
        where = ".".join(str(part) for part in location[2:]) or "entry"
        if len(location) >= 2 and isinstance(location[1], int):
            entry = entries[location[1]] if location[1] < len(entries) else {}
            label = entry.get("id") if isinstance(entry, dict) else None
            who = f"portal {label}" if label else f"portal #{location[1] + 1}"
        else:
            who, where = "portals", ".".join(str(part) for part in location) or "portals"
        message = error["msg"].removeprefix("Value error, ").splitlines()[0]
        problems.append(f"line {line}: {who}: {where}: {message}")
    return problems


def parse_portals(text: str, source: str = "portals.yaml") -> PortalList:
    return _parse(text, source)[0]


def _parse(text: str, source: str) -> tuple[PortalList, yaml.Node]:
    """The list, and its YAML nodes for the line of any later problem."""
    try:
        root = yaml.compose(text)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}:" if mark else ""
        raise PortalsError([f"{source}:{where} not valid YAML: {getattr(exc, 'problem', exc)}"]) from None
    if isinstance(data, list):
        # A bare list of entries is accepted too.
        data = {"portals": data}
        root = yaml.MappingNode("tag:yaml.org,2002:map", [(yaml.ScalarNode("tag:yaml.org,2002:str", "portals"), root)])
    if not isinstance(data, dict) or not isinstance(data.get("portals"), list):
        raise PortalsError([f"{source}: line 1: expected a 'portals:' list of entries"])
    try:
        portals = PortalList.model_validate({"portals": data["portals"]})
    except ValidationError as exc:
        raise PortalsError([f"{source}: {problem}" for problem in _validation_problems(exc, root, data["portals"])])
    problems = []
    seen: dict[str, int] = {}
    pages: dict[str, tuple[str, int]] = {}  # page -> the first portal at it, and its line
    for index, entry in enumerate(portals.portals):
        line = yaml_line(root, ("portals", index, "id"))
        if entry.id in seen:
            problems.append(f"{source}: line {line}: portal {entry.id}: id: duplicate id (first on line {seen[entry.id]})")
        else:
            seen[entry.id] = line
        page = None if entry.is_sample else same_page_key(entry.url)  # each sample entry starts its own
        url_line = yaml_line(root, ("portals", index, "url"))
        if page in pages:
            first, first_line = pages[page]
            problems.append(f"{source}: line {url_line}: portal {entry.id}: url: the same page as portal {first}'s "
                            f"(line {first_line}): each portal is listed once")
        elif page is not None:
            pages[page] = (entry.id, url_line)
    if not portals.portals:
        problems.append(f"{source}: line 1: the portal list is empty")
    if problems:
        raise PortalsError(problems)
    portals.source = source
    return portals, root


def load_portals(path: Path | str) -> PortalList:
    path = Path(path)
    try:
        text = read_user_text(path)
    except OSError as exc:
        raise PortalsError([f"{path}: cannot read the portal list: {exc.strerror or exc}"]) from None
    except NotUtf8Error as exc:
        raise PortalsError([f"{path}: line {exc.line}: not UTF-8 text; save the list as UTF-8"]) from None
    portals, root = _parse(text, str(path))
    problems = []
    for index, entry in enumerate(portals.portals):
        if isinstance(entry.login, str):
            if not Path(entry.login).is_absolute():
                entry.login = str((path.parent / entry.login).resolve())
            # A recipe file that cannot be used is the list's mistake, found now rather than
            # when its portal's turn comes in the campaign.
            problem = _recipe_problem(Path(entry.login))
            if problem:
                line = yaml_line(root, ("portals", index, "login"))
                problems.append(f"{path}: line {line}: portal {entry.id}: login: {problem}")
    if problems:
        raise PortalsError(problems)
    return portals


def _recipe_problem(recipe: Path) -> str | None:
    from assessor.login_recipe import RecipeError, load_recipe

    try:
        load_recipe(recipe)
    except RecipeError as exc:
        return str(exc)
    return None


def example_portals_path() -> Path:
    return Path(__file__).parent / "examples" / "portals.sample.yaml"
