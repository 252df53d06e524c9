"""Customer-service messages with known intents, typos and ambiguity.

Chapter 8 routes customer messages to the right team by their intent. Real
message logs are private, so the course writes its own: each message is
built from phrases typical of one intent, wrapped in optional greetings and
sign-offs, and then damaged the way real messages are (typos, lower case,
missing punctuation, words left out). A share of messages mention a second
topic in full (before or after the main one), so that some are genuinely
ambiguous; the label is always the intent the customer needs handled.

Examples
--------
>>> messages = simulate_messages(n_messages=500, random_state=0)
>>> list(messages.columns)
['message_id', 'text', 'intent', 'second_intent', 'num_typos']
>>> messages["intent"].cat.categories.tolist() == list(INTENTS)
True
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from smartmkt_helpers._checks import positive_int
from smartmkt_helpers.simulate._common import check_number, check_random_state, stream

__all__ = ["INTENTS", "simulate_messages"]

#: The intents, in a fixed order (the label categories).
INTENTS = ("refund", "delivery", "size", "payment", "cancel order", "product question", "account")
#: Share of messages of each intent (a busy shop hears most about deliveries).
INTENT_SHARES = np.array([0.18, 0.24, 0.14, 0.12, 0.10, 0.14, 0.08])

PRODUCTS = (
    "jacket", "dress", "running shoes", "headphones", "sofa cushion", "lipstick",
    "board game", "novel", "jeans", "coffee maker", "t-shirt", "backpack",
)

#: Phrases by intent. ``{p}`` is a product, ``{n}`` a number of days, ``{o}`` an order number.
PHRASES = {
    "refund": (
        "I returned the {p} {n} days ago and still have not got my money back",
        "when will I get a refund for the {p}",
        "please refund order {o}, the {p} arrived broken",
        "I want my money back for the {p}",
        "the refund for order {o} has not reached my account",
        "can you give me a refund, the {p} is not what I expected",
        "still waiting on the reimbursement for the {p} I sent back",
    ),
    "delivery": (
        "where is my order {o}",
        "my {p} has not arrived yet, it has been {n} days",
        "the tracking for order {o} has not changed in {n} days",
        "when will the {p} be delivered",
        "the parcel with my {p} was left at the wrong address",
        "the courier never came, order {o}",
        "can I change the delivery address for order {o}",
    ),
    "size": (
        "the {p} is too small, can I swap it for a bigger size",
        "which size should I take for the {p}, I am usually a medium",
        "does the {p} run small or large",
        "I need the {p} in a size up",
        "the {p} fits too tight, can I exchange it",
        "is there a size chart for the {p}",
        "the {p} is too big, do you have it in small",
    ),
    "payment": (
        "I was charged twice for order {o}",
        "my card was declined but the money left my account",
        "can I pay for the {p} in instalments",
        "the payment page gives an error when I pay",
        "why was I charged {n} euros more than the price of the {p}",
        "do you accept paypal for the {p}",
        "the discount code did not apply at checkout",
    ),
    "cancel order": (
        "please cancel order {o}",
        "I ordered the {p} by mistake, can you cancel it",
        "I want to cancel my order before it ships",
        "cancel the {p} from order {o} please",
        "I changed my mind about the {p}, stop the order",
        "how do I cancel order {o}",
    ),
    "product question": (
        "is the {p} waterproof",
        "what is the {p} made of",
        "does the {p} come with a warranty",
        "will the {p} be back in stock",
        "what colours does the {p} come in",
        "is the {p} suitable for children",
        "how do I clean the {p}",
    ),
    "account": (
        "I cannot log in to my account",
        "how do I reset my password",
        "please delete my account and my data",
        "I want to change the email address on my account",
        "I keep getting a login error",
        "stop sending me newsletters",
    ),
}

GREETINGS = ("hi", "hello", "hi there", "good morning", "dear support team", "hey")
CLOSINGS = ("thanks", "thank you", "regards", "thanks in advance", "cheers", "asap please")
#: How a second topic is attached after the main one ...
CONNECTORS = ("also", "and", "by the way", "plus", "oh and")
#: ... or how the main one follows a second topic mentioned first.
LEADS = ("but mainly", "but what I really need is", "anyway", "more importantly")
KEYBOARD_NEIGHBOURS = {
    "a": "qsz", "b": "vgn", "c": "xdv", "d": "sfe", "e": "wrd", "f": "dgr", "g": "fht",
    "h": "gjy", "i": "uok", "j": "hku", "k": "jli", "l": "kop", "m": "nj", "n": "bmh",
    "o": "ipl", "p": "ol", "q": "wa", "r": "etf", "s": "adw", "t": "ryg", "u": "yij",
    "v": "cfb", "w": "qes", "x": "zsc", "y": "tuh", "z": "xa",
}


def _typo(word: str, rng: np.random.Generator) -> str:
    """One typo: a dropped, doubled, swapped or neighbouring-key letter."""
    if len(word) < 3:
        return word
    position = int(rng.integers(1, len(word) - 1))
    kind = int(rng.integers(4))
    if kind == 0:
        return word[:position] + word[position + 1:]
    if kind == 1:
        return word[:position] + word[position] + word[position:]
    if kind == 2:
        return word[:position - 1] + word[position] + word[position - 1] + word[position + 1:]
    neighbours = KEYBOARD_NEIGHBOURS.get(word[position].lower())
    if not neighbours:
        return word
    return word[:position] + neighbours[int(rng.integers(len(neighbours)))] + word[position + 1:]


def simulate_messages(
    n_messages: int = 4_000,
    random_state: int | None = 0,
    *,
    typo_rate: float = 0.05,
    ambiguous_share: float = 0.1,
) -> pd.DataFrame:
    """Generate customer-service messages with their true intent.

    Parameters
    ----------
    n_messages : int
        Number of messages.
    random_state : int or None
        Seed of every random choice.
    typo_rate : float
        Probability that a word of three letters or more gets a typo.
    ambiguous_share : float
        Share of messages that also mention a second topic.

    Returns
    -------
    pandas.DataFrame
        ``message_id``, ``text``, ``intent`` (categorical, :data:`INTENTS`),
        ``second_intent`` (the other topic mentioned, or missing) and
        ``num_typos``.

    Examples
    --------
    >>> simulate_messages(3, random_state=1)["text"].str.len().gt(5).all()
    np.True_
    """
    n_messages = positive_int(n_messages, "n_messages")
    random_state = check_random_state(random_state)
    typo_rate = check_number("typo_rate", typo_rate, 0.0, 1.0)
    ambiguous_share = check_number("ambiguous_share", ambiguous_share, 0.0, 1.0)
    rng = stream(random_state, "messages")
    intent = rng.choice(len(INTENTS), size=n_messages, p=INTENT_SHARES)
    ambiguous = rng.random(n_messages) < ambiguous_share
    second = (intent + rng.integers(1, len(INTENTS), n_messages)) % len(INTENTS)

    texts, typo_counts = [], []
    for index in range(n_messages):
        name = INTENTS[intent[index]]
        phrase = PHRASES[name][int(rng.integers(len(PHRASES[name])))]
        text = phrase.format(
            p=PRODUCTS[int(rng.integers(len(PRODUCTS)))],
            n=int(rng.integers(2, 30)),
            o=int(rng.integers(100_000, 999_999)),
        )
        if ambiguous[index]:
            # A second topic in full, mentioned before or after the main one:
            # the words of two intents, with only the order and the
            # connector hinting which one the customer needs handled.
            other = INTENTS[second[index]]
            aside = PHRASES[other][int(rng.integers(len(PHRASES[other])))].format(
                p=PRODUCTS[int(rng.integers(len(PRODUCTS)))],
                n=int(rng.integers(2, 30)),
                o=int(rng.integers(100_000, 999_999)),
            )
            if rng.random() < 0.7:
                text = f"{text}, {CONNECTORS[int(rng.integers(len(CONNECTORS)))]} {aside}"
            else:
                text = f"{aside}, {LEADS[int(rng.integers(len(LEADS)))]} {text}"
        if rng.random() < 0.5:
            text = f"{GREETINGS[int(rng.integers(len(GREETINGS)))]}, {text}"
        if rng.random() < 0.4:
            text = f"{text}. {CLOSINGS[int(rng.integers(len(CLOSINGS)))]}"
        words = text.split()
        if len(words) > 6 and rng.random() < 0.2:  # a word left out
            del words[int(rng.integers(1, len(words)))]
        hit = rng.random(len(words)) < typo_rate
        words = [_typo(word, rng) if damaged else word for word, damaged in zip(words, hit)]
        text = " ".join(words)
        text = text[0].upper() + text[1:] if rng.random() < 0.5 else text.lower()
        if rng.random() < 0.5:
            question = phrase.startswith(("when", "where", "which", "is", "does", "what", "how", "can", "will", "do"))
            text += "?" if question else "."
        texts.append(text)
        typo_counts.append(int(hit.sum()))

    second_intent = pd.Categorical.from_codes(np.where(ambiguous, second, -1), categories=list(INTENTS))
    return pd.DataFrame({
        "message_id": np.arange(1, n_messages + 1, dtype=np.int32),
        "text": texts,
        "intent": pd.Categorical.from_codes(intent, categories=list(INTENTS)),
        "second_intent": second_intent,
        "num_typos": np.array(typo_counts, dtype=np.int16),
    })
