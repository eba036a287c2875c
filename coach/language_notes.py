"""Notes about a mentor, understood: cleaned, split into clauses, and put in a voice.

A note is cleaned (markup, links, template syntax and instruction-like text removed), split
into clauses, and the clause that carries a verb becomes a :class:`Point`, which renders in
the mentee's voice ("you run the guild", "we both studied at Leeds", "I enjoyed your talk
at ProductCon") or, for agendas the mentee reads, in the third person ("they run the
guild", "their talk"), never guessing a gender. Verb forms come from :mod:`coach.wordforms`
(LemmInflect's dictionary as a table mapped from disk, shared by every kernel).
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

from coach import wordforms
from coach.language_names import article, greeting_name, parse_name
from coach.language_words import ROLES as _ROLES
from coach.language_words import clean_text

__all__ = ["Point", "clean_text", "lower_first", "read_note"]
_BREAK = re.compile(r"\s*(?:[;\n|•·]|\.{3}|…|(?<=[.!?])\s+|\s[-–—]\s|[–—])\s*")
_WORD = re.compile(r"[^\W\d_]{2,}")
_FUNCTION = set("A An The It This That These Those My Our We Both In On At For To With".split())
_ABBREV = re.compile(r"\b(?:e\.g|i\.e|Dr|Mr|Mrs|Ms|Mx|Prof|St|vs|etc|approx|incl)\.", re.IGNORECASE)


def _usable(text: str) -> bool:
    return bool(_WORD.search(text))


def lower_first(text: str) -> str:
    """'Lead a project' -> 'lead a project', but 'VP of Sales', 'SQL' and 'I want' stay."""
    words = text.split(" ", 1)
    w = words[0]
    if w in _FUNCTION or (
        len(w) > 1 and w[0].isupper() and w[1:].islower() and w.isalpha() and _known(w.lower())
    ):
        return w.lower() + (" " + words[1] if len(words) > 1 else "")
    return text


# --- verbs -------------------------------------------------------------------------------

_ADVERBS = {
    "also", "often", "still", "now", "recently", "regularly", "currently", "already", "just",
    "even", "never", "sometimes", "usually", "once", "previously", "formerly", "apparently",
    "frequently", "actively", "occasionally", "personally", "publicly", "openly",
}  # fmt: skip
_DETS = {
    "a", "an", "the", "his", "her", "their", "its", "my", "our", "this", "that", "these",
    "those", "two", "three", "four", "five", "several", "many", "some", "about", "at", "on",
    "in", "for", "with", "to", "over", "from", "into", "as", "up", "out", "regularly", "weekly",
    "monthly", "often", "also", "every", "each", "back", "together",
}  # fmt: skip
_CONTENT = set(
    """talk post book podcast article keynote newsletter paper video blog thread webinar workshop
    course interview panel essay piece presentation session lecture series column episode
    speech slides guide story tweet answer comment review report study research playbook
    framework class tutorial demo book chapter""".split()
)
_CREATE = {"wrote", "write", "published", "publish", "gave", "give", "posted", "post",
           "shared", "share", "recorded", "record", "hosted", "host", "presented", "present",
           "authored", "author", "released", "release", "delivered", "deliver"}  # fmt: skip
_CUT_BEFORE = {
    "and", "but", "which", "who", "where", "because", "while", "with", "in", "at", "on",
    "for", "about", "from", "during", "after", "before", "since", "when", "whose", "including",
}  # fmt: skip
_PLURAL = {"is": "are", "was": "were", "has": "have", "does": "do", "am": "are"}


def _known(word: str) -> bool:
    return wordforms.known(word)


def _known_noun(word: str) -> bool:
    return bool(wordforms.lookup(word).pos & {"NOUN", "ADJ"})


def _verb_tags(word: str) -> frozenset[str]:
    """The verb tags ``word`` can have ('runs' -> VBZ, 'wrote' -> VBD); of a hyphenated
    word, its last part's ('co-founded' -> VBD, VBN)."""
    return wordforms.lookup(word.lower().split("-")[-1]).verb_tags


def _agree(word: str) -> str:
    """A third-person-singular verb made to agree with 'you', 'we' or 'they'."""
    low = word.lower()
    if low in _PLURAL:
        return _PLURAL[low]
    if "VBZ" in _verb_tags(low) and "VBD" not in _verb_tags(low):
        head, _, last = low.rpartition("-")
        lemma = wordforms.lookup(last).verb_lemmas
        return (head + "-" if head else "") + (lemma[0] if lemma else last)
    return word


def _bare(word: str) -> str:
    return word.strip(",.;:!?\"'“”‘’()").lower()


def _role_ahead(words: list[str], i: int) -> bool:
    for w in words[i : i + 5]:
        b = _bare(w)
        if b in _ROLES or b.endswith(("ist", "ian", "eer")):
            return True
        if b in _CUT_BEFORE or b in _CONTENT or w.endswith(","):
            return False
    return False


def _starts_with_verb(words: list[str], i: int) -> bool:
    if i >= len(words):
        return False
    tags = _verb_tags(_bare(words[i]))
    nxt = _bare(words[i + 1]) if i + 1 < len(words) else ""
    if "VBZ" in tags or _bare(words[i]) in _PLURAL:
        return True
    if tags & {"VBD", "VBN"}:
        return not _role_ahead(words, i + 1)
    return "VBG" in tags and (nxt in _DETS or not nxt) and not _role_ahead(words, i + 1)


# --- notes -------------------------------------------------------------------------------

# Markers for the people in a note, rendered per voice: (mentee's voice, third person).
# "\0" never survives clean_text, so a marker cannot come from the note itself.
_VOICES = {
    "M": ("you", "they"), "M_POSS": ("your", "their"), "M_OBJ": ("you", "them"),
    "M_SELF": ("yourself", "themselves"), "I": ("I", "you"), "MY": ("my", "your"),
    "ME": ("me", "you"), "WE": ("we", "you"), "OUR": ("our", "your"), "US": ("us", "you"),
}  # fmt: skip
_PRONOUNS = {"she": "M", "he": "M", "her": "M_POSS", "his": "M_POSS", "him": "M_OBJ",
             "herself": "M_SELF", "himself": "M_SELF", "i": "I", "my": "MY", "me": "ME",
             "we": "WE", "our": "OUR", "us": "US"}  # fmt: skip
_OBJ_AFTER = {"at", "in", "on", "to", "and", "for", "about", "with", "from", "speak", ""}
_IS_STATES = {
    "based", "located", "known", "interested", "involved", "focused", "passionate", "keen",
    "excited", "married", "retired", "qualified", "experienced", "skilled", "employed",
    "engaged", "dedicated", "committed", "responsible", "active", "great", "now", "also",
}  # fmt: skip
_M = "\0M"
_SUBJECTS = {"it", "this", "that", "there", "these", "those", "everyone", "people", "nobody"}
_TITLES = ("Dr.", "Dr", "Prof.", "Prof", "Mr.", "Mr", "Mrs.", "Mrs", "Ms.", "Ms", "Mx")


_HEARD_OF = {("were", v, "to", "\0ME") for v in ("recommended", "referred", "introduced",
             "suggested", "pointed")}  # fmt: skip


@dataclass(frozen=True)
class Point:
    """One note, understood: who does what, renderable in either voice."""

    form: str  # "you" (the mentor does it), "we", "thing" (a noun phrase), "other"
    words: tuple[str, ...]  # the body, with person markers such as "\0M_POSS"
    lead: str = ""  # for "thing": "enjoyed" or "came across"
    has_verb: bool = True  # False when the note was a noun phrase ("former tech lead")
    rest: tuple[Point, ...] = field(default=(), compare=False)

    def _render(self, n: int, name: str = "") -> str:
        out: list[str] = []
        for w in self.words:
            if w.startswith("\0"):
                mark, _, tail = w[1:].partition("|")
                if mark == "NAME":
                    word = name if n else "you"
                elif mark == "NAME_POSS":
                    word = f"{name}'s" if n else "your"
                else:
                    word = _VOICES[mark][n]
                w = word + tail
            elif n and out and out[-1] == "you" and w in ("am", "was"):
                w = {"am": "are", "was": "were"}[w]
            out.append(w)
        return " ".join(out)

    def cuts(self) -> list[Point]:
        """Shorter versions, each ending at a clause boundary, shortest first."""
        out = []
        for i in range(2, len(self.words)):
            if _bare(self.words[i]) in _CUT_BEFORE or self.words[i - 1].endswith(","):
                words = (*self.words[: i - 1], self.words[i - 1].rstrip(","))
                out.append(Point(self.form, words, self.lead, self.has_verb))
        return out

    def clause(self) -> str:
        """In the mentee's voice: 'you run the guild', 'I enjoyed your talk at X'."""
        body = self._render(0)
        if self.form == "you":
            return f"you {body}"
        if self.form == "we":
            return f"we {body}"
        if self.form == "thing":
            return f"I {self.lead} {body}"
        return body

    def noticed(self) -> str:
        """A sentence's opening, always with 'I': 'I noticed that you run the guild',
        'I enjoyed meeting you at X' (so it reads well after 'We both know Y, and')."""
        if self.form == "you" and self.words[:4] in _HEARD_OF:
            # "recommended by my manager": "I was referred to you by ...", not "I noticed"
            v = self.words[1]
            agent = Point("other", self.words[5:])._render(0)
            if v in ("referred", "introduced", "pointed"):
                return f"I was {v} to you by {agent}"
            said = "suggested I get in touch" if v == "suggested" else f"{v} you"
            return f"I heard about you from {agent}, who {said}"
        if self.form == "we" and self.words[:1] == ("met",):
            return f"I enjoyed meeting you {Point('we', self.words[1:])._render(0)}".strip()
        if self.form in ("you", "we") or (self.form == "other" and self.words[:1] != ("\0I",)):
            return f"I noticed that {self.clause()}"
        text = self.clause()
        return text[:1].upper() + text[1:]

    def third(self, name: str) -> str:
        """For the mentee to read: 'their talk at X', 'they run the guild', 'you both ...'."""
        body = self._render(1, name)
        return {"you": f"they {body}", "we": f"you {body}"}.get(self.form, body)

    def topic(self, third: bool = False, name: str = "") -> str:
        """What the point is about, as a noun phrase ('your talk at X', or with ``third``
        'their talk at X'), or '' when the note is not about something they made."""
        n = 1 if third else 0
        if self.form == "thing" and self.words[:1] == ("\0M_POSS",):
            return self._render(n, name)
        w = self.words
        if self.form == "you" and len(w) > 2 and _bare(w[0]) in _CREATE and w[1] in ("a", "an"):
            return Point("thing", ("\0M_POSS", *w[2:]))._render(n, name)
        return ""

    def more(self) -> str:
        """The rest of a long note as sentences in the mentee's voice ('' when none)."""
        texts = [p.clause() for p in self.rest]
        return " ".join(t[:1].upper() + t[1:] + "." for t in texts if t)


# Words after which the verbs no longer belong to the mentor's clause ("runs the guild,
# which meets and grows": "grows" is the guild's).
_NEW_CLAUSE = {
    "which", "who", "that", "whose", "where", "when", "because", "while", "since", "although",
    "though", "if", "whom", "whereas", "unless",
}  # fmt: skip


def _coordinated(w: str, nxt: str) -> bool:
    """Whether ``w``, straight after 'and'/'or'/'but' in the mentor's clause, is a second
    verb of it ('runs the guild and speaks at meetups'), not a noun ('runs workshops and
    talks'): a verb that is no noun, or one followed by what a verb takes ('and hosts
    events')."""
    tags = _verb_tags(w)
    if "VBZ" not in tags or "VBD" in tags:
        return False
    return not _known_noun(w) or nxt in _DETS or nxt in _PRONOUNS or _plural_noun(nxt)


def _plural_noun(word: str) -> bool:
    """'juniors', 'events': a plural noun, the object a verb before it takes."""
    return len(word) > 3 and word.endswith("s") and _known_noun(word) and not _verb_tags(word)


def _mark(words: list[str], names: tuple[str, ...]) -> list[str]:
    """Words with the people in them replaced by markers, verbs agreeing with 'you'/'we'
    (every verb of the clause: 'you run the guild and speak at meetups')."""
    out: list[str] = []
    pending = clause = False
    i = 0
    while i < len(words):
        w = words[i]
        name = next((n for n in names if _name_at(words, i, n)), "")
        if name:
            k = len(name.split())
            poss = re.search(r"['’]s", " ".join(words[i : i + k])[len(name) :])
            out.append("\0NAME_POSS" if poss else "\0NAME")
            i += k
            continue
        low, tail = _bare(w), w[len(w.rstrip(",.;:!?")) :]
        nxt = _bare(words[i + 1]) if i + 1 < len(words) else ""
        mark = _PRONOUNS.get(low) if w != _M else "M"
        if low == "her" and (nxt in _OBJ_AFTER or _verb_tags(nxt) - {"VB", "VBP"}):
            mark = "M_OBJ"
        if mark:
            out.append(f"\0{mark}|{tail}" if tail else f"\0{mark}")
            pending = mark in ("M", "WE")
        elif pending and low in _ADVERBS:
            out.append(w)
        elif pending:
            w = lower_first(w)
            agreed = _agree(w)
            clause, pending = True, False
            out.append(agreed + tail if agreed != w else w)
        elif clause and _after_conjunction(out) and _coordinated(low, nxt):
            out.append(_agree(w[: len(w) - len(tail)]) + tail)
        else:
            clause = clause and low not in _NEW_CLAUSE
            out.append(w)
        i += 1
    return out


def _after_conjunction(out: list[str]) -> bool:
    """Whether the words so far end on 'and', 'or' or 'but' (adverbs between allowed)."""
    for w in reversed(out):
        b = _bare(w)
        if b in ("and", "or", "but"):
            return True
        if b not in _ADVERBS:
            return False
    return False


def _name_at(words: list[str], i: int, name: str) -> bool:
    k = len(name.split())
    return bool(re.fullmatch(re.escape(name) + r"(['’]s)?[,.;:]?", " ".join(words[i : i + k])))


def _you(words: list[str], names: tuple[str, ...], has_verb: bool = True) -> Point:
    return Point("you", tuple(_mark([_M, *words], names)[1:]), has_verb=has_verb)


def _we(words: list[str], names: tuple[str, ...]) -> Point | None:
    """'both of us studied ...', 'we met at ...', 'met her at ...' as a 'we' point."""
    low = [_bare(w) for w in words]
    if low[:3] in (["both", "of", "us"], ["the", "two", "of"]):
        words, low = ["both", *words[3:]], ["both", *low[3:]]
    if low[:2] == ["i", "met"] or low[:1] == ["we"]:
        words, low = words[1:], low[1:]
        if low[:1] not in (["both"], ["met"]) and "together" not in low:
            words, low = ["both", *words], ["both", *low]
    if low[:1] not in (["both"], ["met"]) or len(words) < 2:
        return None
    if low[0] == "met":  # "met her at ..." -> "met at ..."
        k = next((len(n.split()) for n in names if _name_at(words, 1, n)), 0)
        k = k or (1 if low[1] in ("her", "him", "them", "you") else 0)
        words = [words[0], *words[1 + k :]]
    verb = low[0] == "met" or bool(_verb_tags(low[1]) - {"VBN"})
    body = words if verb else ["are", *words]
    return Point("we", tuple(_mark(["\0WE", *body], names)[1:]), has_verb=verb)


def _pronoun(words: list[str], names: tuple[str, ...]) -> Point | None:
    """'She runs ...', "She's written ..." as a 'you' point."""
    pron, _, contr = words[0].lower().replace("’", "'").partition("'")
    if pron not in ("she", "he", "they") or (len(words) < 2 and not contr):
        return None
    rest = words[1:]
    if contr:
        nxt = _bare(rest[0]) if rest else ""
        done = "VBN" in _verb_tags(nxt) and nxt not in _IS_STATES
        aux = {"s": "have" if done else "are", "d": "had" if done else "would", "ve": "have"}
        return Point("you", tuple(_mark([aux.get(contr, "are"), *rest], names)))
    return _you(rest, names)


def _point(segment: str, names: tuple[str, ...]) -> Point:
    words = segment.split()
    for n in names:  # "Daniel wrote ..." -> "she wrote ...", "Daniel's talk" -> "her talk"
        k = len(n.split())
        if k < len(words) and _name_at(words, 0, n):
            plain = re.fullmatch(re.escape(n) + r"[,.;:]?", " ".join(words[:k]))
            words = ["she" if plain else "her", *words[k:]]
            break
    else:
        words = lower_first(segment).split()
    found = _we(words, names) or _pronoun(words, names)
    if found:
        return found
    low = [_bare(w) for w in words]
    i = 0
    while i < len(words) - 1 and low[i] in _ADVERBS:
        i += 1
    passive = _passive(low, i)
    if passive:  # "recommended by my manager" -> "you were recommended to me by my manager"
        by = ["to", "me"] if low[i] in _TO_ME and passive == 1 else []
        return _you(["were", *words[: i + 1], *by, *words[i + 1 :]], names)
    if _starts_with_verb(words, i):
        tags = _verb_tags(low[i])
        going = "VBG" in tags and not tags & {"VBZ", "VBD"}  # "leading the team"
        return _you((["are"] if going else []) + words, names)
    if low[0] in ("her", "his", "their") and _verb_after(low, 1):
        return Point("other", tuple(_mark(words, names)))  # "her team at Monzo grew 3x"
    if low[0] in ("her", "his", "their"):
        nouns = [w for w in low[1:4] if w in _CONTENT]
        return Point("thing", ("\0M_POSS", *_mark(words[1:], names)), _lead(nouns), False)
    if _role_ahead(words, 0):  # "former tech lead at Monzo" -> "you are a former tech lead"
        det = low[0] in ("a", "an", "the", "my", "our")
        np = words if det else article(" ".join(words)).split()
        return _you(["are", *np], names, has_verb=False)
    if low[0] in ("i", "my", *_SUBJECTS) or (
        len(low) > 1 and low[0] not in _DETS and _verb_tags(low[1]) & {"VBZ", "VBD"}
    ):
        return Point("other", tuple(_mark(words, names)))
    if _has_subject_and_verb(low):  # "In part 2 she explains how ...": a whole clause
        return Point("other", tuple(_mark(words, names)))
    if low[0] in ("a", "an") and len(words) > 1:
        words, low = words[1:], low[1:]
    if low[0] == "the":
        return Point("thing", tuple(_mark(words, names)), "came across", False)
    nouns = [w for w in low[:4] if w in _CONTENT]
    return Point("thing", ("\0M_POSS", *_mark(words, names)), _lead(nouns), False)


# Past participles that say how the mentee heard of the mentor: "recommended by my
# manager" is said "you were recommended to me by my manager".
_TO_ME = {"recommended", "referred", "introduced", "suggested", "pointed"}


def _passive(low: list[str], i: int) -> int:
    """Whether the note opens (at ``i``) with a past participle and its agent: 1 for
    'recommended by ...', 2 for 'recommended to me by ...', else 0."""
    if i + 1 >= len(low) or not (_verb_tags(low[i]) & {"VBD", "VBN"} and low[i].endswith("ed")):
        return 0
    if low[i + 1] == "by" and len(low) > i + 2:
        return 1
    to_me = low[i + 1 : i + 4] in (["to", "me", "by"], ["to", "us", "by"])
    return 2 if to_me and len(low) > i + 4 else 0


def _verb_after(low: list[str], start: int) -> bool:
    """Whether a verb follows the noun phrase that starts at ``start`` ('her team at Monzo
    grew 3x', 'his newsletter covers the NHS'), so the words are a clause, not a thing.
    A plain past form ('grew') or a present one that is no noun ('speaks') counts, and a
    form that is also a noun ('covers') or a participle ('led') when an object follows."""
    for k in range(start + 1, len(low)):
        w, prev = low[k], low[k - 1]
        nxt = low[k + 1] if k + 1 < len(low) else ""
        if prev in _DETS or w in _CUT_BEFORE:
            if w in _CUT_BEFORE and w not in ("at", "in", "on", "for", "from", "about", "with"):
                return False  # "her talk, which ...", "his post and ...": no main verb
            continue
        tags = _verb_tags(w)
        if "VBD" in tags and ("VBN" not in tags or nxt in _DETS) and not _known_noun(w):
            return True
        if "VBZ" in tags and (not _known_noun(w) or (nxt in _DETS and nxt not in _CUT_BEFORE)):
            return True
    return False


def _has_subject_and_verb(low: list[str]) -> bool:
    """Whether a pronoun and a verb that agrees with it come somewhere in the words ('in
    part 2 she explains', 'last year they ran'), so the note is a clause, not a thing."""
    return any(
        a in ("she", "he", "they", "we", "i") and _verb_tags(b) & {"VBZ", "VBD", "VBP"}
        for a, b in itertools.pairwise(low)
    )


def _lead(nouns: list[str]) -> str:
    return "enjoyed" if nouns else "came across"


def read_note(note: str, mentor_name: str = "") -> Point | None:
    """The note as a :class:`Point` (its clause with a verb, the rest kept in ``rest``), or
    None when nothing usable is left once markup and instruction-like text are removed."""
    text = _ABBREV.sub(lambda m: m.group(0)[:-1] + "\x01", clean_text(note))
    segments = [s.strip(" ,.;:!?-").replace("\x01", ".") for s in _BREAK.split(text)]
    segments = [s for s in segments if _usable(s)]
    if not segments:
        return None
    p = parse_name(mentor_name) if mentor_name.strip() else None
    forms = {mentor_name.strip(), greeting_name(mentor_name), greeting_name(mentor_name, True)}
    forms |= {p.plain, p.first, p.last, *(f"{t} {p.last}" for t in _TITLES)} if p else set()
    names = tuple(sorted((n for n in forms if n and len(n) > 1), key=len, reverse=True))
    points = [_point(s, names) for s in segments]
    main = next((i for i, pt in enumerate(points) if pt.has_verb), None)
    if main is None:
        main = next((i for i, pt in enumerate(points) if pt.form != "thing"), 0)
    pt = points[main]
    rest = tuple(q for i, q in enumerate(points) if i != main)
    return Point(pt.form, pt.words, pt.lead, pt.has_verb, rest)
