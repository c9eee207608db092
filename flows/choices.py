"""Reading a choice among options from what was typed: numbers, ranges, labels, "all".

"1,3", "1 3", "1-6", "2 à 4", "Insta et FB", "facebok", "tous": options are matched
tolerantly (see `flows.matching`), in any language, by label, value or known synonym.
"""

from __future__ import annotations

import re

from flows import matching
from flows import vocabulary as words
from flows.parsing import InvalidAnswer, clean_text

EXCLUDED_FROM_ALL = ("other", "unknown")
MAX_INDEX = 99  # no question has this many options
_RANGE = re.compile(r"^(\d+)\s*(?:-|–|à|a|to|au)\s*(\d+)$")
_FILLERS = re.compile(r"\b(?:et|and|sur|on|aussi|also|surtout|plutot|un peu|le|la|les|l'|"
                      r"du|de|des|mes|my|a|en|in|peut-etre|maybe|reseau|reseaux|uniquement|"
                      r"seulement|juste|only|just|principalement|essentiellement|mainly|mostly|"
                      r"beaucoup|parfois|sometimes|je pense|i think|probablement|probably|"
                      r"avec|with|puis|then|ou|or|the|our|nos|chez)\b")
# "1 à 3", "2 a 4", "1 to 6": one range, not three numbers
_SPACED_RANGE = re.compile(r"(\d+)\s*(?:-|–|à|a|to|au)\s*(\d+)")


def choice_indexes(text: str) -> list[int] | None:
    """Return the 1-based numbers in "1,3", "1 3" or "1-6", or None when it is not numbers."""
    joined = _SPACED_RANGE.sub(r"\1-\2", text.strip())
    parts = [p for p in re.split(r"\s*[,;/+&]\s*|\s+(?:et|and)\s+|\s+(?=\d)", joined) if p]
    numbers: list[int] = []
    for part in parts:
        span = _RANGE.match(part)
        if span:
            low, high = sorted(int(n) for n in span.groups())
            # past any option: one number is enough for the caller to refuse it
            numbers.extend(range(low, high + 1) if high <= MAX_INDEX else (high,))
        elif re.fullmatch(r"-?\d+", part):  # \d: digits of any script, which int() reads
            numbers.append(int(part) if len(part) <= len(str(MAX_INDEX)) else MAX_INDEX + 1)
        else:
            return None
    return numbers or None


def _by_label(text: str, aliases: dict[str, str]) -> list[str] | None:
    """Return the options named in `text`, whole or piece by piece, or None.

    Piece by piece for a single choice too: « plutôt des particuliers » names one option,
    "ventes et recrutement" two (refused by the caller).
    """
    whole = matching.lookup(text, aliases)
    if whole is not None:
        return [whole]
    plain = words.normalize(text)
    found = matching.spans_in(plain, aliases)
    leftover = plain
    for _, start, end in reversed(found):
        leftover = leftover[:start] + " " + leftover[end:]
    if found and not re.search(r"[a-z0-9]", _FILLERS.sub(" ", leftover)):
        return [value for value, _, _ in found]
    return None


def parse_choices(text: str, values: tuple[str, ...], aliases: dict[str, str],
                  multi: bool) -> tuple[str, ...]:
    """Return the option values chosen by number, range, label or "all" in `text`.

    `aliases` maps a normalised label, in any language, to its option value.
    """
    value = clean_text(text)
    plain = words.normalize(value)
    indexes = choice_indexes(plain)
    if indexes is not None:
        if any(not 1 <= i <= len(values) for i in indexes):
            raise InvalidAnswer("problem.unknown_option", count=len(values))
        chosen = [values[i - 1] for i in indexes]
    elif multi and plain in words.ALL:
        chosen = [v for v in values if v not in EXCLUDED_FROM_ALL]
    else:
        chosen = _by_label(value, aliases)
        if chosen is None:
            raise InvalidAnswer("problem.unknown_option", count=len(values))
    unique = tuple(dict.fromkeys(chosen))
    if not multi and len(unique) > 1:
        raise InvalidAnswer("problem.single_choice")
    return unique
