"""Profiles of the sample portal: which theme it uses and which defects are switched on.

Every field defaults to the good value, so `Profile()` is a defect-free portal. Named profiles
(`PROFILES`) bundle defects for demos and tests; `resolve_profile` applies overrides on top and
rejects unknown names or flags with a clear message.
"""

from __future__ import annotations

import typing
from dataclasses import dataclass, fields, replace
from typing import Any, Literal

Theme = Literal["classic", "modern", "spa"]
EmcMode = Literal["complete", "absent", "no_site_id", "wrong_host", "home_only"]
EmcVariant = Literal["standard", "http", "minified", "commented"]

# The portal functions of Circular 21/2023 that the sample portal offers; keys of missing_functions
# and broken_entries.
FUNCTIONS: tuple[str, ...] = (
    "catalogue", "submission", "lookup", "payment", "login", "sso", "vneid",
    "feedback", "rating", "statistics", "guide", "faq", "assistant",
)


@dataclass(frozen=True)
class Profile:
    """What the sample portal looks like and what is wrong with it."""

    name: str = "good"
    theme: Theme = "classic"
    # The spa theme routes on the URL's fragment (/#/thu-tuc-hanh-chinh), as Angular's and Vue's hash
    # routers do: the server sends its shell at / alone, and every page lives after the '#'.
    hash_routes: bool = False
    # function
    search_broken: bool = False
    # A catalogue search with a query answers this much later (a slow search back end).
    search_delay_ms: int = 0
    lookup_crashes: bool = False
    missing_functions: frozenset[str] = frozenset()
    broken_entries: frozenset[str] = frozenset()
    sparse_procedures: bool = False
    no_service_levels: bool = False
    deep_navigation: bool = False
    broken_links: bool = False
    broken_images: bool = False
    closed: bool = False
    closure_notice: bool = False
    # layout
    no_agency_header: bool = False
    no_footer_contacts: bool = False
    no_search_box: bool = False
    no_breadcrumbs: bool = False
    no_sitemap: bool = False
    no_english: bool = False
    no_national_portal_link: bool = False
    inconsistent_header: bool = False
    # performance
    server_delay_ms: int = 0
    # The spa theme's data requests (/api/...) answer this much later: a fast shell in front of a
    # slow back end, the page empty until its data arrives.
    api_delay_ms: int = 0
    heavy_images: bool = False
    long_task_ms: int = 0
    layout_shift: bool = False
    errors_under_load: int = 0
    # security
    http_redirect: bool = True
    weak_headers: bool = False
    unsafe_csp: bool = False
    insecure_cookies: bool = False
    version_disclosure: bool = False
    exposed_files: bool = False
    directory_listing: bool = False
    verbose_errors: bool = False
    outdated_js: bool = False
    no_sri: bool = False
    mixed_content: bool = False
    # accessibility
    missing_alt: bool = False
    low_contrast: bool = False
    no_lang: bool = False
    no_skip_link: bool = False
    unlabeled_inputs: bool = False
    no_focus_style: bool = False
    fixed_width: bool = False
    # Menu links in boxes of a fixed pixel height: they fit at the normal text size and cut the
    # text off once it is enlarged (WCAG 1.4.4), while the layout still reflows at 320 px.
    clipped_on_zoom: bool = False
    # emc
    emc: EmcMode = "complete"
    emc_variant: EmcVariant = "standard"
    emc_badge: bool = True
    emc_track_dvc: bool = True

    def __post_init__(self) -> None:
        # Accept any iterable of names for the set-valued flags, and validate every field.
        for name in ("missing_functions", "broken_entries"):
            object.__setattr__(self, name, frozenset(getattr(self, name)))
            unknown = sorted(getattr(self, name) - set(FUNCTIONS))
            if unknown:
                raise ValueError(f"{name}: unknown function(s) {unknown}; known: {', '.join(FUNCTIONS)}")
        for f in fields(self):
            _check_type(f.name, _HINTS[f.name], getattr(self, f.name))
        if self.hash_routes and self.theme != "spa":
            raise ValueError(f"hash_routes: only the spa theme routes in the browser, not the {self.theme} theme")

    def has(self, function: str) -> bool:
        """True when `function` is offered (linked and routed)."""
        return function not in self.missing_functions

    def defects(self) -> dict[str, Any]:
        """The fields that differ from the good profile (for logs and reports)."""
        good = Profile()
        return {f.name: getattr(self, f.name) for f in fields(self)
                if f.name != "name" and getattr(self, f.name) != getattr(good, f.name)}


_HINTS = typing.get_type_hints(Profile)
FLAGS: tuple[str, ...] = tuple(f.name for f in fields(Profile) if f.name != "name")


def _check_type(name: str, hint: Any, value: Any) -> None:
    origin = typing.get_origin(hint)
    if origin is Literal:
        if value not in typing.get_args(hint):
            raise ValueError(f"{name}: {value!r} is not one of {', '.join(typing.get_args(hint))}")
    elif hint is bool:
        if not isinstance(value, bool):
            raise ValueError(f"{name}: expected true/false, got {value!r}")
    elif hint is int:
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValueError(f"{name}: expected a non-negative integer, got {value!r}")


def parse_flag_value(name: str, text: str) -> Any:
    """Turn the text of a `--set name=value` option into the field's type."""
    if name not in FLAGS:
        raise ValueError(f"unknown flag {name!r}; known flags: {', '.join(FLAGS)}")
    hint = _HINTS[name]
    if hint is bool:
        lowered = text.strip().lower()
        if lowered in ("1", "true", "yes", "on"):
            return True
        if lowered in ("0", "false", "no", "off"):
            return False
        raise ValueError(f"{name}: expected true/false, got {text!r}")
    if hint is int:
        try:
            return int(text)
        except ValueError:
            raise ValueError(f"{name}: expected an integer, got {text!r}") from None
    if typing.get_origin(hint) is frozenset:
        return frozenset(part.strip() for part in text.split(",") if part.strip())
    return text.strip()


def parse_assignment(text: str) -> tuple[str, Any]:
    """Parse `flag=value` (from the command line)."""
    name, sep, value = text.partition("=")
    if not sep:
        raise ValueError(f"expected flag=value, got {text!r}")
    name = name.strip()
    return name, parse_flag_value(name, value)


def parse_overrides(assignments: list[str]) -> dict[str, Any]:
    """Parse repeated `--set flag=value` options into keyword overrides for `resolve_profile`."""
    return dict(parse_assignment(item) for item in assignments)


_POOR = Profile(
    name="poor",
    weak_headers=True, insecure_cookies=True, version_disclosure=True, exposed_files=True,
    directory_listing=True, verbose_errors=True, outdated_js=True, no_sri=True, mixed_content=True,
    http_redirect=False,
    emc="absent", emc_badge=False,
    missing_alt=True, unlabeled_inputs=True, no_lang=True, low_contrast=True, no_skip_link=True,
    no_focus_style=True, fixed_width=True,
    missing_functions=frozenset({"payment", "feedback", "rating", "statistics", "assistant", "vneid", "sso"}),
    broken_entries=frozenset({"faq", "guide"}),
    sparse_procedures=True, no_service_levels=True, search_broken=True, broken_links=True, broken_images=True,
    no_breadcrumbs=True, no_sitemap=True, no_english=True, no_footer_contacts=True, no_national_portal_link=True,
    inconsistent_header=True,
    server_delay_ms=1500, heavy_images=True, long_task_ms=800, layout_shift=True,
)

PROFILES: dict[str, Profile] = {
    "good": Profile(),
    "poor": _POOR,
    "slow": Profile(name="slow", server_delay_ms=1200, heavy_images=True, long_task_ms=700, layout_shift=True,
                    errors_under_load=20),
    "insecure": Profile(name="insecure", http_redirect=False, weak_headers=True, insecure_cookies=True,
                        version_disclosure=True, exposed_files=True, directory_listing=True, verbose_errors=True,
                        outdated_js=True, no_sri=True, mixed_content=True),
    "inaccessible": Profile(name="inaccessible", missing_alt=True, low_contrast=True, no_lang=True,
                            no_skip_link=True, unlabeled_inputs=True, no_focus_style=True, fixed_width=True),
    "modern": Profile(name="modern", theme="modern"),
    "spa": Profile(name="spa", theme="spa"),
    "spa-hash": Profile(name="spa-hash", theme="spa", hash_routes=True),
    "closed": Profile(name="closed", closed=True),
    "emc-absent": Profile(name="emc-absent", emc="absent", emc_badge=False),
    "emc-home-only": Profile(name="emc-home-only", emc="home_only"),
}


def resolve_profile(name: str = "good", **overrides: Any) -> Profile:
    """The named profile with `overrides` applied; ValueError on an unknown name or flag."""
    try:
        base = PROFILES[name]
    except KeyError:
        raise ValueError(f"unknown profile {name!r}; known profiles: {', '.join(PROFILES)}") from None
    unknown = sorted(set(overrides) - set(FLAGS))
    if unknown:
        raise ValueError(f"unknown flag(s) {', '.join(unknown)}; known flags: {', '.join(FLAGS)}")
    if not overrides:
        return base
    return replace(base, **overrides)


__all__ = ["Profile", "PROFILES", "FLAGS", "FUNCTIONS", "resolve_profile", "parse_assignment", "parse_flag_value",
           "parse_overrides"]
