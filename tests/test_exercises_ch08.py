"""Tests for the chapter 8 self-checks (smartmkt_helpers/exercises/ch08.py)."""

import numpy as np
import pandas as pd
import pytest

from smartmkt_helpers.exercises import check_exercise

PROBA = np.array([[0.9, 0.1], [0.55, 0.45], [0.2, 0.8], [0.3, 0.7]])
LABELS = np.array([0, 1, 1, 0])
COSTS = np.array([[0.0, 1.0], [4.0, 0.0]])
CONTEXT = dict(probabilities=PROBA, labels=LABELS, cost_matrix=COSTS, threshold=0.6, human_cost=0.5)


def test_triage_cost_right_and_wrong():
    # row 1 is unsure (0.5); the others go by min expected cost: 0, 1, 1 -> costs 0, 0, 1
    assert check_exercise("8.2", (0 + 0.5 + 0 + 1) / 4, **CONTEXT)
    result = check_exercise("8.2", (0 + 0 + 0 + 1) / 4, **CONTEXT)
    assert not result and "human" in result.message


def test_triage_cost_rejects_bad_shapes():
    with pytest.raises(ValueError, match="cost_matrix"):
        check_exercise("8.2", 0.1, **{**CONTEXT, "cost_matrix": np.zeros((3, 3))})
    with pytest.raises(ValueError, match="labels"):
        check_exercise("8.2", 0.1, **{**CONTEXT, "labels": LABELS[:2]})


@pytest.fixture
def shop_parts():
    products = pd.DataFrame({"product_id": [1, 2, 3, 4], "category": ["a", "a", "b", "b"]})
    popularity = np.array([0, 10, 1, 5, 2])
    sessions = pd.DataFrame({"items": [[3, 1], [4, 3], [1, 2, 4]]})
    return sessions, products, popularity


def test_category_rule_hit_rate(shop_parts):
    sessions, products, popularity = shop_parts
    context = dict(test_sessions=sessions, products=products, popularity=popularity)
    assert check_exercise("8.3", 1.0, **context)  # four products, k=10: every target is ranked
    assert not check_exercise("8.3", 0.5, **context)


def test_category_rule_rejects_bad_input(shop_parts):
    sessions, products, popularity = shop_parts
    with pytest.raises(ValueError, match="items"):
        check_exercise("8.3", 0.1, test_sessions=sessions.rename(columns={"items": "x"}),
                       products=products, popularity=popularity)
    with pytest.raises(ValueError, match="popularity"):
        check_exercise("8.3", 0.1, test_sessions=sessions, products=products, popularity=popularity[:3])
    with pytest.raises(ValueError, match="two products"):
        check_exercise("8.3", 0.1, test_sessions=pd.DataFrame({"items": [[1]]}),
                       products=products, popularity=popularity)
