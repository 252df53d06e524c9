"""Advertising: audience targeting, creative optimisation, bidding and budget.

One module per concern, used by chapters 05-07 and the case chapters:
``uplift`` and ``targeting`` (whom to reach), ``bandits`` and
``off_policy`` (which creative to show, and how to evaluate a policy from a
log), ``ctr``, ``auction`` and ``pacing`` (what to bid, how to spend a
budget). Import from the module, for example
``from smartmkt_helpers.ads.bandits import ThompsonSampling``.
"""
