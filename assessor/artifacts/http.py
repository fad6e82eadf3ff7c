"""Raw HTTP probes made with httpx: headers exactly as sent, redirects hop by hop."""

from __future__ import annotations

from pydantic import BaseModel, Field

from assessor.artifacts.page import HeaderList, Hop, header_value


class HttpProbe(BaseModel):
    # What the probe is for, e.g. "http_root" (plain-HTTP home) or "path:/.git/HEAD".
    name: str
    url: str
    final_url: str | None = None
    status: int | None = None
    headers: HeaderList = Field(default_factory=list)
    redirects: list[Hop] = Field(default_factory=list)
    # The first bytes of the body, enough to recognise a leak or a listing.
    body_excerpt: str = ""
    error: str | None = None

    def header(self, name: str) -> str | None:
        return header_value(self.headers, name)
