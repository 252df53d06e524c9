"""A small simulated twin of ad creatives with a known click-through rate.

A creative is a three-word headline from :data:`WORDS`, an image style and a
call to action; a customer has a segment, an age band and a device. The true CTR is

``logit CTR = base + word effects + style + call + segment x word + segment x style
+ device x call + age x style + word-pair synergies``

and :func:`true_ctr` evaluates it for any creative and customer.
"""

from __future__ import annotations

import itertools
import numbers

import numpy as np
import pandas as pd
from sklearn.utils import Bunch

from smartmkt_helpers._checks import positive_int

__all__ = ["WORDS", "IMAGE_STYLES", "CALLS_TO_ACTION", "SEGMENTS", "AGE_BANDS", "DEVICES",
           "HEADLINE_LENGTH", "simulate_creatives", "true_ctr", "all_creatives",
           "encode_creatives", "encode_customers"]

WORDS = ("sale", "save", "free", "gift", "new", "premium", "exclusive",
         "limited", "today", "style", "eco", "fast")
IMAGE_STYLES = ("product", "lifestyle", "model", "illustration")
CALLS_TO_ACTION = ("shop now", "learn more", "get offer", "sign up")
SEGMENTS = ("bargain hunters", "trend seekers", "loyal regulars")
AGE_BANDS = ("18-29", "30-49", "50+")
DEVICES = ("mobile", "desktop")
HEADLINE_LENGTH = 3
BASE_LOGIT = -3.6
CREATIVE_COLUMNS = ["word_1", "word_2", "word_3", "image_style", "call_to_action"]
CUSTOMER_COLUMNS = ["segment", "age_band", "device"]


def _click_model(rng: np.random.Generator) -> Bunch:
    n_words = len(WORDS)
    word = rng.normal(0, 0.15, n_words)
    segment_word = rng.normal(0, 0.15, (len(SEGMENTS), n_words))
    # Marketing folklore made explicit: deal words for bargain hunters,
    # novelty for trend seekers, quality and exclusivity for regulars.
    index = {w: i for i, w in enumerate(WORDS)}
    for segment, words, size in (
        (0, ("sale", "save", "free"), 0.45), (1, ("new", "style", "limited"), 0.45),
        (2, ("premium", "exclusive", "gift"), 0.45), (0, ("premium", "exclusive"), -0.35),
        (2, ("sale",), -0.3),
    ):
        for w in words:
            segment_word[segment, index[w]] += size
    synergy = np.zeros((n_words, n_words))
    for first, second, size in (("free", "gift", 0.35), ("limited", "exclusive", 0.3),
                                ("new", "today", 0.2), ("sale", "premium", -0.5),
                                ("eco", "fast", -0.3)):
        synergy[index[first], index[second]] = synergy[index[second], index[first]] = size
    return Bunch(base=BASE_LOGIT, word_effects=word, style_effects=rng.normal(0, 0.2, len(IMAGE_STYLES)),
                 call_effects=rng.normal(0, 0.2, len(CALLS_TO_ACTION)), segment_word=segment_word,
                 segment_style=rng.normal(0, 0.3, (len(SEGMENTS), len(IMAGE_STYLES))),
                 device_call=rng.normal(0, 0.25, (len(DEVICES), len(CALLS_TO_ACTION))),
                 age_style=rng.normal(0, 0.2, (len(AGE_BANDS), len(IMAGE_STYLES))), word_synergy=synergy)


def _codes(frame: pd.DataFrame, column: str, levels: tuple) -> np.ndarray:
    if column not in frame.columns:
        raise ValueError(f"missing the column {column}")
    values = frame[column]
    if isinstance(values.dtype, pd.CategoricalDtype) and list(values.cat.categories) == list(levels):
        codes = values.cat.codes.to_numpy()
    else:
        codes = pd.Index(list(levels)).get_indexer(values.astype(object))
    if (codes < 0).any():
        unknown = sorted(set(frame[column][codes < 0].astype(str)))[:3]
        raise ValueError(f"unknown value(s) {unknown} in column {column}; known: {list(levels)}")
    return np.asarray(codes)


def _creative_codes(creatives: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    words = np.stack([_codes(creatives, c, WORDS) for c in CREATIVE_COLUMNS[:3]], axis=1)
    if (np.sort(words, axis=1)[:, 1:] == np.sort(words, axis=1)[:, :-1]).any():
        raise ValueError("a headline repeats a word: its three words must be distinct")
    return (words, _codes(creatives, "image_style", IMAGE_STYLES),
            _codes(creatives, "call_to_action", CALLS_TO_ACTION))


def true_ctr(creatives: pd.DataFrame, customers: pd.DataFrame, ground_truth: Bunch) -> np.ndarray:
    """The true click-through rate, shape (len(customers), len(creatives))."""
    if not isinstance(creatives, pd.DataFrame) or not isinstance(customers, pd.DataFrame):
        raise TypeError("creatives and customers must be pandas DataFrames")
    if len(creatives) == 0 or len(customers) == 0:
        raise ValueError("creatives and customers must not be empty")
    model = ground_truth
    words, style, call = _creative_codes(creatives)
    segment = _codes(customers, "segment", SEGMENTS)
    age = _codes(customers, "age_band", AGE_BANDS)
    device = _codes(customers, "device", DEVICES)
    creative_part = (model.word_effects[words].sum(axis=1) + model.style_effects[style]
                     + model.call_effects[call])
    synergy = (model.word_synergy[words[:, 0], words[:, 1]]
               + model.word_synergy[words[:, 0], words[:, 2]]
               + model.word_synergy[words[:, 1], words[:, 2]])
    fit = (model.segment_word[segment][:, words].sum(axis=2)
           + model.segment_style[segment][:, style]
           + model.device_call[device][:, call]
           + model.age_style[age][:, style])
    logit = model.base + creative_part[None, :] + synergy[None, :] + fit
    return 1.0 / (1.0 + np.exp(-logit))


def all_creatives() -> pd.DataFrame:
    """Every creative the parts allow (3520)."""
    headlines = list(itertools.combinations(WORDS, HEADLINE_LENGTH))
    rows = [(*h, s, c) for h in headlines for s in IMAGE_STYLES for c in CALLS_TO_ACTION]
    return pd.DataFrame(rows, columns=CREATIVE_COLUMNS)


def simulate_creatives(n_impressions: int = 400_000, n_creatives: int = 48, random_state: int = 0) -> Bunch:
    """An impression log of ``n_creatives`` random creatives, each shown at random to a random customer.

    Returns ``impressions``, ``creatives``, ``customers`` (one row per segment, age
    band and device, with its ``share``) and ``ground_truth`` (for :func:`true_ctr`).
    """
    n_impressions = positive_int(n_impressions, "n_impressions")
    n_creatives = positive_int(n_creatives, "n_creatives")
    if isinstance(random_state, bool) or not isinstance(random_state, numbers.Integral) or random_state < 0:
        raise ValueError(f"random_state must be a non-negative integer, got {random_state!r}")
    rng = np.random.default_rng([random_state, 6])
    model = _click_model(rng)
    pool = all_creatives()
    if n_creatives > len(pool):
        raise ValueError(f"n_creatives must be at most {len(pool)}, got {n_creatives}")
    chosen = rng.choice(len(pool), size=n_creatives, replace=False)
    creatives = pool.iloc[np.sort(chosen)].reset_index(drop=True)
    creatives.insert(0, "creative_id", np.arange(n_creatives))

    segment_share = np.array([0.4, 0.35, 0.25])
    age_share = np.array([0.35, 0.45, 0.2])
    device_share = np.array([0.7, 0.3])
    grid = pd.DataFrame(list(itertools.product(SEGMENTS, AGE_BANDS, DEVICES)), columns=CUSTOMER_COLUMNS)
    grid["share"] = (segment_share[_codes(grid, "segment", SEGMENTS)]
                     * age_share[_codes(grid, "age_band", AGE_BANDS)]
                     * device_share[_codes(grid, "device", DEVICES)])

    customer_rows = rng.choice(len(grid), size=n_impressions, p=grid["share"].to_numpy())
    creative_rows = rng.integers(0, n_creatives, size=n_impressions)
    ctr_table = true_ctr(creatives, grid, model)  # (customer types, creatives)
    p_click = ctr_table[customer_rows, creative_rows]
    words, style, call = _creative_codes(creatives)
    parts = {
        "word_1": (words[:, 0], WORDS), "word_2": (words[:, 1], WORDS),
        "word_3": (words[:, 2], WORDS), "image_style": (style, IMAGE_STYLES),
        "call_to_action": (call, CALLS_TO_ACTION), "segment": (_codes(grid, "segment", SEGMENTS), SEGMENTS),
        "age_band": (_codes(grid, "age_band", AGE_BANDS), AGE_BANDS),
        "device": (_codes(grid, "device", DEVICES), DEVICES),
    }
    impressions = pd.DataFrame({"creative_id": creative_rows.astype(np.int16)})
    for column, (codes, levels) in parts.items():
        rows = customer_rows if column in CUSTOMER_COLUMNS else creative_rows
        impressions[column] = pd.Categorical.from_codes(codes[rows], categories=list(levels))
    impressions["click"] = (rng.random(n_impressions) < p_click).astype(np.int8)
    return Bunch(impressions=impressions, creatives=creatives, customers=grid,
                 ground_truth=model, name="creatives", source="simulated")


def encode_creatives(creatives: pd.DataFrame) -> np.ndarray:
    """Creative parts as numbers: multi-hot headline words, then one-hot image style and call to action."""
    words, style, call = _creative_codes(creatives)
    n = len(creatives)
    bag = np.zeros((n, len(WORDS)), dtype="float32")
    np.put_along_axis(bag, words, 1.0, axis=1)
    return np.hstack([bag, np.eye(len(IMAGE_STYLES), dtype="float32")[style],
                      np.eye(len(CALLS_TO_ACTION), dtype="float32")[call]])


def encode_customers(customers: pd.DataFrame) -> np.ndarray:
    """Customer features as one-hot columns: segment, age band, device."""
    parts = [np.eye(len(levels), dtype="float32")[_codes(customers, column, levels)]
             for column, levels in zip(CUSTOMER_COLUMNS, (SEGMENTS, AGE_BANDS, DEVICES))]
    return np.hstack(parts)
