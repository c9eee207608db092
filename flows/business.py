"""The kind of business, which shapes the plan: a local shop, an online shop, services to
businesses, or something else.

The coach asks it, with a guess from what the owner already said (their customers,
their problem, the networks where they are) to confirm with one tap.
"""

from __future__ import annotations

import re

from flows import vocabulary as words

KINDS = ("local", "online", "b2b", "other")

# Words in the answers that point to a kind of business, normalised.
CLUES = {
    "local": (r"\bquartier\b", r"\bvoisin", r"\bville\b", r"\blocal(?:e|es|aux)?\b",
              r"\bboutique\b", r"\bmagasin\b", r"\bcommerce\b", r"\bboulang", r"\bpatiss",
              r"\bsalon\b", r"\bcoiff", r"\brestaurant\b", r"\bbar\b", r"\bcafe\b",
              r"\bplomb", r"\belectrici", r"\bartisan", r"\bgarage\b", r"\bfleuris",
              r"\bepicerie\b", r"\bneighbou?rhood\b", r"\bnearby\b", r"\blocals?\b",
              r"\bshop\b", r"\bstore\b", r"\bbakery\b", r"\bhairdress", r"\bplumb",
              r"\bpassants?\b", r"\bfamilles?\b", r"\bhabitants?\b", r"\bresidents?\b"),
    "online": (r"\ben ligne\b", r"\be-?shop\b", r"\be-?commerce\b", r"\bsite marchand\b",
               r"\blivraison\b", r"\bpartout en france\b", r"\bonline\b", r"\bshipping\b",
               r"\betsy\b", r"\bshopify\b", r"\bcommande(?:nt)? sur (?:le|mon) site\b",
               r"\bvente a distance\b", r"\bwebshop\b"),
    "b2b": (r"\bentreprises?\b", r"\bpme\b", r"\bdirigeants?\b", r"\bgerants?\b",
            r"\bsocietes?\b", r"\bcabinets?\b", r"\bdrh\b", r"\bdirecteurs?\b",
            r"\bstart-?ups?\b", r"\bb2b\b", r"\bcompanies\b", r"\bbusinesses\b",
            r"\bmanagers?\b", r"\bfounders?\b", r"\bsmes?\b", r"\bclients? pros?\b"),
}


def _scores(text: str) -> dict[str, int]:
    plain = words.normalize(text)
    return {kind: sum(1 for clue in clues if re.search(clue, plain))
            for kind, clues in CLUES.items()}


def guess_kind(answers: dict) -> str | None:
    """Return the kind of business the answers point to, or None when they don't say.

    Businesses as customers and LinkedIn point to services to businesses; a place, a
    shop or a trade to a local business; delivery or an e-shop to an online shop.
    """
    texts = " ".join(str(answers.get(key) or "") for key in ("customer", "problem"))
    objective = answers.get("objective")
    if isinstance(objective, dict):
        texts += " " + str(objective.get("text") or "")
    scores = _scores(texts)
    audience = answers.get("audience_type")
    if audience == "b2b":
        scores["b2b"] += 2
    networks = answers.get("audience_networks") or []
    if "linkedin" in networks and audience != "b2c":
        scores["b2b"] += 1
    if "google_business" in networks:
        scores["local"] += 1
    best = max(scores, key=scores.get)
    tied = [kind for kind, score in scores.items() if score == scores[best]]
    return best if scores[best] > 0 and len(tied) == 1 else None


def kind_of(answers: dict) -> str:
    """Return the stored kind of business, "other" for plans made before it was asked."""
    kind = answers.get("business_kind")
    return kind if kind in KINDS else "other"


# Where each kind of business usually finds its customers, most useful first (seeds
# 000, 002: be where your customers are; 001: start close to home).
FITTING_NETWORKS = {
    "local": ("google_business", "facebook", "instagram"),
    "online": ("instagram", "pinterest", "facebook", "tiktok", "youtube"),
    "b2b": ("linkedin",),
    "other": (),
}
