"""``data.load``: the real datasets through the verified cache; ``datasets.load``: the fallback."""

from __future__ import annotations

import pandas as pd
import pytest

from smartmkt_helpers import data, datasets
from smartmkt_helpers.data import readers
from smartmkt_helpers.data.schema import GERMAN_CREDIT_LABELS, PANDAS_HAS_STR_DTYPE, SCHEMAS

#: Sizes documented by the datasets' own sources (the registry's ``rows``).
DOCUMENTED_ROWS = {
    "movielens-100k": 100_000,
    "hillstrom": 64_000,
    "open-bandit": 10_000,
    "german-credit": 1_000,
    "cdnow": 69_659,
}
SIDE_TABLES = {
    "movielens-100k": {"users", "movies"},
    "open-bandit": {"item_context"},
    "german-credit": {"attribute_labels", "cost_matrix"},
}


def is_text_dtype(dtype: object) -> bool:
    """Whether ``dtype`` is how this pandas stores a ``"str"`` schema column (pandas 2: object)."""
    return dtype == pd.api.types.pandas_dtype("str" if PANDAS_HAS_STR_DTYPE else object)


def assert_schema(bunch, name: str) -> None:
    for part, columns in SCHEMAS[name].items():
        table = bunch[part]
        assert list(table.columns) == list(columns), (name, part)
        for column, dtype in columns.items():
            if dtype == "str":  # pandas 3: its string dtype; pandas 2: object
                assert is_text_dtype(table[column].dtype), (name, part, column)
                values = table[column].dropna()
                assert values.map(type).eq(str).all(), (name, part, column)
            else:
                assert table[column].dtype == pd.api.types.pandas_dtype(dtype), (name, part, column)


@pytest.fixture(scope="module")
def real(real_data_home):
    loaded = {name: data.load(name, home=real_data_home) for name in data.DATASETS}
    loaded["open-bandit-bts"] = data.load("open-bandit", home=real_data_home, policy="bts")
    return loaded


@pytest.mark.parametrize("name", sorted(data.DATASETS))
def test_real_dataset_loads_with_its_schema(real, name):
    bunch = real[name]
    assert bunch.source == "real"
    assert bunch.name == name
    assert bunch.citation == data.DATASETS[name].citation
    assert bunch.DESCR.startswith(f"# {data.DATASETS[name].title} (real data)")
    assert SIDE_TABLES.get(name, set()) <= set(bunch)
    assert "ground_truth" not in bunch
    assert_schema(bunch, name)


@pytest.mark.parametrize("name", sorted(DOCUMENTED_ROWS))
def test_real_dataset_has_its_documented_size(real, name):
    assert len(real[name].frame) == DOCUMENTED_ROWS[name]


def test_movielens_spot_values(real):
    bunch = real["movielens-100k"]
    first = bunch.frame.iloc[0]
    assert (first.user_id, first.item_id, first.rating) == (196, 242, 3)
    assert first.timestamp == pd.Timestamp(881250949, unit="s")
    assert bunch.frame.user_id.nunique() == len(bunch.users) == 943
    assert bunch.frame.item_id.nunique() == len(bunch.movies) == 1682
    assert bunch.frame.groupby("user_id").size().min() == 20
    toy_story = bunch.movies.iloc[0]
    assert toy_story.title == "Toy Story (1995)"
    assert toy_story[["Animation", "Children's", "Comedy"]].all() and not toy_story.Drama
    assert bunch.users.iloc[0][["age", "gender", "occupation", "zip_code"]].tolist() == [
        24, "M", "technician", "85711"
    ]
    # One movie has no release date in u.item; it stays missing, not invented.
    assert bunch.movies.release_date.isna().sum() == 1


def test_hillstrom_spot_values(real):
    frame = real["hillstrom"].frame
    first = frame.iloc[0]
    assert (first.recency, first.history, first.segment) == (10, 142.44, "Womens E-Mail")
    assert frame.segment.value_counts().between(21_000, 21_500).all()
    assert frame.visit.mean() == pytest.approx(0.1468, abs=1e-4)


def test_open_bandit_policies(real):
    uniform, thompson = real["open-bandit"], real["open-bandit-bts"]
    assert uniform.policy == "random" and thompson.policy == "bts"
    assert (uniform.frame.propensity_score == 0.0125).all()
    assert thompson.frame.propensity_score.nunique() > 100
    assert len(thompson.frame) == 10_000
    for bunch in (uniform, thompson):
        assert sorted(bunch.frame.position.unique()) == [1, 2, 3]
        assert bunch.frame.item_id.between(0, 79).all()
        assert bunch.item_context.item_id.tolist() == list(range(80))
    assert uniform.frame.iloc[0][["item_id", "position", "click"]].tolist() == [14, 3, 0]
    assert str(uniform.frame.timestamp.iloc[0]) == "2019-11-24 00:00:34.762830+00:00"


def test_german_credit_codes_labels_and_costs(real):
    bunch = real["german-credit"]
    first = bunch.frame.iloc[0]
    assert (first.checking_status, first.duration_months, first.age, first.risk) == (
        "A11", 6, 67, "good"
    )
    assert (bunch.frame.risk == "bad").sum() == 300
    labels = bunch.attribute_labels.set_index("code")["label"]
    assert len(labels) == 56
    assert labels["A14"] == "no checking account"
    assert labels["A201"] == "yes"
    assert bunch.cost_matrix.loc["bad", "good"] == 5 and bunch.cost_matrix.loc["good", "bad"] == 1


def test_german_credit_labels_are_worded_as_in_german_doc(real_data_home):
    """The labels (one constant, shared with the twin) are those of the dataset's own documentation."""
    doc = (real_data_home / "german-credit" / "german.doc").read_text(encoding="latin-1")
    words = " ".join(doc.split("8.  Cost Matrix")[0].split())
    for attribute, labels in GERMAN_CREDIT_LABELS.items():
        for code, label in labels.items():
            assert f"{code} : {label}" in words, (attribute, code)

def test_cdnow_spot_values(real):
    frame = real["cdnow"].frame
    assert frame.iloc[0].tolist() == [1, pd.Timestamp("1997-01-01"), 1, 11.77]
    assert frame.customer_id.nunique() == 23_570
    assert frame.date.min() == pd.Timestamp("1997-01-01")
    assert frame.date.max() == pd.Timestamp("1998-06-30")


def test_assistments_sequences(real):
    frame = real["assistments-2009"].frame
    assert frame.groupby("split", observed=True).student_id.nunique().to_dict() == {
        "train": 2921, "test": 1230
    }
    first_student = frame[frame.student_id == 0]
    assert len(first_student) == 64
    assert first_student.step.tolist() == list(range(64))
    assert frame.skill_id.between(1, 110).all()
    assert 0.6 < frame.correct.mean() < 0.7


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: data.load("movielens"), "unknown dataset 'movielens'"),
        (lambda: datasets.load("cdnow", fallback="twin"), "fallback must be None or 'simulate'"),
        (lambda: data.load("cdnow", policy="bts"), "unknown option(s) ['policy']"),
        (lambda: data.load("open-bandit", policy="greedy"), "policy must be 'random' or 'bts'"),
    ],
)
def test_bad_arguments_are_named(call, message):
    with pytest.raises(ValueError) as caught:
        call()
    assert message in str(caught.value)


def test_offline_empty_cache_raises_without_fallback(clean_env, tmp_path):
    clean_env.setenv(data.OFFLINE_ENV, "1")
    with pytest.raises(data.OfflineError):
        datasets.load("cdnow", home=tmp_path)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("name", sorted(data.DATASETS))
def test_offline_fallback_gives_a_twin_with_the_real_schema(clean_env, tmp_path, capsys, name):
    clean_env.setenv(data.OFFLINE_ENV, "1")
    options = {"policy": "bts"} if name == "open-bandit" else {}
    bunch = datasets.load(name, fallback="simulate", home=tmp_path, **options)
    printed = capsys.readouterr().out.strip().splitlines()
    assert len(printed) == 1
    assert printed[0].startswith(f"Using the simulated twin of {data.DATASETS[name].title}")
    assert "SMARTMKT_OFFLINE" in printed[0]
    assert bunch.source == "simulated"
    assert "ground_truth" in bunch
    assert_schema(bunch, name)
    assert list(tmp_path.iterdir()) == []


def test_readers_reject_a_malformed_sequence_file(tmp_path):
    (tmp_path / "assist2009_updated_train.csv").write_text("3\n1,2,3\n1,0\n")
    (tmp_path / "assist2009_updated_test.csv").write_text("1\n1\n1\n")
    with pytest.raises(ValueError, match="sequence lengths do not match"):
        readers.read_assistments_2009(tmp_path)


def test_offline_argument_overrides_the_environment(clean_env, tmp_path, capsys):
    bunch = datasets.load("german-credit", fallback="simulate", home=tmp_path, offline=True)
    assert bunch.source == "simulated"
    assert "offline=True" in capsys.readouterr().out
    assert list(tmp_path.iterdir()) == []


def test_data_imports_nothing_else_of_the_course():
    """The layers read one way: data (real files) <- simulate (twins) <- datasets (the fallback)."""
    import ast
    from pathlib import Path

    for module in Path(data.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(module.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("smartmkt_helpers"):
                assert node.module.startswith("smartmkt_helpers.data"), (module.name, node.module)
