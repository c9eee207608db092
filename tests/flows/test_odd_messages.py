"""Messages that are not an answer: something that is not text, a link's start payload."""

from flows.coach import Coach
from flows.messages import Inbound
from tests.flows.build_messages import FULL_INTERVIEW, PLATFORM, text


def test_what_is_not_text_asks_for_text_shows_the_question_and_changes_nothing(store):
    coach = Coach(store)
    coach.handle(text(FULL_INTERVIEW[0]))
    before = store.load_user(PLATFORM, "u1")
    [reply] = coach.handle(Inbound(PLATFORM, "u1", not_text="photo", delivery="7"))
    assert reply.text.startswith("Je ne lis que le texte")
    assert "Quel résultat chiffré" in reply.text and reply.prompt == "target"
    assert store.load_user(PLATFORM, "u1") == before
    assert coach.handle(Inbound(PLATFORM, "u1", not_text="photo", delivery="7")) == []


def test_a_start_payload_is_kept_on_the_user_and_never_taken_as_an_answer(store):
    coach = Coach(store)
    [reply] = coach.handle(Inbound(PLATFORM, "u1", text="/start", start_payload="ref_42"))
    assert reply.prompt == "objective"
    user = store.load_user(PLATFORM, "u1")
    assert (user.start_payload, user.answers) == ("ref_42", {})
    coach.handle(text("2"))
    coach.handle(Inbound(PLATFORM, "u1", text="/start", start_payload="x\x00" + "y" * 99))
    user = store.load_user(PLATFORM, "u1")
    assert user.start_payload == "x" + "y" * 63 and user.state == "asking_target"
