"""Text helpers shared by the platform adapters."""

from __future__ import annotations


def split_text(text: str, limit: int) -> list[str]:
    """Split `text` into messages of at most `limit` characters, at paragraph boundaries."""
    chunks: list[str] = []
    current = ""
    for paragraph in text.split("\n\n"):
        while len(paragraph) > limit:  # a single paragraph too long: cut at a line or hard
            cut = paragraph.rfind("\n", 0, limit)
            cut = cut if cut > 0 else limit
            if current:
                chunks.append(current)
                current = ""
            chunks.append(paragraph[:cut])
            paragraph = paragraph[cut:].lstrip("\n")
        candidate = f"{current}\n\n{paragraph}" if current else paragraph
        if len(candidate) > limit:
            chunks.append(current)
            current = paragraph
        else:
            current = candidate
    if current:
        chunks.append(current)
    return chunks
