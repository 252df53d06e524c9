"""``load``: one entry point for the six real datasets and their twins."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

from sklearn.utils import Bunch

from smartmkt_helpers.data.download import fetch
from smartmkt_helpers.data.errors import DataUnavailableError
from smartmkt_helpers.data.readers import READERS
from smartmkt_helpers.data.registry import get_dataset
from smartmkt_helpers.data.schema import OPEN_BANDIT_POLICIES, SCHEMAS

#: The options each dataset accepts, with their defaults.
OPTIONS: dict[str, dict[str, object]] = {
    "movielens-100k": {},
    "hillstrom": {},
    "open-bandit": {"policy": "random"},
    "german-credit": {},
    "cdnow": {},
    "assistments-2009": {},
}
FALLBACKS = (None, "simulate")
_CARD_WIDTH = 78


def _wrap(text: str, indent: str = "") -> str:
    return textwrap.fill(
        text, _CARD_WIDTH, subsequent_indent=indent,
        break_long_words=False, break_on_hyphens=False,
    )

_ABOUT = {
    "movielens-100k": (
        "Explicit 1-5 star ratings collected by the MovieLens web site between "
        "September 1997 and April 1998; every user rated at least 20 movies. "
        "`users` holds age, gender, occupation and zip code; `movies` the title, "
        "release date, IMDb link and 19 genre flags."
    ),
    "hillstrom": (
        "64,000 customers who bought in the last twelve months, randomly split into "
        "three equal groups: a men's merchandise e-mail, a women's merchandise e-mail, "
        "no e-mail (`segment`). Outcomes over the following two weeks: `visit`, "
        "`conversion`, `spend`."
    ),
    "open-bandit": (
        "Fashion recommendations on ZOZOTOWN: each row is one of three slots "
        "(`position`) showing one of 80 items, chosen by the logging policy with "
        "probability `propensity_score`; `click` is the reward. `item_context` "
        "describes the items. Load `policy=\"random\"` (uniform random) or "
        "`policy=\"bts\"` (Bernoulli Thompson sampling)."
    ),
    "german-credit": (
        "1,000 loan applicants described by 20 attributes (qualitative ones as the "
        "codes A11, A12, ... of german.doc, decoded in `attribute_labels`) and "
        "labelled good or bad risk (`risk`). Misclassifying a bad applicant as good "
        "costs five times more than the reverse (`cost_matrix`)."
    ),
    "cdnow": (
        "Every purchase from January 1997 to June 1998 by the 23,570 customers who "
        "made their first purchase at the online CD shop CDNOW in the first quarter "
        "of 1997: customer, date, number of CDs and dollar value."
    ),
    "assistments-2009": (
        "Answers of students to skill-tagged maths problems in the ASSISTments tutor "
        "(2009-2010 skill-builder set), as preprocessed for knowledge-tracing "
        "papers: one row per answer, in order (`step`), with the skill and whether "
        "the answer was correct; `split` keeps the published train/test division."
    ),
}


def _schema_lines(name: str) -> list[str]:
    lines = []
    for part, columns in SCHEMAS[name].items():
        listed = ", ".join(f"`{column}` ({dtype})" for column, dtype in columns.items())
        if len(columns) > 12:
            head = list(columns.items())[:9]
            listed = ", ".join(f"`{column}` ({dtype})" for column, dtype in head)
            listed += f", ... ({len(columns)} columns)"
        lines.append(f"- `{part}`: {listed}")
    return lines


def real_data_card(name: str) -> str:
    """The data card (``DESCR``) of a real dataset, in Markdown.

    Examples
    --------
    >>> print(real_data_card("cdnow").splitlines()[0])
    # CDNOW master transactions (real data)
    """
    dataset = get_dataset(name)
    items = [
        f"- Size: {dataset.rows}.",
        f"- Official source: {dataset.source}",
        f"- Terms: {dataset.terms}",
        f"- Cite: {dataset.citation}",
    ]
    lines = [
        f"# {dataset.title} (real data)",
        "",
        _wrap(_ABOUT[name]),
        "",
        *(_wrap(item, "  ") for item in items),
        "",
        "Tables:",
        "",
        *(_wrap(line, "  ") for line in _schema_lines(name)),
    ]
    return "\n".join(lines) + "\n"


def _check_options(name: str, options: dict[str, object]) -> dict[str, object]:
    allowed = OPTIONS[name]
    unknown = sorted(set(options) - set(allowed))
    if unknown:
        accepted = ", ".join(allowed) or "no options"
        raise ValueError(f"load({name!r}) got unknown option(s) {unknown}; it accepts {accepted}")
    return {**allowed, **options}


def load(
    name: str,
    fallback: str | None = None,
    *,
    home: str | os.PathLike | None = None,
    offline: bool | None = None,
    **options: object,
) -> Bunch:
    """Load a real dataset, or its simulated twin when the real one cannot be had.

    The real files come from the cache (``$SMARTMKT_DATA_HOME`` or the user
    cache folder), verified against their SHA-256; a file that is missing is
    downloaded from the official source unless ``SMARTMKT_OFFLINE=1``.

    Parameters
    ----------
    name : str
        ``"movielens-100k"``, ``"hillstrom"``, ``"open-bandit"``,
        ``"german-credit"``, ``"cdnow"`` or ``"assistments-2009"``.
    fallback : {None, "simulate"}
        With ``None`` a dataset that cannot be had raises a
        :class:`~smartmkt_helpers.data.DataUnavailableError` saying what to do.
        With ``"simulate"`` it returns the simulated twin instead (seed 0)
        and prints one line saying so and why.
    home : path-like, optional
        The cache folder, if not the default.
    offline : bool, optional
        ``True`` never touches the network; the default follows the
        ``SMARTMKT_OFFLINE`` environment variable.
    **options
        Dataset options: ``policy`` (``"random"`` or ``"bts"``) for
        ``"open-bandit"``.

    Returns
    -------
    sklearn.utils.Bunch
        ``frame`` (the main table), the side tables (``users`` and ``movies``
        for MovieLens, ``item_context`` for Open Bandit, ``attribute_labels``
        and ``cost_matrix`` for German Credit), ``DESCR`` (the data card),
        ``source`` (``"real"`` or ``"simulated"``), ``citation`` and
        ``name``. A twin also has ``ground_truth`` and ``seed``.

    Examples
    --------
    >>> twin = load("cdnow", fallback="simulate", home="/nonexistent", offline=True)
    ... # doctest: +ELLIPSIS
    Using the simulated twin of CDNOW master transactions: cdnow is not in the cache ...
    >>> twin.source, list(twin.frame.columns)
    ('simulated', ['customer_id', 'date', 'quantity', 'amount'])
    """
    dataset = get_dataset(name)
    if fallback not in FALLBACKS:
        raise ValueError(f"fallback must be None or 'simulate', got {fallback!r}")
    options = _check_options(name, options)
    if name == "open-bandit" and options["policy"] not in OPEN_BANDIT_POLICIES:
        raise ValueError(f"policy must be 'random' or 'bts', got {options['policy']!r}")
    try:
        folder = fetch(dataset, home, offline=offline)
    except DataUnavailableError as error:
        if fallback is None:
            raise
        # The error's first clause says why; the rest (what to do) is for
        # the caller who asked for the real data only.
        reason = " ".join(str(error).split()).split(". ")[0].split("; ")[0].rstrip(".")
        print(f"Using the simulated twin of {dataset.title}: {reason}.")
        from smartmkt_helpers.simulate import simulate  # the twins need the schemas here

        return simulate(name, **options)
    tables = READERS[name](Path(folder), **options)
    return Bunch(
        **tables,
        DESCR=real_data_card(name),
        source="real",
        citation=dataset.citation,
        name=name,
        **options,
    )
