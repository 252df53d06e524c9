"""Tests for smartmkt_helpers.privacy."""

import hashlib
import hmac

import numpy as np
import pandas as pd
import pytest

from smartmkt_helpers import privacy

KEY = b"a-test-key-of-32-bytes-000000000"


def test_pseudonyms_are_hmac_sha256_and_consistent():
    pseudonyms = privacy.pseudonymise([17, "17", 18], KEY, length=64)
    expected = hmac.new(KEY, b"17", hashlib.sha256).hexdigest()
    assert pseudonyms[0] == pseudonyms[1] == expected
    assert pseudonyms[2] != expected
    assert len(privacy.pseudonymise([1], KEY)[0]) == 16


def test_pseudonyms_differ_from_a_plain_hash_and_between_keys():
    plain = hashlib.sha256(b"17").hexdigest()[:16]
    keyed = privacy.pseudonymise([17], KEY)[0]
    other = privacy.pseudonymise([17], KEY[::-1])[0]
    assert keyed != plain
    assert keyed != other


def test_a_dictionary_attack_recovers_plain_hashes_not_keyed_ones():
    ids = np.arange(1, 501)
    plain = {hashlib.sha256(str(i).encode()).hexdigest()[:16]: i for i in range(1000)}
    released_plain = [hashlib.sha256(str(i).encode()).hexdigest()[:16] for i in ids]
    assert all(plain.get(h) == i for h, i in zip(released_plain, ids))
    released_keyed = privacy.pseudonymise(ids, KEY)
    assert not any(h in plain for h in released_keyed)


@pytest.mark.parametrize("key, error", [(b"short", ValueError), (12345, TypeError)])
def test_pseudonymise_rejects_weak_or_wrong_keys(key, error):
    with pytest.raises(error, match="key"):
        privacy.pseudonymise([1, 2], key)


def test_pseudonymise_rejects_bad_values_and_length():
    with pytest.raises(ValueError, match="empty"):
        privacy.pseudonymise([], KEY)
    with pytest.raises(ValueError, match="missing"):
        privacy.pseudonymise(["a", None], KEY)
    with pytest.raises(ValueError, match="length"):
        privacy.pseudonymise([1], KEY, length=100)
    with pytest.raises(TypeError, match="length"):
        privacy.pseudonymise([1], KEY, length=8.0)


@pytest.fixture
def table():
    # by hand: (F, 20-29) x3, (M, 20-29) x1, (M, 30-39) x2
    return pd.DataFrame({
        "sex": list("FFFMMM"),
        "age": [21, 25, 29, 22, 31, 38],
        "spend": [1, 2, 3, 4, 5, 6],
    })


def test_equivalence_classes_and_k_by_hand(table):
    table = table.assign(age=privacy.generalise_numeric(table["age"], width=10))
    classes = privacy.equivalence_classes(table, ["sex", "age"])
    assert classes["size"].tolist() == [1, 2, 3]
    assert classes.iloc[0][["sex", "age"]].tolist() == ["M", "20-29"]
    assert privacy.k_anonymity(table, ["sex", "age"]) == 1
    assert privacy.k_anonymity(table, ["sex"]) == 3
    assert privacy.k_anonymity(table, "age") == 2


def test_k_anonymity_counts_missing_values_as_a_class():
    table = pd.DataFrame({"zip": ["1", None, None, "1"]})
    assert privacy.k_anonymity(table, ["zip"]) == 2


def test_equivalence_classes_reject_bad_input(table):
    with pytest.raises(ValueError, match="has no column"):
        privacy.equivalence_classes(table, ["sex", "zip"])
    with pytest.raises(ValueError, match="empty"):
        privacy.equivalence_classes(table, [])
    with pytest.raises(ValueError, match="frame is empty"):
        privacy.k_anonymity(table.iloc[:0], ["sex"])
    with pytest.raises(TypeError, match="DataFrame"):
        privacy.k_anonymity(table.to_numpy(), ["sex"])


def test_generalise_numeric_bands():
    bands = privacy.generalise_numeric(pd.Series([0, 4, 5, 19], index=[7, 8, 9, 10]), width=5)
    assert bands.tolist() == ["0-4", "0-4", "5-9", "15-19"]
    assert bands.index.tolist() == [7, 8, 9, 10]
    assert privacy.generalise_numeric([23], width=10, origin=3).tolist() == ["23-32"]
    assert privacy.generalise_numeric([-3], width=10).tolist() == ["-10--1"]


def test_generalise_numeric_rejects_bad_input():
    with pytest.raises(ValueError, match="width"):
        privacy.generalise_numeric([1, 2], width=0)
    with pytest.raises(TypeError, match="width"):
        privacy.generalise_numeric([1, 2], width=2.5)
    with pytest.raises(ValueError, match="NaN"):
        privacy.generalise_numeric([1.0, np.nan], width=5)
    with pytest.raises(ValueError, match="empty"):
        privacy.generalise_numeric([], width=5)
    with pytest.raises(TypeError, match="numbers"):
        privacy.generalise_numeric(["a"], width=5)


def test_laplace_noise_has_the_right_scale_and_is_seeded():
    counts = np.full(200_000, 100.0)
    noisy = privacy.laplace_mechanism(counts, epsilon=0.5, random_state=1)
    errors = noisy - counts
    assert abs(np.abs(errors).mean() - 2.0) < 0.03  # mean |Laplace(b)| = b = 1 / 0.5
    assert abs(errors.mean()) < 0.03
    again = privacy.laplace_mechanism(counts, epsilon=0.5, random_state=1)
    assert np.array_equal(noisy, again)
    wide = privacy.laplace_mechanism(counts, epsilon=0.5, sensitivity=3, random_state=1)
    assert abs(np.abs(wide - counts).mean() - 6.0) < 0.1


def test_laplace_noise_is_fresh_unless_a_seed_is_passed():
    """No default seed: otherwise anyone could regenerate and subtract the noise."""
    counts = np.full(1_000, 50.0)
    first = privacy.laplace_mechanism(counts, epsilon=1.0)
    second = privacy.laplace_mechanism(counts, epsilon=1.0)
    assert not np.array_equal(first, second)
    seeded = privacy.laplace_mechanism(counts, epsilon=1.0, random_state=0)
    assert not np.array_equal(first, seeded)
    import inspect

    assert inspect.signature(privacy.laplace_mechanism).parameters["random_state"].default is None


def test_laplace_accepts_a_generator_and_keeps_the_shape():
    rng = np.random.default_rng(0)
    noisy = privacy.laplace_mechanism(np.zeros((3, 4)), epsilon=1.0, random_state=rng)
    assert noisy.shape == (3, 4)


@pytest.mark.parametrize("kwargs, error, match", [
    (dict(counts=[], epsilon=1.0), ValueError, "empty"),
    (dict(counts=[1.0, np.nan], epsilon=1.0), ValueError, "NaN"),
    (dict(counts=[1.0], epsilon=0), ValueError, "epsilon"),
    (dict(counts=[1.0], epsilon=-1), ValueError, "epsilon"),
    (dict(counts=[1.0], epsilon="1"), TypeError, "epsilon"),
    (dict(counts=[1.0], epsilon=1.0, sensitivity=0), ValueError, "sensitivity"),
])
def test_laplace_rejects_bad_input(kwargs, error, match):
    with pytest.raises(error, match=match):
        privacy.laplace_mechanism(**kwargs)
