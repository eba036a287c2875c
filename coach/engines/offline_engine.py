"""The offline coach as an engine: it composes from the prompt files' templates and
extracts answers from the passages (``coach.offline``, ``coach.goals``). Deterministic, no
network; it reads the task's inputs from the request, not the rendered messages, and gives
back finished results, which is why it never needs a repair. It is also the engine every
other one falls back to.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from coach.engines.base import DraftOut, EngineResult, Reply, Request
from coach.settings import Settings

if TYPE_CHECKING:
    from coach.engines.jobs import AnswerJob, Job


class OfflineEngine:
    """Templates and extraction: the coach with no model."""

    name = "offline"
    model: str | None = None

    def __init__(self, settings: Settings) -> None:
        self._settings = settings

    def complete(self, request: Request) -> Reply:
        """The finished result for the request's task."""
        return Reply(result=self.compose(request.job))

    def compose(self, job: Job) -> EngineResult:
        """What the templates and passages give for ``job``."""
        # here, not at the top: choosing this engine (a page's status line) stays cheap
        from coach.engines.jobs import AgendaJob, AnswerJob, DraftJob, GoalJob

        if isinstance(job, AnswerJob):
            return self._answer(job)
        if isinstance(job, DraftJob):
            from coach.offline import compose_drafts

            made = compose_drafts(job.spec, job.me, job.mentor, job.ctx, job.count)
            return EngineResult(drafts=[DraftOut(t, s, c) for t, s, c in made])
        if isinstance(job, AgendaJob):
            from coach.offline import compose_agenda

            return EngineResult(items=compose_agenda(job.spec, job.me, job.mentor, job.minutes))
        if isinstance(job, GoalJob):
            from coach.goals import suggest_wording

            found = suggest_wording(
                job.goal, measure=job.measure, target_date=job.target_date, today=job.today
            )
            reason = " ".join(job.verdicts[k] for k in found.keys)
            return EngineResult(
                answer=found.suggestion or "", suggestion=found.suggestion, reason=reason
            )
        raise TypeError(f"the offline engine has no way to do a {type(job).__name__}")

    def _answer(self, job: AnswerJob) -> EngineResult:
        """The sentence that answers the question, then distinct supporting points, cited."""
        from coach.embcache import cached_embed
        from coach.embeddings import get_embedder
        from coach.offline import extract_answer

        emb = get_embedder(self._settings)

        def embed(texts: list[str]) -> list[list[float]]:
            return cached_embed(self._settings.cache_dir, emb.name, texts, emb.embed_documents)

        vec = emb.embed_query(job.question)
        picked, cited = extract_answer(vec, job.passages, embed, question=job.question)
        offline = job.spec.offline
        if not picked:
            return EngineResult(answer=offline.none_found)
        marked = [f"{sentence} [{cited.index(pi) + 1}]" for pi, sentence in picked]
        lines = [marked[0]]
        if marked[1:]:
            lines += ["", offline.intro, *(f"- {m}" for m in marked[1:])]
        return EngineResult(answer="\n".join(lines), cited=cited)
