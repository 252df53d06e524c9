"""Recommenders in the scikit-learn estimator style: ``neighbours`` (user- and item-based CF), ``content``,
``baselines`` (popularity, EASE^R), ``deep`` (Keras MF, NeuMF, two-tower, Mult-DAE), ``topk`` (top-k lists)
and ``protocol`` (the top-10 benchmark's split and settings).
"""
