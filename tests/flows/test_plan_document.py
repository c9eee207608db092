"""The plan as one printable page: a one-page A4 PDF (or PNG), long texts kept on the page."""

from __future__ import annotations

import re
import struct

from flows.plan_document import (MARGIN, PAGE_HEIGHT, PAGE_WIDTH, PlanDocument, draw,
                                 plan_pdf, plan_png)

LONG = PlanDocument(
    title="Votre stratégie réseaux sociaux",
    subtitle="Boulangerie « Au Pain Doré » — Lyon 3e · plan du 1er décembre 2026",
    summary=[
        ("Objectif", "Trouver des clients : 10 nouveaux clients par mois d'ici l'été, comptés "
                     "à la caisse avec la question « comment nous avez-vous connus ? »"),
        ("Clients", "Familles du quartier, actifs pressés qui passent le matin, entreprises "
                    "voisines pour les plateaux-repas et les événements"),
        ("Réseaux", "Instagram, fiche Google"), ("Responsable", "Élodie, la gérante"),
        ("Temps", "3 h par semaine, soit environ 2 340 € par an de votre temps"),
        ("Budget", "1 200 € par an (100 € par mois)")],
    priorities=[
        ("Concentrez-vous sur Instagram et votre fiche Google, et laissez Facebook de côté "
         "pour l'instant", "Vos clients cherchent « boulangerie près de moi » : la fiche "
         "Google est ce qu'ils voient en premier, et deux réseaux bien tenus valent mieux "
         "que cinq à l'abandon."),
        ("Fixez un objectif mesurable et comptez chaque semaine les nouveaux clients venus "
         "par les réseaux", "Sans chiffre, impossible de savoir si les 3 heures passées "
         "chaque semaine rapportent quelque chose ; demandez à la caisse « comment nous "
         "avez-vous connus ? » et notez la réponse."),
        ("Préparez vos contenus à l'avance : photos des fournées, coulisses, nouveautés",
         "Une heure le lundi pour préparer la semaine évite de publier au dernier moment ; "
         "ce temps coûte environ 15 € de l'heure, à compter dans le budget.")],
    routine_title="Chaque semaine",
    routine=["Lundi : préparer 3 publications (photos des fournées, une nouveauté, "
             "les coulisses)",
             "Mercredi : répondre aux avis Google et aux messages, en moins de 24 h",
             "Dimanche soir : noter les heures passées et les nouveaux clients"],
    footer="Fait avec votre coach réseaux sociaux — 1er décembre 2026")

SHORT = PlanDocument("Your social media strategy", "Jane's Pottery · 1 December 2026",
                     [("Goal", "Find customers")],
                     [("Focus on Instagram", "Your customers are there.")],
                     "Every week", ["Post twice"], "Made with your social media coach")


def pages(pdf: bytes) -> int:
    """Return how many page objects a PDF holds."""
    return len(re.findall(rb"/Type\s*/Page(?!s)", pdf))


def inside_the_margins(figure) -> bool:
    """Tell whether every text drawn on the page stays within its edges."""
    figure.canvas.draw()
    width, height = (size * figure.dpi for size in figure.get_size_inches())
    slack = MARGIN * figure.dpi * 0.5
    boxes = [text.get_window_extent() for text in figure.texts if text.get_text()]
    return all(box.x0 >= slack and box.x1 <= width - slack and box.y0 >= slack * 0.5
               and box.y1 <= height - slack for box in boxes)


def test_a_long_french_plan_is_one_a4_page():
    pdf = plan_pdf(LONG)
    assert pdf.startswith(b"%PDF") and pages(pdf) == 1
    media_box = re.search(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    assert [round(float(side)) for side in media_box.groups()] == [595, 842]  # A4 points


def test_a_short_english_plan_is_one_page():
    pdf = plan_pdf(SHORT)
    assert pdf.startswith(b"%PDF") and pages(pdf) == 1


def test_long_texts_are_wrapped_and_accents_kept():
    figure = draw(LONG)
    texts = " ".join(text.get_text() for text in figure.texts)
    for piece in ("«", "»", "€", "Élodie", "é", "☐"):
        assert piece in texts
    assert inside_the_margins(figure)


def test_too_much_for_one_page_is_shrunk_and_cut_never_overflowing():
    crowded = PlanDocument(LONG.title, LONG.subtitle, LONG.summary * 2, LONG.priorities,
                           LONG.routine_title, LONG.routine * 8, LONG.footer)
    figure = draw(crowded)
    lines = [text.get_text() for text in figure.texts]
    assert "…" in lines  # the routine was cut, and says so
    assert inside_the_margins(figure)
    assert min(text.get_fontsize() for text in figure.texts) >= 8


def test_the_png_is_the_same_a4_page():
    data = plan_png(SHORT)
    assert data.startswith(b"\x89PNG")
    width, height = struct.unpack(">II", data[16:24])
    assert abs(width - PAGE_WIDTH * 150) <= 1 and abs(height - PAGE_HEIGHT * 150) <= 1
