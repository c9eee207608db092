"""Message factories for flow tests, like PTB's tests/auxil/build_messages.py."""

from flows.messages import Choice, Inbound

PLATFORM = "test"


def text(body: str, user: str = "u1", language: str | None = None) -> Inbound:
    return Inbound(PLATFORM, user, text=body, language=language)


def press(prompt: str, *values: str, user: str = "u1") -> Inbound:
    return Inbound(PLATFORM, user, choice=Choice(prompt, tuple(values)))


# One typed answer per question, in interview order.
FULL_INTERVIEW = [
    "2",                                        # objective: leads
    "10 demandes de devis par mois d'ici 3 mois",  # target
    "1",                                        # audience: businesses
    "Gérants de restaurants indépendants à Lyon",  # customer
    "Ils n'ont pas le temps de gérer leur compta",  # problem
    "3",                                        # audience networks: LinkedIn
    "3",                                        # business: services to businesses
    "3,4",                                      # networks: LinkedIn, TikTok
    "Julie, l'assistante",                      # champion (one person, a role)
    "3",                                        # hours
    "40",                                       # hourly cost
    "200/mois",                                 # budget
    "2 000 €",                                  # what a new customer brings
]
