"""Click-through-rate models on hashed features: Wide & Deep, DeepFM, calibration.

Chapter 7 teaches the hashing trick and both networks; this module keeps the
tested versions: :class:`FieldHasher` (one hashed index per field),
:func:`one_hot`, the Keras networks of Cheng et al. (2016) and Guo et al.
(2017) with scikit-learn-style wrappers, the factorisation machine's pairwise
term (Rendle, 2010), :func:`calibration_table` and the correction for negative
downsampling (He et al., 2014). Import ``smartmkt_helpers`` before Keras so that Keras runs on JAX.

>>> log = pd.DataFrame({"site": ["a", "b", "a"], "visits": [0.0, 3.0, None]})
>>> indices = FieldHasher(["site"], numeric_columns=["visits"], n_buckets=64).fit_transform(log)
>>> indices.shape, bool(indices[0, 0] == indices[2, 0]), one_hot(indices, 64).shape
((3, 2), True, (3, 64))
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClassifierMixin, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from smartmkt_helpers._checks import columns, positive_int

__all__ = ["FieldHasher", "one_hot", "bucketize_counts", "build_wide_and_deep", "build_deepfm", "pairwise_interactions",
           "WideAndDeepClassifier", "DeepFMClassifier", "calibration_table", "recalibrate_downsampled"]

#: Key of pandas' SipHash: fixed, so a token hashes to the same bucket on every machine and run.
HASH_KEY = "smartmkt-ctr-key"
MISSING_TOKEN = "missing"


def bucketize_counts(values: Any) -> np.ndarray:
    """Counts as tokens on a log scale, ``floor(log1p(x) ** 2)``; missing values become ``"missing"``."""
    x = pd.to_numeric(pd.Series(np.asarray(values, dtype=object)), errors="coerce").to_numpy(dtype=float)
    if np.any(x[~np.isnan(x)] < 0):
        raise ValueError("counts must be non-negative; found negative values")
    tokens = np.floor(np.log1p(np.nan_to_num(x)) ** 2).astype(np.int64).astype(str).astype(object)
    tokens[np.isnan(x)] = MISSING_TOKEN
    return tokens


def _hash(tokens: np.ndarray, n_buckets: int) -> np.ndarray:
    hashed = pd.util.hash_array(np.asarray(tokens, dtype=object), hash_key=HASH_KEY)
    return (hashed % np.uint64(n_buckets)).astype(np.int64)


class FieldHasher(TransformerMixin, BaseEstimator):
    """Hash each field of an impression log into one index of a shared space of ``n_buckets``.

    Each value becomes the token ``"<column>=<value>"`` and is hashed (the
    hashing trick: no vocabulary, unseen values still get an index, distinct
    tokens may collide). Counts in ``numeric_columns`` are first bucketed by
    :func:`bucketize_counts`; missing values get a token of their own.
    ``fields_`` gives the order of the output columns.
    """

    def __init__(self, categorical_columns: Sequence[str], numeric_columns: Sequence[str] = (), n_buckets: int = 2**15):
        self.categorical_columns = categorical_columns
        self.numeric_columns = numeric_columns
        self.n_buckets = n_buckets

    def fit(self, frame: pd.DataFrame, y: Any = None) -> FieldHasher:
        positive_int(self.n_buckets, "n_buckets", minimum=2)
        if isinstance(self.categorical_columns, str) or isinstance(self.numeric_columns, str):
            raise TypeError("categorical_columns and numeric_columns must be lists of column names")
        fields = list(self.categorical_columns) + list(self.numeric_columns)
        if not fields:
            raise ValueError("give at least one column in categorical_columns or numeric_columns")
        if len(set(fields)) < len(fields):
            raise ValueError("a column is listed twice in categorical_columns and numeric_columns")
        self._check_frame(frame, fields)
        self.fields_ = fields
        return self

    def _check_frame(self, frame: pd.DataFrame, fields: list[str]) -> None:
        columns(frame, fields, "frame")
        if len(frame) == 0:
            raise ValueError("frame has no rows")

    def transform(self, frame: pd.DataFrame) -> np.ndarray:
        """Bucket indices, an integer array (rows x fields)."""
        check_is_fitted(self, "fields_")
        self._check_frame(frame, self.fields_)
        columns = []
        for column in self.fields_:
            if column in self.numeric_columns:
                values = bucketize_counts(frame[column].to_numpy())
            else:
                values = frame[column].astype(object).to_numpy()
                values = np.where(pd.isna(values), MISSING_TOKEN, values.astype(str)).astype(object)
            columns.append(_hash(column + "=" + values, self.n_buckets))
        return np.column_stack(columns)


def _check_indices(indices: Any, n_buckets: int, name: str = "X") -> np.ndarray:
    values = np.asarray(indices)
    if values.ndim != 2:
        raise ValueError(f"{name} must be a 2-D array of hashed indices (rows x fields), got {values.ndim}-D")
    if values.shape[0] == 0 or values.shape[1] == 0:
        raise ValueError(f"{name} is empty (shape {values.shape})")
    if values.dtype.kind not in "iu":
        raise TypeError(f"{name} must hold integer indices, got dtype {values.dtype}")
    if values.min() < 0 or values.max() >= n_buckets:
        raise ValueError(f"{name} has indices outside [0, {n_buckets}); was it hashed with n_buckets={n_buckets}?")
    return values.astype(np.int64)


def one_hot(indices: Any, n_buckets: int) -> sp.csr_matrix:
    """Sparse design matrix with one column per bucket, the input of a logistic regression.

    A row has a 1 in the bucket of each field (2 when two fields collide).
    """
    n_buckets = positive_int(n_buckets, "n_buckets", minimum=2)
    values = _check_indices(indices, n_buckets, "indices")
    rows = np.repeat(np.arange(values.shape[0]), values.shape[1])
    matrix = sp.csr_matrix((np.ones(values.size), (rows, values.ravel())), shape=(values.shape[0], n_buckets))
    matrix.sum_duplicates()
    return matrix


def _keras():
    import keras

    import smartmkt_helpers  # noqa: F401  (chooses the JAX backend before Keras loads)

    return keras


def _fm_layer_class():
    keras = _keras()

    class FactorizationMachineInteraction(keras.layers.Layer):
        def call(self, embeddings):
            return pairwise_interactions(embeddings)

    return FactorizationMachineInteraction


def pairwise_interactions(embeddings):
    """The factorisation machine's second-order term ``sum_{f<g} <v_f, v_g>`` (Rendle, 2010).

    ``embeddings`` has shape (rows, fields, dim); the result (rows, 1) comes
    in linear time from ``0.5 * ((sum_f v_f)^2 - sum_f v_f^2)`` summed over
    dimensions. Works on NumPy arrays and Keras tensors.
    """
    ops = _keras().ops
    square_of_sum = ops.square(ops.sum(embeddings, axis=1))
    sum_of_squares = ops.sum(ops.square(embeddings), axis=1)
    return 0.5 * ops.sum(square_of_sum - sum_of_squares, axis=1, keepdims=True)


def _check_architecture(n_fields: int, n_buckets: int, embedding_dim: int, hidden_units: Sequence[int]) -> list[int]:
    positive_int(n_fields, "n_fields")
    positive_int(n_buckets, "n_buckets", minimum=2)
    positive_int(embedding_dim, "embedding_dim")
    if isinstance(hidden_units, (str, numbers.Number)):
        raise TypeError("hidden_units must be a sequence of layer widths, for example (64, 32)")
    return [positive_int(units, "hidden_units") for units in hidden_units]


def _regularizer(keras, l2):
    return keras.regularizers.L2(l2) if l2 else None


def _first_order_part(keras, inputs, n_buckets, l2, name):
    weights = keras.layers.Embedding(n_buckets, 1, embeddings_initializer="zeros",
                                     embeddings_regularizer=_regularizer(keras, l2), name=f"{name}_weights")(inputs)
    return keras.ops.sum(weights, axis=1)


def _deep_part(keras, embeddings, hidden_units, base_rate_logit, name):
    hidden = keras.layers.Flatten(name=f"{name}_flatten")(embeddings)
    for layer, units in enumerate(hidden_units):
        hidden = keras.layers.Dense(units, activation="relu", name=f"{name}_dense_{layer}")(hidden)
    bias = keras.initializers.Constant(base_rate_logit)
    return keras.layers.Dense(1, bias_initializer=bias, name=f"{name}_output")(hidden)


def _embeddings(keras, inputs, n_buckets, embedding_dim, l2, name):
    regularizer = _regularizer(keras, l2)
    return keras.layers.Embedding(n_buckets, embedding_dim, embeddings_regularizer=regularizer, name=name)(inputs)


def build_wide_and_deep(n_fields: int, n_buckets: int, *, embedding_dim: int = 8,
                        hidden_units: Sequence[int] = (64, 32), l2: float = 1e-6, base_rate: float = 0.5):
    """Wide & Deep (Cheng et al., 2016) on hashed field indices.

    The wide part is a logistic regression on the hashed tokens; the deep
    part passes the concatenated field embeddings through dense ReLU layers;
    the click probability is the sigmoid of the sum of both logits.
    ``base_rate`` initialises the output bias. Chapter 7 builds the same
    layers in the same order, so the same seed gives the same weights.
    """
    keras = _keras()
    hidden_units = _check_architecture(n_fields, n_buckets, embedding_dim, hidden_units)
    inputs = keras.Input(shape=(n_fields,), dtype="int32", name="hashed_fields")
    wide = _first_order_part(keras, inputs, n_buckets, l2, "wide")
    embeddings = _embeddings(keras, inputs, n_buckets, embedding_dim, l2, "deep_embeddings")
    deep = _deep_part(keras, embeddings, hidden_units, _logit(base_rate), "deep")
    logit = keras.layers.Add(name="logit")([wide, deep])
    output = keras.layers.Activation("sigmoid", name="p_click")(logit)
    return keras.Model(inputs, output, name="wide_and_deep")


def build_deepfm(n_fields: int, n_buckets: int, *, embedding_dim: int = 8, hidden_units: Sequence[int] = (64, 32),
                 l2: float = 1e-6, base_rate: float = 0.5):
    """DeepFM (Guo et al., 2017) on hashed field indices.

    The sum of a first-order term, the factorisation machine's pairwise term
    (:func:`pairwise_interactions`) and a dense ReLU network; unlike Wide &
    Deep, the FM and deep parts share the embeddings.
    """
    keras = _keras()
    hidden_units = _check_architecture(n_fields, n_buckets, embedding_dim, hidden_units)
    inputs = keras.Input(shape=(n_fields,), dtype="int32", name="hashed_fields")
    linear = _first_order_part(keras, inputs, n_buckets, l2, "linear")
    embeddings = _embeddings(keras, inputs, n_buckets, embedding_dim, l2, "shared_embeddings")
    pairwise = _fm_layer_class()(name="fm_interaction")(embeddings)
    deep = _deep_part(keras, embeddings, hidden_units, _logit(base_rate), "deep")
    logit = keras.layers.Add(name="logit")([linear, pairwise, deep])
    output = keras.layers.Activation("sigmoid", name="p_click")(logit)
    return keras.Model(inputs, output, name="deepfm")


def _logit(rate: float) -> float:
    if not 0 < rate < 1:
        raise ValueError(f"base_rate must be strictly between 0 and 1, got {rate}")
    return float(np.log(rate / (1 - rate)))


def _check_labels(y: Any, num_rows: int) -> np.ndarray:
    labels = np.asarray(y)
    if labels.ndim != 1 or len(labels) != num_rows:
        raise ValueError(f"y must be a 1-D array with one label per row of X ({num_rows}), got shape {labels.shape}")
    if labels.dtype.kind == "f" and np.isnan(labels).any():
        raise ValueError("y contains NaN")
    if not np.isin(labels, (0, 1)).all():
        raise ValueError("y must hold clicks as 0 and 1")
    if labels.min() == labels.max():
        raise ValueError("y has a single class; a click model needs clicks and non-clicks")
    return labels.astype("float32")


def _intercept_shift(logits: np.ndarray, rate: float, iterations: int = 20) -> float:
    """The shift of all logits that makes the mean probability equal ``rate`` (Newton's method)."""
    shift = 0.0
    for _ in range(iterations):
        p = 1 / (1 + np.exp(-(logits + shift)))
        gap = p.mean() - rate
        slope = (p * (1 - p)).mean()
        if abs(gap) < 1e-10 or slope <= 0:
            break
        shift -= gap / slope
    return float(shift)


class _KerasCTRClassifier(ClassifierMixin, BaseEstimator):
    _build = None  # set by the subclasses

    def __init__(self, n_buckets: int = 2**15, *, embedding_dim: int = 4, hidden_units: Sequence[int] = (32,),
                 l2: float = 3e-4, learning_rate: float = 3e-3, epochs: int = 3, batch_size: int = 1024,
                 refit_intercept: bool = True, patience: int = 1, random_state: int = 0) -> None:
        self.n_buckets = n_buckets
        self.embedding_dim = embedding_dim
        self.hidden_units = hidden_units
        self.l2 = l2
        self.learning_rate = learning_rate
        self.epochs = epochs
        self.batch_size = batch_size
        self.refit_intercept = refit_intercept
        self.patience = patience
        self.random_state = random_state

    def fit(self, X: Any, y: Any, *, validation_data: tuple[Any, Any] | None = None) -> _KerasCTRClassifier:
        """Train on hashed indices ``X`` (rows x fields) and clicks ``y`` (0/1).

        With ``validation_data=(X_val, y_val)``, training stops after
        ``patience`` epochs without a better validation loss and keeps the
        best epoch's weights.
        """
        n_buckets = positive_int(self.n_buckets, "n_buckets", minimum=2)
        indices = _check_indices(X, n_buckets)
        labels = _check_labels(y, indices.shape[0])
        epochs = positive_int(self.epochs, "epochs")
        batch_size = positive_int(self.batch_size, "batch_size")
        if not self.learning_rate > 0:
            raise ValueError(f"learning_rate must be positive, got {self.learning_rate}")
        if self.l2 < 0:
            raise ValueError(f"l2 must be non-negative, got {self.l2}")
        keras = _keras()
        keras.utils.set_random_seed(self.random_state)
        self.model_ = type(self)._build(indices.shape[1], n_buckets, embedding_dim=self.embedding_dim,
                                        hidden_units=self.hidden_units, l2=self.l2, base_rate=float(labels.mean()))
        self.model_.compile(optimizer=keras.optimizers.Adam(self.learning_rate), loss="binary_crossentropy")
        fit_options = {}
        if validation_data is not None:
            if len(validation_data) != 2:
                raise ValueError("validation_data must be a pair (X_val, y_val)")
            validation_indices = _check_indices(validation_data[0], n_buckets, "X_val")
            if validation_indices.shape[1] != indices.shape[1]:
                raise ValueError(f"X_val has {validation_indices.shape[1]} fields, X has {indices.shape[1]}")
            validation_labels = _check_labels(validation_data[1], validation_indices.shape[0])
            patience = positive_int(self.patience, "patience")
            fit_options["validation_data"] = (validation_indices.astype("int32"), validation_labels)
            fit_options["callbacks"] = [keras.callbacks.EarlyStopping(
                monitor="val_loss", patience=patience, restore_best_weights=True)]
        history = self.model_.fit(indices.astype("int32"), labels, epochs=epochs, batch_size=batch_size, verbose=0,
                                  **fit_options)
        self.history_ = {key: list(map(float, values)) for key, values in history.history.items()}
        losses = self.history_.get("val_loss", self.history_["loss"])
        self.best_epoch_ = int(np.argmin(losses)) + 1 if validation_data is not None else epochs
        self.n_fields_ = indices.shape[1]
        self.classes_ = np.array([0, 1])
        self.intercept_shift_ = _intercept_shift(self._logits(indices), labels.mean()) if self.refit_intercept else 0.0
        return self

    def _logits(self, indices: np.ndarray) -> np.ndarray:
        p_click = self.model_.predict(indices.astype("int32"), batch_size=10_000, verbose=0).ravel()
        p_click = np.clip(p_click.astype(float), 1e-7, 1 - 1e-7)
        return np.log(p_click / (1 - p_click))

    def predict_proba(self, X: Any) -> np.ndarray:
        """Probabilities of no click and of a click (rows x 2)."""
        check_is_fitted(self, "model_")
        indices = _check_indices(X, self.n_buckets)
        if indices.shape[1] != self.n_fields_:
            raise ValueError(f"X has {indices.shape[1]} fields, but the model was fitted on {self.n_fields_}")
        p_click = 1 / (1 + np.exp(-(self._logits(indices) + self.intercept_shift_)))
        return np.column_stack([1 - p_click, p_click])

    def predict(self, X: Any) -> np.ndarray:
        """1 where a click is more likely than not, else 0."""
        return (self.predict_proba(X)[:, 1] >= 0.5).astype(int)


class WideAndDeepClassifier(_KerasCTRClassifier):
    """Wide & Deep click model (:func:`build_wide_and_deep`) as a scikit-learn classifier.

    ``l2`` penalises the per-bucket weights and embeddings: logs have many rare
    tokens, so a small log needs a strong penalty and few epochs. With
    ``refit_intercept``, the output logit is shifted after training
    (``intercept_shift_``) so the mean prediction equals the training click
    rate, since a bid multiplies the probability itself. Fitted: ``model_``,
    ``history_`` (losses per epoch), ``best_epoch_``.
    """

    _build = staticmethod(build_wide_and_deep)


class DeepFMClassifier(_KerasCTRClassifier):
    """DeepFM click model (:func:`build_deepfm`); parameters as :class:`WideAndDeepClassifier`."""

    _build = staticmethod(build_deepfm)


def recalibrate_downsampled(p_click: Any, negative_rate: float) -> np.ndarray:
    """Undo negative downsampling: ``q = p / (p + (1 - p) / w)`` (He et al., 2014).

    A model trained on all clicks but a share ``w = negative_rate`` of the
    non-clicks has odds inflated by ``1 / w``; ``q`` is the probability on the original traffic.
    """
    p = np.asarray(p_click, dtype=float)
    if np.isnan(p).any() or (p < 0).any() or (p > 1).any():
        raise ValueError("p_click must hold probabilities between 0 and 1")
    if isinstance(negative_rate, bool) or not isinstance(negative_rate, numbers.Real):
        raise TypeError(f"negative_rate must be a number, got {type(negative_rate).__name__}")
    if not 0 < negative_rate <= 1:
        raise ValueError(f"negative_rate must be in (0, 1], the share of non-clicks kept; got {negative_rate}")
    return p / (p + (1 - p) / negative_rate)


def calibration_table(y_true: Any, y_prob: Any, *, n_bins: int = 10) -> pd.DataFrame:
    """Mean predicted click probability against the observed click rate, in ``n_bins`` bins.

    Bins are quantiles of the prediction (equal-width bins would be mostly
    empty). Columns: ``predicted``, ``observed``, ``impressions``.
    """
    labels = np.asarray(y_true, dtype=float)
    probabilities = np.asarray(y_prob, dtype=float)
    if labels.ndim != 1 or probabilities.shape != labels.shape:
        raise ValueError(f"y_true, y_prob must be 1-D of the same length, got {labels.shape}, {probabilities.shape}")
    if len(labels) == 0:
        raise ValueError("y_true is empty")
    if np.isnan(labels).any() or np.isnan(probabilities).any():
        raise ValueError("y_true and y_prob must not contain NaN")
    if not np.isin(labels, (0, 1)).all():
        raise ValueError("y_true must hold clicks as 0 and 1")
    if probabilities.min() < 0 or probabilities.max() > 1:
        raise ValueError("y_prob must hold probabilities between 0 and 1")
    n_bins = positive_int(n_bins, "n_bins")
    if n_bins > len(labels):
        raise ValueError(f"n_bins ({n_bins}) is larger than the number of rows ({len(labels)})")
    order = np.argsort(probabilities, kind="stable")
    bins = np.empty(len(labels), dtype=int)
    bins[order] = np.arange(len(labels)) * n_bins // len(labels)
    frame = pd.DataFrame({"bin": bins, "predicted": probabilities, "observed": labels})
    return frame.groupby("bin").agg(
        predicted=("predicted", "mean"), observed=("observed", "mean"), impressions=("observed", "size"))
