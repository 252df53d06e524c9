"""Recommenders: neighbourhood collaborative filtering, strong simple
baselines, and Keras models, in the scikit-learn estimator style.

Modules: ``neighbours`` (user- and item-based CF), ``content``
(content-based), ``topk`` (top-k lists with seen items removed),
``baselines`` (popularity, EASE^R) and ``deep`` (Keras matrix
factorisation, NeuMF, two-tower). Splits live in
:mod:`smartmkt_helpers.splits` and metrics in
:mod:`smartmkt_helpers.metrics`.
"""
