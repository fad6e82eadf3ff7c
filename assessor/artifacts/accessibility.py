"""Accessibility artifacts: axe-core results per page (issue 6 extends with viewport checks)."""

from __future__ import annotations

from pydantic import BaseModel, Field


class AxeNode(BaseModel):
    target: list[str] = Field(default_factory=list)
    html: str = ""
    summary: str = ""


class AxeRule(BaseModel):
    id: str
    impact: str | None = None
    help: str = ""
    help_url: str = ""
    tags: list[str] = Field(default_factory=list)
    nodes: list[AxeNode] = Field(default_factory=list)


class AxeResult(BaseModel):
    version: str = ""
    violations: list[AxeRule] = Field(default_factory=list)
    incomplete: list[AxeRule] = Field(default_factory=list)
    passes: int = 0
    error: str | None = None
