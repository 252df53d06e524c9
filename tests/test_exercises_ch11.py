"""Chapter 11 self-checks on hand-worked examples."""

from __future__ import annotations

import pandas as pd

from smartmkt_helpers.exercises import check_exercise

# user 1: list A B C D E, relevant B D F -> recall 2/3;
# user 2: list A B C D E, relevant A -> recall 1
LISTS = pd.DataFrame({"user_id": [1] * 5 + [2] * 5, "item_id": list("ABCDE") * 2})
TEST = pd.DataFrame({"user_id": [1, 1, 1, 2], "item_id": ["B", "D", "F", "A"]})


def test_11_1_recall_by_hand():
    assert check_exercise("11.1", (2 / 3 + 1) / 2, lists=LISTS, test=TEST)
    # the source's |recommended| / |relevant|: (5/3 + 5/1) / 2
    wrong = check_exercise("11.1", (5 / 3 + 5) / 2, lists=LISTS, test=TEST)
    assert not wrong and "source" in wrong.message
    # precision instead of recall: (2/5 + 1/5) / 2
    wrong = check_exercise("11.1", 0.3, lists=LISTS, test=TEST)
    assert not wrong and "precision" in wrong.message


def test_11_2_sample_size():
    # (1.95996 * sqrt(2 * .042 * .958) + 1.28155 * sqrt(.04 * .96 + .044 * .956))
    # / 0.004 = 229.88, squared 52845.4 -> 52,846 per group
    assert check_exercise("11.2", 52_846)
    # with z = 0.84162 (80% power): 198.68 squared -> 39,475
    wrong = check_exercise("11.2", 39_475)
    assert not wrong and "80%" in wrong.message
    assert not check_exercise("11.2", 2 * 52_846)


def test_11_3_gini_over_catalogue():
    lists = pd.DataFrame({"item_id": ["a", "a", "b", "b"]})
    # exposure over catalogue a b c d = 0 0 2 2 -> Gini 0.5
    assert check_exercise("11.3", 0.5, lists=lists, catalog=list("abcd"))
    wrong = check_exercise("11.3", 0.0, lists=lists, catalog=list("abcd"))
    assert not wrong and "catalogue" in wrong.message
