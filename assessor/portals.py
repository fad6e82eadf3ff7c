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

import re
import unicodedata
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import parse_qsl, urlsplit, urlunsplit

import yaml
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator

from assessor.checks.common import DEFAULT_PORTS
from assessor.model import PortalRef
from assessor.sample_portal.profile import Profile, parse_flag_value, resolve_profile
from assessor.text_files import NotUtf8Error, read_user_text
from assessor.user_yaml import UserYamlError, key_lines, key_values, read_yaml, yaml_line, yaml_node

SAMPLE_SCHEME = "sample"
PortalKind = Literal["ministry", "province", "other"]


# A portal's id names its folder under --out and its rows in the store's history.
PORTAL_ID_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,63}$"


class PortalsError(ValueError):
    """A portal list that cannot be used; `problems` holds one line per mistake."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def _page_of_the_portal(value: str, info: ValidationInfo) -> str:
    """An extra URL: a page of the portal's own host (another site's page would be judged as the
    portal's); `url` is validated before, and absent from `info.data` if it was wrong."""
    url = info.data.get("url")
    if url is not None and url.startswith(f"{SAMPLE_SCHEME}:"):
        raise ValueError("a sample portal's address is chosen when it starts, so extra_urls cannot name its pages")
    _http_url(value)
    if url is not None and urlsplit(value).hostname != (host := urlsplit(url).hostname):
        raise ValueError(f"{value!r} is not on the portal's host ({host}): only the portal's own pages are assessed")
    return value


class PortalEntry(BaseModel):
    # Strict: `allow_load_test: "yes"` is text, not the permission to load-test a portal.
    model_config = ConfigDict(extra="forbid", strict=True)

    id: str
    name: str
    kind: PortalKind
    url: str
    # A login recipe (assessor.login_recipe): inline, or the path of its YAML file.
    login: dict[str, Any] | str | None = None
    allow_load_test: bool = False
    max_pages: int | None = Field(default=None, ge=1, le=2000)
    extra_urls: list[Annotated[str, AfterValidator(_page_of_the_portal)]] = Field(default_factory=list)

    @field_validator("id")
    @classmethod
    def _id(cls, value: str) -> str:
        if not re.fullmatch(PORTAL_ID_PATTERN, value):
            example = _id_like(value)
            raise ValueError(f"{value!r} is not an id, which holds lower-case letters a-z, digits, '-' and '_' "
                             "(up to 64, beginning with a letter or digit)" + (f", for example {example}" if example else ""))
        return value

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("blank: give the portal's name")
        return value

    @field_validator("url")
    @classmethod
    def _url(cls, value: str) -> str:
        if value.startswith(f"{SAMPLE_SCHEME}:"):
            # Resolved now, as its worker will: a mistyped profile or flag is the list's mistake,
            # found before the campaign starts rather than when the portal's turn comes.
            SampleSpec.of(value).resolve()
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

    @property
    def is_sample(self) -> bool:
        return self.url.startswith(f"{SAMPLE_SCHEME}:")

    def sample_profile(self) -> SampleSpec:
        """The profile and flag overrides of a `sample:PROFILE?flag=value` URL."""
        return SampleSpec.of(self.url)

    def ref(self, url: str | None = None) -> PortalRef:
        return PortalRef(id=self.id, name=self.name, url=url or self.url)


def _id_like(text: str) -> str | None:
    """An id close to `text`: Vietnamese without its marks, spaces as '-' (Hà Nội: ha-noi)."""
    plain = unicodedata.normalize("NFKD", text.replace("đ", "d").replace("Đ", "D"))
    plain = "".join(char for char in plain if not unicodedata.combining(char)).lower()
    candidate = re.sub(r"[^a-z0-9_-]+", "-", plain).strip("-_")[:64]
    return candidate if re.fullmatch(PORTAL_ID_PATTERN, candidate) else None


@dataclass(frozen=True)
class SampleSpec:
    profile: str
    overrides: dict[str, str]

    @classmethod
    def of(cls, url: str) -> SampleSpec:
        """The spec of a `sample:PROFILE?flag=value&...` URL (profile `good` if none is named)."""
        profile, _, query = url.removeprefix(f"{SAMPLE_SCHEME}:").partition("?")
        # A flag without a value (`?closed`) is kept, to be refused, rather than dropped unseen.
        return cls(profile=profile or "good", overrides=dict(parse_qsl(query, keep_blank_values=True)))

    def resolve(self) -> Profile:
        """The sample portal's profile; ValueError naming an unknown profile or flag, or a bad value."""
        resolve_profile(self.profile)  # an unknown profile is named before any flag it was given
        flags = {name: parse_flag_value(name, value) for name, value in self.overrides.items()}
        return resolve_profile(self.profile, **flags)


def http_url_problem(value: str) -> str | None:
    """Why `value` cannot be a portal's URL, or None."""
    if any(char.isspace() for char in value):
        return f"a URL holds no spaces (write one in a path as %20): {value!r}"
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


def _where(root: yaml.Node, location: tuple[Any, ...]) -> str:
    """`portal ID: FIELD` for a place inside an entry (the id as written, even when not a valid
    one), else the path of keys."""
    if len(location) >= 2 and location[0] == "portals" and isinstance(location[1], int):
        entry = yaml_node(root, location[:2])
        label = key_values(entry).get("id")
        who = f"portal {label}" if label else f"portal #{location[1] + 1}"
        return f"{who}: {'.'.join(str(part) for part in location[2:]) or 'entry'}"
    return ".".join(str(part) for part in location) or "portals"


# What YAML makes of a value written without quotes, when text was meant.
YAML_READS_AS = {
    "tag:yaml.org,2002:int": "a number",
    "tag:yaml.org,2002:float": "a number",
    "tag:yaml.org,2002:bool": "true or false",
    "tag:yaml.org,2002:timestamp": "a date",
}


def _validation_problems(exc: ValidationError, root: yaml.Node) -> list[str]:
    problems = []
    for error in exc.errors():
        location = tuple(error["loc"])
        # Unknown fields are reported at the field itself: its key is where the typo is.
        message = error["msg"].removeprefix("Value error, ").splitlines()[0]
        node = yaml_node(root, location)
        if error["type"] == "string_type" and isinstance(node, yaml.ScalarNode) and node.tag in YAML_READS_AS:
            # A province code such as 01 is the number 1 to YAML: say so, in the person's own writing.
            message = f"YAML reads {node.value} as {YAML_READS_AS[node.tag]}: write it in quotes, '{node.value}'"
        problems.append(f"line {yaml_line(root, location)}: {_where(root, location)}: {message}")
    return problems


def parse_portals(text: str, source: str = "portals.yaml") -> PortalList:
    return _parse(text, source)[0]


def _parse(text: str, source: str) -> tuple[PortalList, yaml.Node]:
    """The list, and its YAML nodes for the line of any later problem."""
    try:
        document = read_yaml(text)
    except UserYamlError as exc:
        where = f" line {exc.line}:" if exc.line else ""
        raise PortalsError([f"{source}:{where} not valid YAML: {exc.problem}"]) from None
    data, root, repeated = document.data, document.root, document.repeated_keys
    if isinstance(data, list):
        # A bare list of entries is accepted too.
        data = {"portals": data}
        root = yaml.MappingNode("tag:yaml.org,2002:map", [(yaml.ScalarNode("tag:yaml.org,2002:str", "portals"), root)])
        repeated = [replace(key, path=("portals", *key.path)) for key in repeated]
    if root is None or not isinstance(data, dict) or not isinstance(data.get("portals"), list):
        raise PortalsError([f"{source}: line 1: expected a 'portals:' list of entries"])
    problems = [f"{source}: line {key.line}: {_where(root, key.path)}: given twice (first on line {key.first_line})"
                for key in repeated]
    # Beside `portals:`, only settings written once under an anchor and used by its entries
    # (`<<: *defaults`); any other key would be ignored while its writer believes it applies.
    shared = {key.value for key, value in root.value if document.is_aliased(value)}
    problems += [f"{source}: line {key_lines(root).get(str(key), 1)}: {key}: not a key of a portal list, which "
                 "holds only 'portals:' (settings such as max_pages go in each portal's entry, or under an "
                 "anchor its entries merge: `<<: *defaults`)"
                 for key in data if key != "portals" and str(key) not in shared]
    try:
        portals = PortalList.model_validate({"portals": data["portals"]})
    except ValidationError as exc:
        raise PortalsError(problems + [f"{source}: {problem}" for problem in _validation_problems(exc, root)]) from None
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
