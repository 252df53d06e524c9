"""Customer-service messages with known intents, typos and ambiguity (chapter 8).

Each message is built from phrases of one intent, wrapped in optional greetings,
then damaged (typos, lower case, missing punctuation, dropped words). Some also
mention a second topic in full; the label is the intent that needs handling.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import numpy as np
import pandas as pd

from smartmkt_helpers._checks import positive_int
from smartmkt_helpers.simulate._common import check_number, check_random_state, stream

__all__ = ["INTENTS", "simulate_messages"]

#: The intents, in a fixed order (the label categories).
INTENTS = ("refund", "delivery", "size", "payment", "cancel order", "product question", "account")
#: Share of messages of each intent (a busy shop hears most about deliveries).
INTENT_SHARES = np.array([0.18, 0.24, 0.14, 0.12, 0.10, 0.14, 0.08])

_WORDS = tomllib.loads(Path(__file__).with_name("messages.toml").read_text(encoding="utf-8"))
PRODUCTS = tuple(_WORDS["products"])
#: Phrases by intent. ``{p}`` is a product, ``{n}`` a number of days, ``{o}`` an order number.
PHRASES = {intent: tuple(phrases) for intent, phrases in _WORDS["phrases"].items()}
GREETINGS, CLOSINGS = tuple(_WORDS["greetings"]), tuple(_WORDS["closings"])
CONNECTORS, LEADS = tuple(_WORDS["connectors"]), tuple(_WORDS["leads"])
KEYBOARD_NEIGHBOURS: dict[str, str] = _WORDS["keyboard_neighbours"]


def _fill(phrase: str, rng: np.random.Generator) -> str:
    return phrase.format(p=PRODUCTS[int(rng.integers(len(PRODUCTS)))], n=int(rng.integers(2, 30)),
                         o=int(rng.integers(100_000, 999_999)))


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


def simulate_messages(n_messages: int = 4_000, random_state: int | None = 0, *, typo_rate: float = 0.05,
                      ambiguous_share: float = 0.1) -> pd.DataFrame:
    """Customer-service messages with their true ``intent`` (and ``second_intent``, if any).

    ``typo_rate`` is the probability that a word of three letters or more gets a typo.
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
        text = _fill(phrase, rng)
        if ambiguous[index]:
            # A second topic in full, mentioned before or after the main one:
            # the words of two intents, with only the order and the
            # connector hinting which one the customer needs handled.
            other = INTENTS[second[index]]
            aside = _fill(PHRASES[other][int(rng.integers(len(PHRASES[other])))], rng)
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
        "message_id": np.arange(1, n_messages + 1, dtype=np.int32), "text": texts,
        "intent": pd.Categorical.from_codes(intent, categories=list(INTENTS)), "second_intent": second_intent,
        "num_typos": np.array(typo_counts, dtype=np.int16),
    })
