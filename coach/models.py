"""The public data types returned by the coach."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict


class Passage(BaseModel):
    """A retrieved piece of the corpus, with everything needed to cite it."""

    model_config = ConfigDict(frozen=True)

    id: str
    text: str
    title: str
    section: str
    source: str
    score: float
    relevance: float = 0.0  # best cosine similarity of the query to this passage (0: none)
    tags: list[str] = []
    sources: list[str] = []

    @classmethod
    def from_stored(
        cls, id: str, text: str, meta: dict[str, Any], score: float, relevance: float = 0.0
    ) -> Passage:
        """Build a passage from a stored chunk and its metadata."""
        tags = [t.strip() for t in str(meta.get("tags", "")).split(",") if t.strip()]
        sources = [s.strip() for s in str(meta.get("sources", "")).split(" | ") if s.strip()]
        return cls(
            id=id,
            text=text,
            title=str(meta.get("title", "")),
            section=str(meta.get("section", "")),
            source=str(meta.get("source", "")),
            score=score,
            relevance=relevance,
            tags=tags,
            sources=sources,
        )

    def citation(self) -> str:
        """A one-line citation: title, section and file."""
        return f"{self.title} › {self.section} ({self.source})"
