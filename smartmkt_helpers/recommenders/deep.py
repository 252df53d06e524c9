"""Keras recommenders in the scikit-learn estimator style: ``fit(ratings)``, then ``recommend_k_items``.

- :class:`MatrixFactorization`: explicit ratings, ``r_ui = mu + b_u + b_i + p_u . q_i`` (Koren, Bell and
  Volinsky, 2009).
- :class:`NeuMF`: GMF and MLP branches, binary cross-entropy with sampled negatives (He et al., 2017).
- :class:`TwoTower`: user tower (id plus side features) and item tower, full softmax; a share of the ids is
  hidden in training so the side features alone can serve a new user.
- :class:`MultDAE`: denoising autoencoder with a multinomial likelihood (Liang et al., 2018).

Chapter 4 writes these networks out; these copies build the same layers in the same order, so under the same
seed they give the same scores. Import :mod:`smartmkt_helpers` before :mod:`keras` (it selects JAX).

>>> import pandas as pd
>>> ratings = pd.DataFrame({"user_id": [1, 1, 2, 2, 3, 3], "item_id": [1, 2, 2, 3, 1, 3],
...                         "rating": [5, 3, 4, 2, 4, 5]})
>>> MatrixFactorization(embedding_dim=2, epochs=2, random_state=0).fit(ratings).predict(ratings).shape
(6,)
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import Any

import keras
import numpy as np
import pandas as pd
import scipy.sparse as sp
from keras import layers, ops
from sklearn.utils.validation import check_is_fitted

import smartmkt_helpers  # noqa: F401  (selects the Keras backend first)
from smartmkt_helpers._checks import columns, non_negative_number, positive_int
from smartmkt_helpers.recommenders.topk import TopKRecommender, interaction_matrix, top_k_from_scores

__all__ = ["MatrixFactorization", "MultDAE", "NeuMF", "TwoTower", "training_examples"]

# batches per call into compiled code: less Python overhead per batch on a
# CPU, the same updates in the same order
STEPS_PER_EXECUTION = 16


def training_examples(
    rated: np.ndarray, n_negatives: int, random_state: int | np.random.Generator | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Positives (label 1) of ``rated`` (users x items, bool), each followed by ``n_negatives`` items
    drawn uniformly among those the user has not rated (label 0); returns int32 users, items, float32 labels."""
    rng = np.random.default_rng(random_state)
    rated = np.asarray(rated, dtype=bool)
    if rated.all(axis=1).any():
        raise ValueError("a user has rated every item: no negative can be drawn")
    positive_users, positive_items = np.nonzero(rated)
    users = np.repeat(positive_users, 1 + n_negatives)
    items = np.repeat(positive_items, 1 + n_negatives)
    labels = np.tile([1.0] + [0.0] * n_negatives, len(positive_items))
    negative = labels == 0
    redraw = negative
    while redraw.any():
        items[redraw] = rng.integers(0, rated.shape[1], redraw.sum())
        redraw = negative & rated[users, items]
    return users.astype("int32"), items.astype("int32"), labels.astype("float32")


def _keras_seed(random_state: int | None) -> int:
    """``random_state`` itself, or a fresh seed for None."""
    if random_state is None:
        return int(np.random.default_rng().integers(2**31 - 1))
    return positive_int(random_state, "random_state", minimum=0)


def _check_share(value: Any, name: str) -> None:
    if non_negative_number(value, name) >= 1:
        raise ValueError(f"{name} must be at least 0 and below 1, got {value}")


class _KerasRecommender(TopKRecommender):
    """Shared parameters, validation, indexing and top-k plumbing."""

    _implicit: bool = True

    def _validate(self) -> int:
        """Check the shared hyperparameters; return the seed for Keras."""
        for name in ("embedding_dim", "epochs", "batch_size"):
            if hasattr(self, name):
                positive_int(getattr(self, name), name)
        non_negative_number(self.l2, "l2")
        if non_negative_number(self.learning_rate, "learning_rate") == 0:
            raise ValueError(f"learning_rate must be a positive number, got {self.learning_rate!r}")
        return _keras_seed(self.random_state)

    def _index(self, ratings: pd.DataFrame) -> sp.csr_matrix:
        wanted = [self.col_user, self.col_item]
        if not self._implicit:
            wanted.append(self.col_rating)
        if isinstance(ratings, pd.DataFrame) and set(wanted) <= set(ratings.columns):
            ratings = ratings.drop_duplicates([self.col_user, self.col_item])
        matrix, users, items = interaction_matrix(
            ratings, self.col_user, self.col_item, None if self._implicit else self.col_rating)
        self.user_index_ = users
        self.item_index_ = items
        self.interactions_ = (matrix != 0).astype(np.float32).tocsr()
        return matrix

    def _train(self, inputs: Any, targets: Any, epochs: int | None = None,
               sample_weight: np.ndarray | None = None, shuffle: bool = True) -> None:
        history = self.model_.fit(
            inputs, targets, sample_weight=sample_weight, epochs=self.epochs if epochs is None else epochs,
            batch_size=self.batch_size, shuffle=shuffle, verbose=self.verbose)
        for name, values in history.history.items():
            self.history_.setdefault(name, []).extend(values)


class MatrixFactorization(_KerasRecommender):
    """Biased matrix factorisation of explicit ratings, trained with Adam.

    Predicts ``r_ui = mu + b_u + b_i + p_u . q_i`` (``mu`` the training mean) and minimises squared error
    plus ``l2`` times the squared norms of each batch's embeddings and biases.
    """

    _implicit = False

    def __init__(self, embedding_dim: int = 32, l2: float = 1e-4, epochs: int = 10, batch_size: int = 512,
                 learning_rate: float = 3e-3, random_state: int | None = 0, verbose: int = 0,
                 col_user: str = "user_id", col_item: str = "item_id", col_rating: str = "rating") -> None:
        self.embedding_dim = embedding_dim
        self.l2 = l2
        self.epochs = epochs
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.random_state = random_state
        self.verbose = verbose
        self.col_user = col_user
        self.col_item = col_item
        self.col_rating = col_rating

    def _build(self, n_users: int, n_items: int) -> keras.Model:
        reg = keras.regularizers.l2(self.l2) if self.l2 else None
        user = keras.Input((), dtype="int32", name="user")
        item = keras.Input((), dtype="int32", name="item")

        def embed(ids, count, dim, name):
            initializer = (keras.initializers.RandomNormal(stddev=0.05) if dim > 1 else "zeros")
            return layers.Embedding(count, dim, embeddings_regularizer=reg,
                                    embeddings_initializer=initializer, name=name)(ids)

        dot = layers.Dot(axes=1)([
            embed(user, n_users, self.embedding_dim, "user_factors"),
            embed(item, n_items, self.embedding_dim, "item_factors")])
        user_bias = layers.Flatten()(embed(user, n_users, 1, "user_bias"))
        item_bias = layers.Flatten()(embed(item, n_items, 1, "item_bias"))
        rating = layers.Add()([dot, user_bias, item_bias])
        rating = layers.Rescaling(1.0, offset=self.global_mean_, name="plus_mean")(rating)
        model = keras.Model([user, item], layers.Flatten()(rating), name="matrix_factorization")
        model.compile(optimizer=keras.optimizers.Adam(self.learning_rate), loss="mse",
                      steps_per_execution=STEPS_PER_EXECUTION)
        return model

    def fit(self, ratings: pd.DataFrame) -> MatrixFactorization:
        """Train on columns ``col_user``, ``col_item`` and ``col_rating``."""
        seed = self._validate()
        matrix = self._index(ratings)
        coo = matrix.tocoo()
        self.global_mean_ = float(coo.data.mean())
        keras.utils.set_random_seed(seed)
        self.model_ = self._build(*matrix.shape)
        self.history_ = {}
        self._train({"user": coo.row.astype("int32"), "item": coo.col.astype("int32")},
                    coo.data.astype("float32"))
        return self

    def _factors(self) -> tuple[np.ndarray, ...]:
        weights = {w.path.split("/")[0]: np.asarray(w.numpy()) for w in self.model_.weights}
        return (weights["user_factors"], weights["item_factors"],
                weights["user_bias"].ravel(), weights["item_bias"].ravel())

    def _scores(self, rows: np.ndarray) -> np.ndarray:
        p, q, b_user, b_item = self._factors()
        return self.global_mean_ + b_user[rows, None] + b_item[None, :] + p[rows] @ q.T

    def predict(self, pairs: pd.DataFrame) -> np.ndarray:
        """Predicted ratings of (user, item) pairs, one per row; unknown ids get the mean (and known biases)."""
        check_is_fitted(self)
        columns(pairs, [self.col_user, self.col_item], "pairs")
        p, q, b_user, b_item = self._factors()
        rows = self.user_index_.get_indexer(pairs[self.col_user].to_numpy())
        cols = self.item_index_.get_indexer(pairs[self.col_item].to_numpy())
        known_u, known_i = rows >= 0, cols >= 0
        pred = np.full(len(pairs), self.global_mean_)
        pred += np.where(known_u, b_user[rows], 0.0) + np.where(known_i, b_item[cols], 0.0)
        both = known_u & known_i
        pred[both] += np.einsum("ij,ij->i", p[rows[both]], q[cols[both]])
        return pred


class NeuMF(_KerasRecommender):
    """Neural matrix factorisation (GMF + MLP) for implicit feedback.

    Each epoch draws ``n_negatives`` unseen items per interaction (:func:`training_examples`) and minimises
    binary cross-entropy. The MLP embeddings are ``2 * embedding_dim`` long.
    """

    def __init__(self, embedding_dim: int = 16, hidden_units: Sequence[int] = (64, 32, 16),
                 n_negatives: int = 4, l2: float = 0.0, epochs: int = 5, batch_size: int = 1024,
                 learning_rate: float = 1e-3, random_state: int | None = 0, verbose: int = 0,
                 col_user: str = "user_id", col_item: str = "item_id") -> None:
        self.embedding_dim = embedding_dim
        self.hidden_units = hidden_units
        self.n_negatives = n_negatives
        self.l2 = l2
        self.epochs = epochs
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.random_state = random_state
        self.verbose = verbose
        self.col_user = col_user
        self.col_item = col_item

    def _build(self, n_users: int, n_items: int) -> keras.Model:
        reg = keras.regularizers.l2(self.l2) if self.l2 else None
        user = keras.Input((), dtype="int32", name="user")
        item = keras.Input((), dtype="int32", name="item")

        def embed(ids, count, dim, name):
            return layers.Embedding(count, dim, embeddings_regularizer=reg, name=name)(ids)

        gmf = layers.Multiply()([embed(user, n_users, self.embedding_dim, "gmf_user"),
                                 embed(item, n_items, self.embedding_dim, "gmf_item")])
        mlp = layers.Concatenate()([embed(user, n_users, 2 * self.embedding_dim, "mlp_user"),
                                    embed(item, n_items, 2 * self.embedding_dim, "mlp_item")])
        for units in self.hidden_units:
            mlp = layers.Dense(units, activation="relu")(mlp)
        both = layers.Concatenate()([gmf, mlp])
        output = layers.Flatten()(layers.Dense(1, activation="sigmoid")(both))
        model = keras.Model([user, item], output, name="neumf")
        model.compile(optimizer=keras.optimizers.Adam(self.learning_rate),
                      loss="binary_crossentropy", steps_per_execution=STEPS_PER_EXECUTION)
        return model

    def fit(self, ratings: pd.DataFrame) -> NeuMF:
        """Train on a tidy frame of interactions (ratings are ignored)."""
        seed = self._validate()
        positive_int(self.n_negatives, "n_negatives")
        if (isinstance(self.hidden_units, (str, bytes)) or not len(self.hidden_units)
                or any(isinstance(u, bool) or not isinstance(u, numbers.Integral) or u < 1
                       for u in self.hidden_units)):
            raise ValueError(f"hidden_units must be a non-empty sequence of positive "
                             f"integers, got {self.hidden_units!r}")
        matrix = self._index(ratings)
        rated = self.interactions_.toarray() > 0
        keras.utils.set_random_seed(seed)
        rng = np.random.default_rng(seed)
        self.model_ = self._build(*matrix.shape)
        self.history_ = {}
        for _ in range(self.epochs):
            users, items, labels = training_examples(rated, self.n_negatives, rng)
            # whole batches only (a random remainder sits out each epoch), so
            # every batch has one shape and JAX compiles the step once
            usable = max(self.batch_size, len(labels) - len(labels) % self.batch_size)
            order = rng.permutation(len(labels))[:usable]
            self._train({"user": users[order], "item": items[order]}, labels[order], epochs=1, shuffle=False)
        return self

    def _scores(self, rows: np.ndarray) -> np.ndarray:
        n_items = len(self.item_index_)
        users = np.repeat(rows, n_items).astype("int32")
        items = np.tile(np.arange(n_items), len(rows)).astype("int32")
        batch = 65536
        padding = (-len(users)) % batch if len(users) > batch else 0
        users, items = np.pad(users, (0, padding)), np.pad(items, (0, padding))
        scores = self.model_.predict({"user": users, "item": items}, batch_size=batch, verbose=0)
        return np.asarray(scores).ravel()[:len(rows) * n_items].reshape(len(rows), n_items)


class _TwoTowerNetwork(keras.Model):
    """User features in, logits over the catalogue out; user id 0 is the unknown user."""

    def __init__(self, n_users: int, category_sizes: Sequence[int], numeric: Sequence[str],
                 categorical: Sequence[str], item_features: np.ndarray, embedding_dim: int,
                 hidden_units: Sequence[int], id_dropout: float, l2: float = 0.0, **kwargs):
        super().__init__(**kwargs)
        reg = keras.regularizers.l2(l2) if l2 else None
        self.numeric, self.categorical = list(numeric), list(categorical)
        self.id_dropout = id_dropout
        self.item_features = np.asarray(item_features, dtype="float32")
        self.user_id_embedding = layers.Embedding(n_users + 1, embedding_dim, embeddings_regularizer=reg)
        self.category_embeddings = [layers.Embedding(size + 1, min(8, size + 1)) for size in category_sizes]
        self.hidden_layers = [layers.Dense(units, activation="relu") for units in hidden_units]
        self.user_vector = layers.Dense(embedding_dim)
        self.item_id_embedding = layers.Embedding(
            len(self.item_features), embedding_dim, embeddings_regularizer=reg,
            embeddings_initializer=keras.initializers.RandomNormal(stddev=0.05))
        self.feature_map = layers.Dense(embedding_dim, use_bias=False)
        self.dropout_seed = keras.random.SeedGenerator(0)

    def call(self, inputs, training=False):
        ids = inputs["user"]
        known = ops.cast(ids > 0, "float32")
        if training and self.id_dropout > 0:
            draws = keras.random.uniform(ops.shape(known), seed=self.dropout_seed)
            known = known * ops.cast(draws >= self.id_dropout, "float32")
        parts = [self.user_id_embedding(ids) * known[:, None]]
        parts += [ops.expand_dims(ops.cast(inputs[c], "float32"), 1) for c in self.numeric]
        parts += [embedding(inputs[c]) for embedding, c in zip(self.category_embeddings, self.categorical)]
        hidden = ops.concatenate(parts, axis=1)
        for layer in self.hidden_layers:
            hidden = layer(hidden)
        user_vectors = self.user_vector(hidden)
        item_vectors = self.item_id_embedding(ops.arange(len(self.item_features)))
        if self.item_features.shape[1]:
            item_vectors = item_vectors + self.feature_map(self.item_features)
        return ops.matmul(user_vectors, ops.transpose(item_vectors))


class TwoTower(_KerasRecommender):
    """Two-tower retrieval model with side features, trained with a full softmax over the catalogue.

    The user tower (id embedding, standardised numeric and embedded categorical features, an MLP) and the
    item tower (id embedding plus a linear map of item features) meet in a dot product. With probability
    ``id_dropout`` a training row's user id is hidden, so :meth:`recommend_for_profiles` can serve new users.
    """

    def __init__(self, embedding_dim: int = 32, hidden_units: Sequence[int] = (64,),
                 user_numeric: Sequence[str] = ("age",),
                 user_categorical: Sequence[str] = ("gender", "occupation"), id_dropout: float = 0.2,
                 l2: float = 0.0, epochs: int = 40, batch_size: int = 64, learning_rate: float = 3e-3,
                 random_state: int | None = 0, verbose: int = 0, col_user: str = "user_id",
                 col_item: str = "item_id") -> None:
        self.embedding_dim = embedding_dim
        self.hidden_units = hidden_units
        self.user_numeric = user_numeric
        self.user_categorical = user_categorical
        self.id_dropout = id_dropout
        self.l2 = l2
        self.epochs = epochs
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.random_state = random_state
        self.verbose = verbose
        self.col_user = col_user
        self.col_item = col_item

    def _side_table(self, frame: pd.DataFrame, name: str, key: str,
                    wanted: Sequence[str], index: pd.Index) -> pd.DataFrame:
        columns(frame, [key, *wanted], name)
        table = frame.drop_duplicates(key).set_index(key).reindex(index)
        if table[list(wanted)].isna().any().any():
            absent = index[table[list(wanted)].isna().any(axis=1).to_numpy()].tolist()[0]
            raise ValueError(f"{name} has no (complete) row for id {absent!r}")
        return table

    def _user_inputs(self, table: pd.DataFrame, ids: np.ndarray) -> dict[str, np.ndarray]:
        inputs = {"user": ids.astype("int32")}
        for column in self.user_numeric:
            values = table[column].to_numpy(dtype="float32")
            inputs[column] = (values - self.numeric_stats_[column][0]) / self.numeric_stats_[column][1]
        for column in self.user_categorical:
            codes = pd.Index(self.categories_[column]).get_indexer(table[column].astype(str))
            inputs[column] = (codes + 1).astype("int32")  # 0: unseen category
        return inputs

    def _build(self, n_users: int, item_features: np.ndarray) -> keras.Model:
        model = _TwoTowerNetwork(
            n_users, [len(self.categories_[c]) for c in self.user_categorical], self.user_numeric,
            self.user_categorical, item_features, self.embedding_dim, self.hidden_units, self.id_dropout,
            self.l2, name="two_tower")
        model.compile(optimizer=keras.optimizers.Adam(self.learning_rate),
                      loss=keras.losses.CategoricalCrossentropy(from_logits=True),
                      steps_per_execution=STEPS_PER_EXECUTION)
        return model

    def fit(self, ratings: pd.DataFrame, users: pd.DataFrame, items: pd.DataFrame | None = None) -> TwoTower:
        """Train on interactions, ``users`` side features and optional numeric/bool ``items`` features.

        A user's interactions share one softmax row (``-sum_i x_ui log softmax(logits_u)_i``), so an epoch is
        one pass over the users; the objective equals one softmax per interaction.
        """
        seed = self._validate()
        _check_share(self.id_dropout, "id_dropout")
        item_features = self._prepare(ratings, users, items)
        keras.utils.set_random_seed(seed)
        self.model_ = self._build(len(self.user_index_), item_features)
        self.history_ = {}
        rows = np.arange(len(self.user_index_))
        self._train(self._user_inputs(self._user_table, rows + 1), self.interactions_.toarray())
        return self

    def _prepare(self, ratings: pd.DataFrame, users: pd.DataFrame, items: pd.DataFrame | None) -> np.ndarray:
        """Index the ids, learn the feature encodings; return the item features."""
        self._index(ratings)
        user_table = self._side_table(
            users, "users", self.col_user, [*self.user_numeric, *self.user_categorical], self.user_index_)
        self.numeric_stats_ = {}
        for column in self.user_numeric:
            values = user_table[column].to_numpy(dtype=float)
            self.numeric_stats_[column] = (values.mean(), values.std() or 1.0)
        self.categories_ = {c: sorted(user_table[c].astype(str).unique()) for c in self.user_categorical}
        if items is None:
            item_features = np.zeros((len(self.item_index_), 0), dtype="float32")
            self.item_feature_names_ = []
        else:
            columns(items, [self.col_item], "items")
            names = [c for c in items.columns if c != self.col_item and (
                items[c].dtype == bool or pd.api.types.is_numeric_dtype(items[c]))]
            table = self._side_table(items, "items", self.col_item, names, self.item_index_)
            item_features = table[names].to_numpy(dtype="float32")
            self.item_feature_names_ = names
        self._user_table = user_table
        return item_features

    def _logits(self, inputs: dict[str, np.ndarray]) -> np.ndarray:
        return np.asarray(self.model_.predict(inputs, batch_size=4096, verbose=0))

    def _scores(self, rows: np.ndarray) -> np.ndarray:
        return self._logits(self._user_inputs(self._user_table.iloc[rows], rows + 1))

    def recommend_for_profiles(self, profiles: pd.DataFrame, k: int = 10) -> pd.DataFrame:
        """Top-k items, with softmax probabilities, for new users given only by their side features.

        A ``col_user`` column in ``profiles`` names them in the output; otherwise they are numbered from 0.
        """
        check_is_fitted(self)
        needed = [*self.user_numeric, *self.user_categorical]
        columns(profiles, needed, "profiles")
        if profiles[needed].isna().any().any():
            raise ValueError("profiles contains missing values (NaN)")
        logits = self._logits(self._user_inputs(profiles, np.zeros(len(profiles))))
        logits = logits - logits.max(axis=1, keepdims=True)
        probabilities = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
        names = (profiles[self.col_user] if self.col_user in profiles.columns
                 else pd.RangeIndex(len(profiles)))
        return top_k_from_scores(probabilities, names, self.item_index_, k=k,
                                 col_user=self.col_user, col_item=self.col_item)


class MultDAE(_KerasRecommender):
    """Denoising autoencoder over user rows with a multinomial likelihood (Liang et al., 2018).

    Each binary row is scaled to unit length, dropped out, encoded by one ``tanh`` layer and decoded to item
    logits; the loss ``-sum_i x_ui log softmax(logits)_i`` makes items compete as in a top-k list.
    """

    def __init__(self, latent_dim: int = 200, dropout: float = 0.5, l2: float = 0.0, epochs: int = 50,
                 batch_size: int = 64, learning_rate: float = 1e-3, random_state: int | None = 0,
                 verbose: int = 0, col_user: str = "user_id", col_item: str = "item_id") -> None:
        self.latent_dim = latent_dim
        self.dropout = dropout
        self.l2 = l2
        self.epochs = epochs
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.random_state = random_state
        self.verbose = verbose
        self.col_user = col_user
        self.col_item = col_item

    def _build(self, n_items: int) -> keras.Model:
        reg = keras.regularizers.l2(self.l2) if self.l2 else None
        rows = keras.Input((n_items,), name="interactions")
        hidden = layers.UnitNormalization()(rows)
        hidden = layers.Dropout(self.dropout)(hidden)
        hidden = layers.Dense(self.latent_dim, activation="tanh", kernel_regularizer=reg,
                              name="encoder")(hidden)
        logits = layers.Dense(n_items, kernel_regularizer=reg, name="decoder")(hidden)
        model = keras.Model(rows, logits, name="mult_dae")
        model.compile(optimizer=keras.optimizers.Adam(self.learning_rate),
                      loss=keras.losses.CategoricalCrossentropy(from_logits=True),
                      steps_per_execution=STEPS_PER_EXECUTION)
        return model

    def fit(self, ratings: pd.DataFrame, callbacks: list | None = None) -> MultDAE:
        """Train on interactions (ratings ignored); ``callbacks`` go to ``model.fit``."""
        positive_int(self.latent_dim, "latent_dim")
        seed = self._validate()
        _check_share(self.dropout, "dropout")
        self._index(ratings)
        dense = self.interactions_.toarray()
        keras.utils.set_random_seed(seed)
        self.model_ = self._build(dense.shape[1])
        history = self.model_.fit(dense, dense, epochs=self.epochs,
                                  batch_size=self.batch_size, shuffle=True,
                                  verbose=self.verbose, callbacks=callbacks)
        self.history_ = dict(history.history)
        return self

    def _scores(self, rows: np.ndarray) -> np.ndarray:
        dense = self.interactions_[rows].toarray()
        return np.asarray(self.model_.predict(dense, batch_size=1024, verbose=0))
