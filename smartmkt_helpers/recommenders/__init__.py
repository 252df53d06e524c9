"""Recommenders: neighbourhood collaborative filtering, strong simple
baselines, and Keras models, in the scikit-learn estimator style.

Modules: ``neighbours`` (user- and item-based CF), ``content``
(content-based), ``topk`` (top-k lists with seen items removed),
``baselines`` (popularity, EASE^R), ``deep`` (Keras matrix
factorisation, NeuMF, two-tower, Mult-DAE) and ``protocol`` (the top-10
benchmark's split and chosen settings). Splits live in
:mod:`smartmkt_helpers.splits` and metrics in
:mod:`smartmkt_helpers.metrics`.
"""
