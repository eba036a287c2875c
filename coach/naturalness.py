"""Does a text read as a person wrote it? The faults a reader notices at once.

``problem`` names the first of them in plain words, or returns None: instructions or markup
copied from the inputs, a title greeted as if it were a first name, a verb that does not
agree with "you" (the second verb after "and" too), an article in front of a past participle
("a recommended by"), a capitalised pronoun mid-sentence, a semicolon between a person and
what they did, doubled punctuation or words, stray spaces (at either end of a line, or two in
a row), a sentence without a verb, and text cut off mid-sentence. Verb forms come from
:mod:`coach.wordforms` (LemmInflect's dictionary as a mapped table: no tagger, no model), so
the check costs microseconds once warm.
"""

from __future__ import annotations

import re
from functools import lru_cache

from coach import wordforms

_TOKEN = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
_MARKUP = re.compile(
    r"</?[a-z!][^>\n]{0,80}>?|</|<\|"  # HTML or chat-template tags
    r"|&(?:lt|gt|amp|quot|nbsp|#\d+);|\bjavascript\s*:"
    r"|\b(?:ignore|disregard|forget)\s+(?:all\s+|any\s+)?(?:of\s+)?(?:the\s+|your\s+)?"
    r"(?:(?:previous|prior|above|earlier|preceding)\s+(?:instructions|prompts?|rules|directions)"
    r"|above\b|instructions\b)"
    r"|\bsystem\s+prompt\b|\b(?:developer|hidden)\s+(?:message|prompt|instructions)\b"
    r"|\bas\s+an\s+ai\s+(?:language\s+)?model\b|\[/?(?:inst|system)\]"
    r"|\[[^\]\n]+\]\([^)\s]*\)|!\[|```|\*\*\S|^\s{0,3}#{1,6}\s",
    re.IGNORECASE | re.MULTILINE,
)
_TITLE_AS_NAME = re.compile(
    r"\b(?:hi|hello|hey|dear)\s+(?:dr|prof|professor|doctor|mr|mrs|ms|mx|miss|rev|revd|fr)\b"
    r"\.?\s*(?=[,!:;\n]|$)",
    re.IGNORECASE,
)
_CLASH = re.compile(r"\b[a-z][\w'’]*[,;]?[ \t]+(?:He|She|They|His|Her|Him|Them|Their|Hers)\b")
_DOUBLE_PUNCT = re.compile(
    r",\s*[,;:.]|;\s*[,;:.]|:\s*[,;:.]|(?<!\.)\.[ \t]+\.(?!\.)|(?<!\.)\.\.(?!\.)"
    r"|[?!]\s*[.,](?!\.)|\.[ \t]*[?!]"
)
_DOUBLE_WORD = re.compile(r"\b([^\W\d_]+)[ \t]+\1\b", re.IGNORECASE)
_ALLOWED_DOUBLES = {"that", "had"}
_ELLIPSIS = re.compile(r"…|\.\.\.")
# Spaces a reader sees as a slip: at the start or end of a line, or two in a row.
_STRAY_SPACE = re.compile(
    r"(?P<start>^[ \t]+(?=\S))|(?P<end>(?<=\S)[ \t]+$)|(?P<double>(?<=\S)[ \t]{2,}(?=\S))",
    re.MULTILINE,
)
_SPACE_SLIPS = {
    "start": "a line starts with a space",
    "end": "a line ends with a space",
    "double": "two spaces in a row",
}
_GREETING = re.compile(
    r"^\s*(?:hi|hello|hey|dear|good\s+(?:morning|afternoon|evening))\b"
    r"(?:\s+(?:dr|mr|mrs|ms|mx|prof|st)\.)?[^,!.?\n]{0,60}"
    r"(?:[,!]\s*|$)",
    re.IGNORECASE,
)
# "Best," / "Thanks, Anna" / "With thanks!": a sign-off, then at most a name.
_SIGN_OFF = re.compile(
    r"^(?i:best|best wishes|all the best|kind regards|warm regards|regards|many thanks|thanks"
    r"|thanks again|thank you|with thanks|cheers|sincerely|yours|yours sincerely|warmly"
    r"|take care|talk soon|speak soon)\b[ \t,!]*(?:[A-Z][\w.'’-]*[ \t]*){0,4}$"
)
# Sentences that need no verb in ordinary writing.
_IDIOM = re.compile(
    r"^(?:(?:if not|either way|and if not|otherwise),?\s+)?(?:no\s+[^\W\d_]+|(?:many )?thanks"
    r"|thank you|congratulations|(?:good|best of) luck|all the best|happy to|glad to"
    r"|with thanks|p\.?s\.?)\b",
    re.IGNORECASE,
)
# "Priya: two minutes on…", "Łucja: …", "李小龍: …": a name (not a lowercase word) and a colon
# (up to four words: a name greeted whole, "Nguyễn Thị Minh Khai: …")
_SPEAKER = re.compile(r"^(?![a-z])[^\W\d_][\w'’-]*(?: (?![a-z])[^\W\d_][\w'’-]*){0,3}:\s")
_TERMINAL = re.compile(r"[.!?][\"'”’)\]]*$")
_ABBREV = re.compile(
    r"\b(?:dr|mr|mrs|ms|mx|prof|st|jr|sr|vs|etc|inc|ltd|no|approx|e\.g|i\.e|[A-Z])\.$",
    re.IGNORECASE,
)
_SPLIT = re.compile(r"(?<=[.!?])[\"'”’)\]]*\s+(?=[\"“'(]?[A-Z0-9])")

AUX = frozenset(
    """am is are was were be been being has have had do does did can could will would shall
    should may might must""".split()
)
DETERMINERS = frozenset(
    """a an the my your his her its our their each every some any no another either neither
    two three four five six seven eight nine ten several many few""".split()
)
PREPOSITIONS = frozenset(
    """at on in of for with about from by into onto over under after before during between
    among through without within across against like via per around""".split()
)
# After these verbs "you" starts a clause ("I noticed you ran ..."); after other verbs and
# prepositions it is an object ("introduce you works best", "thank you notes", "for you").
_CLAUSE_VERBS = frozenset(
    """hope hoped noticed notice saw see know knew heard hear read think thought believe
    understand understood gather gathered learned learnt realise realize realised realized
    feel felt guess bet trust suppose assume found find said mentioned remember""".split()
)
_AGREE = {
    "is": "are",
    "was": "were",
    "has": "have",
    "does": "do",
    "am": "are",
    "isn't": "aren't",
    "wasn't": "weren't",
    "hasn't": "haven't",
    "doesn't": "don't",
}
_AUX_TAGS = frozenset({"MD"})  # any tag: an auxiliary is a verb wherever it stands
_CONTRACTED = {"m", "re", "ve", "ll", "d", "t"}  # I'm, you're, we've, I'll, I'd, don't
_S_IS = {"it", "that", "there", "here", "he", "she", "what", "who", "where", "how", "let"}


def parts_of_speech(word: str) -> frozenset[str]:
    """The parts of speech a lowercase ``word`` can have ('VERB', 'NOUN', 'ADJ', ...)."""
    return wordforms.lookup(word).pos


@lru_cache(maxsize=16384)
def verb_tags(word: str) -> frozenset[str]:
    """The Penn tags a lowercase ``word`` can have as a verb or auxiliary ('VBD', 'VBZ')."""
    forms = wordforms.lookup(word)
    return forms.verb_tags | forms.aux_tags


def _base(word: str) -> str:
    lemmas = wordforms.lookup(word).verb_lemmas
    return lemmas[0] if lemmas else word


def _split_suffix(token: str) -> tuple[str, str]:
    base, _, suffix = token.replace("’", "'").lower().partition("'")
    return base, suffix


def _is_verb(tokens: list[str], i: int) -> bool:
    """Whether ``tokens[i]`` works as a verb here (dictionary forms and their neighbours)."""
    token = tokens[i]
    base, suffix = _split_suffix(token)
    if suffix in _CONTRACTED or (suffix == "s" and base in _S_IS):
        return True
    if suffix or (i > 0 and token[0].isupper() and token != "I"):
        return False  # a possessive, or a name
    w = token.lower()
    p, p_suffix = _split_suffix(tokens[i - 1]) if i else ("", "")
    tags = _AUX_TAGS if w in AUX else verb_tags(w)
    if not tags:
        return False
    if p in ("this", "one"):  # "this means" / "this talk"
        return bool(tags & {"VBZ", "VBD", "MD"})
    if p in ("these", "those"):  # "these matter" / "these talks"
        return "VBZ" not in tags
    if p in DETERMINERS or p_suffix == "s":
        return False  # "her talk", "Anna's post"
    if w in AUX:
        return True
    pos = parts_of_speech(p)
    if p in PREPOSITIONS or ("ADJ" in pos and not pos & {"VERB", "ADV"}):
        return False  # "on onboarding", "a great talk"
    if i == 0 and "NOUN" in parts_of_speech(w):
        return "VB" in tags  # an imperative ("Book the room"), not "Talks at ..."
    return True


def _has_verb(sentence: str) -> bool:
    tokens = _TOKEN.findall(sentence)
    return any(_is_verb(tokens, i) for i in range(len(tokens)))


def sentences(text: str) -> list[str]:
    """``text`` split into lines and sentences (titles such as "Dr." do not end one)."""
    out: list[str] = []
    for line in text.splitlines():
        line = line.strip().lstrip("-*•").strip()
        if not line:
            continue
        pieces = _SPLIT.split(line)
        merged: list[str] = []
        for piece in pieces:
            if merged and _ABBREV.search(merged[-1]):
                merged[-1] += " " + piece
            else:
                merged.append(piece)
        out.extend(p.strip() for p in merged if p.strip())
    return out


def _body(text: str) -> list[str]:
    """The sentences of a message that a reader judges: no greeting, sign-off or signature."""
    parts = sentences(text)
    if parts:
        m = _GREETING.match(parts[0])
        if m:
            rest = parts[0][m.end() :].strip()
            parts = ([rest] if rest else []) + parts[1:]
    for n, part in enumerate(parts):
        if _SIGN_OFF.match(part):
            return parts[:n]
    if parts and not _TERMINAL.search(parts[-1]):
        words = parts[-1].split()
        if len(words) <= 4 and all(w[:1].isupper() for w in words):
            parts = parts[:-1]  # a signature line
    return parts


_DANGLING = frozenset("a an the and or but nor my your their our its".split())
_NEEDS_OBJECT = frozenset(
    "into onto of from with about at for to towards toward between among via per against".split()
)
_ING_SUBJECTS = AUX | frozenset("worth keep keeps kept been".split())


def _cut_short(sentence: str) -> bool:
    """Whether the sentence ends on a word that needs more after it: "... at the.", or a
    phrase cut after its preposition ("a data analyst moving into.")."""
    tokens = [t.lower() for t in _TOKEN.findall(sentence)]
    if not tokens:
        return False
    if tokens[-1] in _DANGLING:
        return True
    if len(tokens) < 3 or tokens[-1] not in _NEEDS_OBJECT:
        return False
    ing, before = tokens[-2], tokens[-3]
    b_base, b_suffix = _split_suffix(before)
    return (
        ing.endswith("ing")
        and verb_tags(ing) == frozenset({"VBG"})
        and before not in _ING_SUBJECTS
        and before not in PREPOSITIONS
        and b_base not in ("i", "you", "we", "they", "he", "she", "it")
        and not b_suffix
    )


def _quote(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return f'"{text}"' if len(text) <= limit else f'"{text[: limit - 1].rstrip()}…"'


def _agreement(sentence: str) -> str | None:
    tokens = [t.lower().replace("’", "'") for t in _TOKEN.findall(sentence)]
    for i, t in enumerate(tokens[:-1]):
        prev = tokens[i - 1] if i else ""
        if t not in ("you", "i") or prev in PREPOSITIONS or prev == "to":
            continue
        if t == "you" and prev not in _CLAUSE_VERBS and prev not in AUX and verb_tags(prev):
            continue
        nxt = tokens[i + 1]
        if t == "i":
            if nxt in ("is", "are", "has", "does", "isn't", "aren't", "hasn't", "doesn't"):
                fix = {"is": "am", "are": "am", "isn't": "am not", "aren't": "am not"}.get(nxt)
                fix = fix or {"has": "have", "does": "do", "hasn't": "haven't"}.get(nxt, "don't")
                return f'say "I {fix}", not "I {nxt}"'
            continue
        if nxt in _AGREE:
            return f'say "you {_AGREE[nxt]}", not "you {nxt}"'
        if "VBZ" in verb_tags(nxt):
            return f'say "you {_base(nxt)}", not "you {nxt}"'
    return None


_CLAUSE_BREAK = re.compile(r"[,;:()—–]|\s-\s")
# Words that open a clause of their own, whose verbs need not agree with "you".
_OWN_SUBJECT = frozenset(
    """which who whom whose that where when because while since although though if unless
    it he she they we i this these those there""".split()
)


def _second_verb(sentence: str) -> str | None:
    """A second verb after 'and'/'or'/'but' that does not agree with 'you' or 'they' ('you
    run the guild and speaks at meetups'), in the same clause."""
    for clause in _CLAUSE_BREAK.split(sentence):
        tokens = [t.lower().replace("’", "'") for t in _TOKEN.findall(clause)]
        for i, t in enumerate(tokens[:-1]):
            prev = tokens[i - 1] if i else ""
            if t not in ("you", "they") or prev in PREPOSITIONS or prev == "to":
                continue
            if t == "you" and prev not in _CLAUSE_VERBS and prev not in AUX and verb_tags(prev):
                continue
            for j in range(i + 2, len(tokens) - 1):
                w = tokens[j]
                if w in _OWN_SUBJECT or w == "you":
                    break
                if w not in ("and", "or", "but"):
                    continue
                k = j + 1
                while k < len(tokens) - 1 and tokens[k] in ("also", "often", "still", "now"):
                    k += 1
                nxt, tags = tokens[k], verb_tags(tokens[k])
                if "VBZ" in tags and "VBD" not in tags and "NOUN" not in parts_of_speech(nxt):
                    return f'say "{t} … {w} {_base(nxt)}", not "{t} … {w} {nxt}"'
    return None


def _participle_article(sentence: str) -> str | None:
    """'a recommended by my manager': an article in front of a past participle."""
    for m in re.finditer(r"\b(an?)\s+([a-z]+ed)\s+by\b", sentence, re.IGNORECASE):
        word = m.group(2).lower()
        if verb_tags(word) & {"VBD", "VBN"} and "NOUN" not in parts_of_speech(word):
            return f'"{m.group(1)}" in front of "{word}" ({_quote(m.group(0))})'
    return None


def _semicolon(sentence: str) -> str | None:
    for m in re.finditer(r"(\S+)\s*;\s*([a-z]+)\b\s*(\w*)", sentence):
        w, after = m.group(2), m.group(3).lower()
        tags = verb_tags(w)
        past = "VBD" in tags and not tags & {"VB", "VBP"}  # "ran", not "put" or "let"
        if past and ("VBN" in tags or w.endswith("ed")):  # "led the team", not "handled well"
            past = after in DETERMINERS or after in PREPOSITIONS
        if (
            w in ("is", "was", "has", "had")
            or past
            or ("VBZ" in tags and "NOUN" not in parts_of_speech(w))
        ):
            return (
                f"a semicolon splits who from what they did ({_quote(m.group(0))}); "
                "write it as one sentence"
            )
    return None


def heading_problem(text: str) -> str | None:
    """What a reader would stop at in a heading (which needs no verb), or None."""
    if not text.strip():
        return "the heading is empty"
    return _surface(text) or (
        "the heading trails off with an ellipsis (…)" if _ELLIPSIS.search(text) else None
    )


def subject_problem(text: str) -> str | None:
    """What a reader would stop at in a subject line: a heading's faults, or 'about' said
    twice ('A question about your talk about onboarding')."""
    found = heading_problem(text)
    if found is None and len(re.findall(r"\babout\b", text, re.IGNORECASE)) > 1:
        return f'the subject says "about" twice ({_quote(text)})'
    return found


def _surface(text: str) -> str | None:
    """Faults visible without reading the sentences: markup, doubled marks and words."""
    m = _MARKUP.search(text)
    if m:
        return f"copies instructions or markup from the inputs ({_quote(m.group(0).strip())})"
    m = _TITLE_AS_NAME.search(text)
    if m:
        return f"greets a title as if it were a first name ({_quote(m.group(0).strip())})"
    m = _DOUBLE_PUNCT.search(text)
    if m:
        return f"doubled punctuation ({_quote(m.group(0).strip())})"
    for m in _DOUBLE_WORD.finditer(text):
        if m.group(1).lower() not in _ALLOWED_DOUBLES:
            return f"a word is doubled ({_quote(m.group(0))})"
    m = _STRAY_SPACE.search(text)
    if m:
        line = text[text.rfind("\n", 0, m.start()) + 1 :].split("\n", 1)[0]
        return f"{_SPACE_SLIPS[m.lastgroup or 'double']} ({_quote(line)})"
    return None


def problem(text: str, *, agenda: bool = False) -> str | None:
    """The first thing in ``text`` that a reader would stop at, in plain words, or None.

    ``agenda`` judges one agenda prompt: a question or an imperative line with no greeting
    or sign-off, which may leave out its full stop; "Name: ..." lines address one person.
    """
    if not text.strip():
        return "the text is empty"
    surface = _surface(text)
    if surface:
        return surface
    parts = sentences(text) if agenda else _body(text)
    for s in parts:
        found = _agreement(s) or _second_verb(s) or _participle_article(s)
        if found:
            return found
    for s in parts:
        m = _CLASH.search(s)
        if m:
            return (
                f"a capitalised pronoun in the middle of a sentence ({_quote(m.group(0))}); "
                'write to the person as "you"'
            )
    for s in parts:
        found = _semicolon(s)
        if found:
            return found
    for s in parts:
        if agenda and _SPEAKER.match(s):
            continue  # "Priya: two minutes on your path so far."
        if s.rstrip().endswith("?") or _IDIOM.match(s) or _has_verb(s):
            continue
        return f"this sentence has no verb: {_quote(s)}"
    m = _ELLIPSIS.search(text)
    if m:
        return "the text trails off with an ellipsis (…), as if cut mid-sentence"
    if not agenda and parts and not _TERMINAL.search(parts[-1]):
        return f"the text stops mid-sentence: {_quote(parts[-1][-50:])}"
    for s in parts:
        if _cut_short(s):
            return f"a sentence stops mid-way: {_quote(s[-50:])}"
    return None
