"""Message catalogues: French and English complete, placeholders alike, every key used exists."""

import ast
import re
import string
from pathlib import Path

import pytest

from flows import render
from flows.i18n import LANGUAGES, catalogue, t
from flows.questions import QUESTIONS, SECTIONS

ROOT = Path(__file__).resolve().parents[2]


def placeholders(text):
    """Return the {names} of a text, or of all its plural forms."""
    forms = text if isinstance(text, tuple) else (text,)
    return {name for form in forms for _, name, _, _ in string.Formatter().parse(form)
            if name}


def test_both_languages_have_the_same_keys():
    assert set(catalogue("fr")) == set(catalogue("en"))


@pytest.mark.parametrize("key", sorted(catalogue("fr")))
def test_placeholders_match_between_languages(key):
    assert placeholders(catalogue("fr")[key]) == placeholders(catalogue("en")[key])


def test_plural_forms_and_never_a_parenthesised_plural():
    def line(language, n, shown):
        return t(language, "digest.line", n=n, name="Léa", hours=2, results=shown)
    assert line("fr", 1, 1).endswith("2 h, 1 résultat")
    assert line("fr", 0, 0).endswith("0 résultat")
    assert line("fr", 1.5, "1,5").endswith("1,5 résultat")
    assert line("fr", 2, 2).endswith("2 résultats")
    assert line("en", 0, 0).endswith("0 results")
    assert line("en", 1, 1).endswith("1 result")
    assert t("fr", "report.title", n=1) == "Votre dernier point :"
    assert t("en", "plan.not_ready", n=3).startswith("Your plan will be ready") and \
        "3 questions to go" in t("en", "plan.not_ready", n=3)
    for language in LANGUAGES:
        for key, text in catalogue(language).items():
            for form in text if isinstance(text, tuple) else (text,):
                assert "(s)" not in form and "(es)" not in form, key


def literal_keys():
    """Return the catalogue keys written as literals in t(...) calls in the code."""
    keys = set()
    for path in list((ROOT / "flows").glob("*.py")) + list((ROOT / "bot").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "t" \
                    and len(node.args) >= 2 and isinstance(node.args[1], ast.Constant):
                keys.add(node.args[1].value)
    return keys


def test_every_literal_key_in_the_code_exists():
    assert literal_keys() - set(catalogue("fr")) == set()
    assert len(literal_keys()) > 20


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_question_option_section_and_advice_has_its_text(language):
    for question in QUESTIONS:
        assert t(language, f"q.{question.id}.text") and t(language, f"q.{question.id}.help")
        for option in render.options(language, question):
            assert option.label
    for section in SECTIONS:
        assert t(language, f"section.{section}")
    texts = catalogue(language)
    source = (ROOT / "flows/advice.py").read_text()
    rule_keys = set(re.findall(r'Advice\("(\w+)"', source)) - {"ack"}
    variants = {"focus_networks": (".absent", ".hours", ".both")}
    for key in rule_keys:
        for variant in variants.get(key, ("",)):
            assert f"advice.{key}{variant}" in texts, key
    for key in rule_keys:
        if f"priority.{key}.do" in texts:  # a priority says what to do and why
            assert any(k.startswith(f"priority.{key}.why") for k in texts), key
    for key in re.findall(r'Advice\("(ack\.\w+)"', source):
        assert key in texts, key
    for objective in ("awareness", "leads", "recruiting", "service", "community", "other"):
        assert t(language, f"metric.{objective}")
