"""Tolerant matching of what people type against known words: options, networks, commands.

Owners type fast on a phone: "facebok", "Insta", "linkdin", "retoure". A word matches a
known one when it is the same after `normalize` (case, accents), or within a small edit
distance that grows with its length: short words must be exact ("fb" is not "x"), a
word of five to eight letters may have one letter wrong, a longer one two (two letters
swapped, "insatgram", count as one). A typo that is as close to two different values
matches neither: better to ask than to guess.
"""

from __future__ import annotations

import re

from rapidfuzz import process
from rapidfuzz.distance import OSA

from flows import vocabulary as words


def tolerance(word: str) -> int:
    """Return how many letters may be wrong in a word of this length."""
    size = len(word.replace(" ", ""))
    if size <= 4:
        return 0
    return 1 if size <= 8 else 2


def lookup(text: str, table: dict[str, str], max_distance: int | None = None) -> str | None:
    """Return the value of the key of `table` that `text` is, allowing typos, or None.

    Keys must already be normalised. None also when the closest keys lead to different
    values (an ambiguous typo).
    """
    plain = words.normalize(text)
    if plain in table:
        return table[plain]
    allowed = tolerance(plain) if max_distance is None else max_distance
    if not plain or allowed == 0:
        return None
    found = process.extract(plain, list(table), scorer=OSA.distance,
                            score_cutoff=allowed, limit=None)
    if not found:
        return None
    best = min(distance for _, distance, _ in found)
    values = {table[key] for key, distance, _ in found if distance == best
              and tolerance(key) >= distance}
    return values.pop() if len(values) == 1 else None


def network_table(labels: dict[str, str] | None = None) -> dict[str, str]:
    """Return every way to name a network (abbreviations, both languages, `labels`)."""
    table = dict(words.NETWORK_WORDS)
    table.update(labels or {})
    return table


def networks_in(text: str, labels: dict[str, str] | None = None) -> list[tuple[str, int, int]]:
    """Return the networks named in `text` as (network, start, end) spans, in order.

    Reads "Facebook 0,5 Instagram 2", "FB: 1 / Insta: 2", "linkdin 2": each word or
    pair of words is looked up tolerantly; digits and punctuation are never a network.
    `text` must be normalised.
    """
    return spans_in(text, network_table(labels))


def spans_in(text: str, table: dict[str, str]) -> list[tuple[str, int, int]]:
    """Return the values of `table` named in normalised `text`, as (value, start, end).

    Groups of up to three words are tried before single words, each tolerantly.
    """
    tokens = [(m.group(), m.start(), m.end()) for m in re.finditer(r"[a-z][a-z'-]*", text)]
    spans: list[tuple[str, int, int]] = []
    index = 0
    while index < len(tokens):
        for size in (3, 2, 1):  # "google my business" before "google"
            group = tokens[index:index + size]
            if len(group) < size:
                continue
            phrase = " ".join(token for token, _, _ in group)
            network = lookup(phrase, table)
            if network is not None:
                spans.append((network, group[0][1], group[-1][2]))
                index += size
                break
        else:
            index += 1
    return spans


# Command words of five letters are one letter away from too many answers ("bilan":
# Milan, Bilal; "vider": vidéo; "pause": cause; "clear": clean): only longer ones are
# tried tolerantly.
NEAR_MIN_LENGTH = 6
# Ordinary answers one letter away from a command word.
ORDINARY_WORDS = frozenset({"devenir", "sortie", "sorties", "longue", "mangue", "cancer"})


def _near_table() -> dict[str, str]:
    return {word: name for name in words.NEAR_COMMANDS for word in words.COMMANDS[name]
            if len(word.replace(" ", "")) >= NEAR_MIN_LENGTH}


NEAR_TABLE = _near_table()
_KNOWN_ANSWERS = {*words.NETWORK_WORDS, *words.AUDIENCE_WORDS, *words.OBJECTIVE_WORDS}


def near_command(text: str) -> str | None:
    """Return the command a short text almost is ("retoure": "back"), None when it is one
    exactly, or is not close to any.

    Known answer words, ordinary words and plurals of command words ("points",
    "retours") are answers, not typos."""
    plain = words.normalize(text).lstrip("/")
    if not plain or len(plain.split()) > 3 or words.command_of(plain) is not None:
        return None
    if plain in ORDINARY_WORDS or plain in _KNOWN_ANSWERS or (
            plain.endswith("s") and words.command_of(plain[:-1]) is not None):
        return None
    return lookup(plain, NEAR_TABLE)
