"""Splitting long replies under a platform's message limit."""

from bot.text import split_text


def test_long_text_is_split_at_paragraphs_under_the_limit():
    paragraphs = [f"{n} " + "x" * 1500 for n in range(6)]
    chunks = split_text("\n\n".join(paragraphs), 4096)
    assert all(len(c) <= 4096 for c in chunks)
    assert len(chunks) == 3
    assert "\n\n".join(chunks) == "\n\n".join(paragraphs)


def test_a_single_huge_paragraph_is_still_cut_under_the_limit():
    chunks = split_text("y" * 10000, 4096)
    assert [len(c) for c in chunks] == [4096, 4096, 1808]


def test_short_text_is_one_message():
    assert split_text("Bonjour", 4096) == ["Bonjour"]
