"""Text analysis shared by BM25 and the offline embeddings: words, stems, concepts.

One analyser serves documents and questions alike, so both sides are normalised the same
way: lowercase words, English stop words dropped, Snowball stems (PyStemmer, in C), plus one
concept token for every everyday synonym listed in ``coach/data/concepts.yaml``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*", re.UNICODE)
CONCEPT_PREFIX = "zc_"

# A small English stop list: function words only, so that question words that carry
# meaning in this domain ("how often", "who", "when") still reach the concept matcher
# through the unfiltered sequence.
STOPWORDS = frozenset(
    """a about above after again against all am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for from
    further had has have having he her here hers herself him himself his how i i'm if in into
    is it it's its itself just me more most my myself no nor not now of off on once only or
    other our ours ourselves out over own same she should so some such than that the their
    theirs them themselves then there these they this those through to too under until up
    very was we were what when where which while who whom why will with would you your yours
    yourself yourselves i've i'd i'll you're you've you'd don't doesn't didn't can't won't
    also get got really much many make us let via etc""".split()
)


@dataclass(frozen=True)
class Analysis:
    """The result of analysing one text."""

    words: list[str]  # lowercase surface words, stop words removed
    stems: list[str]  # stems of ``words``, same order
    concepts: list[str]  # concept tokens found, in order of appearance (may repeat)

    @property
    def tokens(self) -> list[str]:
        """Stems followed by concept tokens: what BM25 indexes and searches."""
        return self.stems + self.concepts


class Analyzer:
    """Turns text into stems and concept tokens; cheap to call, built once per process."""

    def __init__(self, concepts: dict[str, list[str]]) -> None:
        import Stemmer  # PyStemmer: C implementation of the Snowball stemmers

        self._stemmer = Stemmer.Stemmer("english")
        self._stem_cache: dict[str, str] = {}
        # phrase (tuple of stems) -> concept token; phrases of up to three words
        self._phrases: dict[tuple[str, ...], list[str]] = {}
        self._max_len = 1
        for name, members in concepts.items():
            token = CONCEPT_PREFIX + name
            for member in members:
                key = tuple(self.stem(w) for w in _WORD.findall(str(member).lower()))
                if not key:
                    continue
                self._phrases.setdefault(key, [])
                if token not in self._phrases[key]:
                    self._phrases[key].append(token)
                self._max_len = max(self._max_len, len(key))

    def stem(self, word: str) -> str:
        """Stem one lowercase word (memoised)."""
        s = self._stem_cache.get(word)
        if s is None:
            s = self._stemmer.stemWord(word.replace("’", "'"))
            if len(self._stem_cache) < 200_000:
                self._stem_cache[word] = s
        return s

    def analyse(self, text: str) -> Analysis:
        """Analyse ``text`` into words, stems and concepts."""
        raw = _WORD.findall(text.lower())
        all_stems = [self.stem(w) for w in raw]
        concepts: list[str] = []
        n = len(all_stems)
        i = 0
        while i < n:
            matched = 1
            for length in range(min(self._max_len, n - i), 0, -1):
                hit = self._phrases.get(tuple(all_stems[i : i + length]))
                if hit:
                    concepts.extend(hit)
                    matched = length
                    break
            i += matched
        words = [w for w in raw if w not in STOPWORDS and w.replace("’", "'") not in STOPWORDS]
        stems = [self.stem(w) for w in words]
        return Analysis(words=words, stems=stems, concepts=concepts)


@lru_cache(maxsize=1)
def get_analyzer() -> Analyzer:
    """The process-wide analyser, built on first use from the packaged concept list."""
    import yaml

    data = yaml.safe_load(
        resources.files("coach.data").joinpath("concepts.yaml").read_text(encoding="utf-8")
    )
    return Analyzer(data["concepts"])


def has_searchable_words(text: str) -> bool:
    """True when ``text`` holds at least one letter or digit."""
    return bool(_WORD.search(text))
