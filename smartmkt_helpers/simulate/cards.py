"""Data cards of the simulated twins, and the files in ``data/twins``.

A data card says what a twin mirrors, how it is generated, what its columns
and ground truth are, how it differs from the real data and what it is
for. :func:`data_card` builds the card from the texts below and from the
schema, so the column list never drifts from the data; ``python -m
smartmkt_helpers.simulate --write-cards data/twins`` writes every card and
an index, and a test checks that the files equal :func:`data_card`.

Examples
--------
>>> print(data_card("cdnow").splitlines()[0])
# Simulated twin: CDNOW master transactions
>>> "| `amount` | float64 |" in data_card("cdnow")
True
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from pandas.api.types import CategoricalDtype

from smartmkt_helpers.data.schema import SCHEMAS

#: Columns in a run of at least this many with one dtype are listed on one line.
GROUP_RUN = 5
#: At most this many categories are spelled out in a dtype.
MAX_LISTED_CATEGORIES = 8
INDEX_FILE = "README.md"

SHOP_PARAGRAPH = (
    "The customers come from `Shop(seed)`, the course's simulated shop: each belongs to one of five "
    "segments (loyal regulars, bargain hunters, occasional gift buyers, window shoppers, new or "
    "at-risk), which set the means of their purchase rate (gamma, heavy-tailed), price sensitivity, "
    "e-mail responsiveness, weekly churn hazard, spend level and category preferences (Dirichlet). "
    "Customers are drawn attribute by attribute from independent random streams, so customer 17 of "
    "a seed is the same person in every twin and every shop size."
)

REPRODUCIBILITY = (
    "Everything is a deterministic function of `seed` and the options: each part of each twin draws "
    "from its own random stream (`numpy.random.SeedSequence([seed, hash of the stream's name])`), so "
    "adding a twin, or a draw to one twin, never changes another (the twins built on the shop change "
    "together only when the shop itself changes). The same seed gives identical tables on "
    "every machine with the same versions of NumPy and pandas. The numbers quoted in this card are "
    "typical values at the default size; they vary a little from seed to seed."
)

CARDS: dict[str, dict[str, object]] = {
    "movielens-100k": {
        "title": "MovieLens 100K",
        "mirrors": "MovieLens 100K (Harper & Konstan, 2015): 100,000 ratings by 943 users of 1,682 movies.",
        "size": "100,000 ratings by 943 users of 1,682 movies (exactly `num_ratings`, `num_users`, `num_items`).",
        "model": """\
**Users.** The users are the first shop customers who join the rating site (a man joins with
probability 1, a woman with probability 0.32, so about 70 % are men, as in MovieLens). Their age
is the shop age minus four (clipped to 7-73), their occupation is drawn from MovieLens-like shares
(students more likely under 24, retirees over 60), and the zip code is a random 5-digit string.

**Movies.** Each movie has genre flags (independent draws with MovieLens-like shares, at least one
genre), a release year (72 % in 1993-1998, the rest spread back to 1922) and a title
`"Item <id> (<year>)"`. The IMDb URL is empty.

**Ratings.** With `K = 8` latent factors, a genre matrix `G` (19 x K), segment means and noise,

- item factors `q_i = (genres_i G) / sqrt(number of genres_i) + e_i`, item bias `b_i ~ N(0, 0.7^2)`;
- user factors `p_u = m_segment(u) + e_u`, user bias `b_u ~ N(0, 0.6^2)`;
- true score `s_ui = b_u + b_i + p_u . q_i`;
- rating from an ordered logit: `P(rating <= r) = sigmoid(c_r - s_ui)`, cut points
  `c = (-2.45, -0.95, 0.85, 3.0)`; the expected rating is `1 + sum_r sigmoid(s_ui - c_r)`.

**Who rates what.** A user rates `20 + ...` movies: 20 each, the rest shared out in proportion to
a heavy-tailed activity (the shop purchase rate to the power 0.8, times log-normal noise), capped
at half the catalogue. The movies are drawn without replacement (Gumbel top-k) with log-weight
`log(popularity_i) + 0.6 s_ui`: popularity is a Zipf-Mandelbrot law (exponent 1.1, offset 15)
over ranks that follow the item bias, and users see more of what they like (missing not at random).
Ratings are timed from a user start date between 1997-09-20 and 1998-04-22 plus a log-normal spread,
so many users rate most of their movies in a day or two.""",
        "ground_truth": [
            ("rows", "per rating (aligned with `frame`): `score` (true `s_ui`) and `expected_rating`"),
            ("user_parameters", "`user_id`, `shop_customer_id`, true `segment`, `bias`"),
            ("item_parameters", "`item_id`, `bias`, `popularity` (selection weight, sums to 1)"),
            ("user_factors, item_factors", "latent factors (DataFrames indexed by `user_id` / `item_id`)"),
            ("genre_preferences", "users x 19 genres: each user's affinity `p_u . G_g` for each genre"),
            ("expected_ratings", "array users x items of expected ratings (row `user_id - 1`, column `item_id - 1`)"),
            ("cut_points, global_mean", "the ordered-logit cut points and the (zero) global offset"),
        ],
        "differences": [
            "Titles, dates and zip codes are placeholders; there are no real movies, and `imdb_url` is empty.",
            "Rating times do not respect release dates, and the weekly rhythm of the real site is absent.",
            "The long tail is a little heavier at the top (the top 10 % of movies get about 48 % of ratings, "
            "42.7 % in the real data); a movie can end up with no rating at small sizes.",
            "The rating distribution (mean about 3.53) is calibrated to the real one but comes from one "
            "ordered-logit model, without user-specific rating scales.",
        ],
        "use": [
            "Collaborative filtering and deep recommenders with a known answer: compare learnt factors, "
            "ranking metrics against `expected_ratings`, and the effect of missing-not-at-random selection.",
            "Recovering segments or genre preferences from ratings.",
        ],
        "tables": {},
    },
    "hillstrom": {
        "title": "MineThatData e-mail campaign (Hillstrom)",
        "mirrors": "Hillstrom's MineThatData E-Mail Analytics and Data Mining Challenge (2008): "
                   "64,000 customers randomised to a men's e-mail, a women's e-mail or no e-mail.",
        "size": "64,000 customers (`num_customers`), split into three equal random arms.",
        "model": """\
**Customers.** The customers are the shop's customers who bought in the past twelve months: a
customer with purchase rate `r` per week is kept with probability `1 - exp(-52 r)`. The campaign
happens at the end of the shop's half-year. Their features summarise that history:

- `recency`: months since the last purchase, from a truncated exponential with rate `r`, counted
  from the churn date for customers who have churned;
- `history`: the value of `1 + Poisson(r x weeks)` baskets (gamma, mean 85 x spend level), at least
  $29.99, and its band `history_segment`;
- `mens` / `womens`: the line bought, by the customer's preference for men's or women's apparel;
  both for some repeat buyers; `newbie`: signed up within the last year; `zip_code` and `channel`
  from the shop's region and channel.

**Outcomes.** Arms are a random permutation of equal thirds. With `h = log(history / 150)`,
responsiveness `e`, and segment terms,

- `logit P(visit | no e-mail) = -2.36 + 0.25 h - 0.06 (recency - 6) + 1.5 (e - 0.25) - 0.8 churned
  + 0.2 multichannel + segment`;
- an e-mail adds `f x (base_arm + 0.45 x [bought that line] + 2.0 (e - 0.25) + segment_arm)`
  to that logit, with `base = 0.17` (men's) or `-0.15` (women's) and `f = 0.3` for churned
  customers, 1 otherwise: effects differ from customer to customer and can be negative;
- `logit P(buy | visit) = -2.72 + 0.3 h - 0.3 price sensitivity + (0.22 men's, 0.05 women's)`;
- spend given a purchase: log-normal with median 80 x spend level, clipped to $29.99-$499.

Visit rates come out near 10.8 % / 15.3 % / 18.4 % (no / women's / men's e-mail; real: 10.6 / 15.1 /
18.3) and conversion near 0.6 % / 0.9 % / 1.2 % (real: 0.57 / 0.88 / 1.25).""",
        "ground_truth": [
            ("rows", "per customer (aligned with `frame`): `customer_id` (shop), `customer_segment` (true "
                     "shop segment), `arm`, `p_visit_<arm>` and `p_conversion_<arm>` for arm in mens, womens, "
                     "none; `uplift_visit_mens`, `uplift_visit_womens`, `uplift_conversion_mens`, "
                     "`uplift_conversion_womens` (each e-mail versus none); `expected_spend` given a purchase; "
                     "`churned`; `email_responsiveness`"),
            ("coefficients", "a Series of the model's constants"),
        ],
        "differences": [
            "Recency is smooth; the real data has bumps (many customers at 1, 9 and 10 months).",
            "The spend history is somewhat more heavy-tailed than the real one (max several thousand dollars).",
            "Arms are exactly equal thirds (the real test has 21,307 / 21,387 / 21,306 customers).",
        ],
        "use": [
            "Uplift modelling with known individual effects: evaluate Qini / uplift curves against the true "
            "uplift, and targeting policies against their true value.",
            "Heterogeneous treatment effects: about a fifth (men's e-mail) to a third (women's) of the customers "
            "are 'sleeping dogs' with a negative uplift, mostly new or at-risk customers and occasional gift "
            "buyers, whose e-mail responsiveness is low.",
        ],
        "tables": {},
    },
    "open-bandit": {
        "title": "Open Bandit Dataset (10,000-row samples)",
        "mirrors": "Open Bandit Dataset (Saito et al., 2021), the 10,000-row samples of the 'all' campaign "
                   "logged by a uniform-random policy and by Bernoulli Thompson sampling.",
        "size": "10,000 logged slots (`num_rows`), 80 items, 3 positions, 7 days from 2019-11-24 (UTC).",
        "model": """\
**Contexts.** Each row is one slot (position 1-3, uniform) of a recommendation shown at a time
drawn over seven days with a daily rhythm. The user has four hashed features (32-hex tokens, with
3, 5, 8 and 8 values and skewed shares like the real ones) and 80 user-item affinities, almost all
zero (Poisson counts, about 0.07 % non-zero, at most 3). Items have a standardised price
`item_feature_0` and three hashed category features (12, 21 and 7 values).

**Clicks.** For item `i` at position `k` in context `x`,
`logit P(click) = -5.7 + a_i + d_k + sum_f w_f(x_f) + u(x) . v_i + 0.8 affinity_i(x)`, with item
effects `a_i ~ N(0, 0.4^2)`, position effects `d = (0, -0.05, -0.2)`, user-feature effects
`w ~ N(0, 0.25^2)`, and 3-dimensional factors `u(x)` (the sum of the features' factors) and
`v_i ~ N(0, 0.6^2)`; the user-feature effects and factors are centred on the average user. The
click rate is about 0.4 % under the random policy.

**Logging policies.**
- `policy="random"`: each item with probability 1/80 (`propensity_score = 0.0125`).
- `policy="bts"`: Bernoulli Thompson sampling. Each item has a Beta posterior, started from 1,000
  simulated impressions of an earlier period and updated with the day's clicks at the end of each
  day. The probability that item `i` is shown at position `k` is the probability that it ranks
  `k`-th among the 80 posterior draws, estimated from 5,000 draws per day; the logged item is drawn
  from exactly these probabilities, so `propensity_score` is the true propensity of the policy that
  made the log (spread from about 0.0002 to 0.3-0.7, median about 0.06, as in the real log).""",
        "ground_truth": [
            ("rows", "per row: `p_click` of the logged item, `best_item` and `p_click_best` in the logged "
                     "context and position"),
            ("p_click_all", "array rows x 80: the click probability of every item in the logged context and "
                            "position (so the value of any policy is known)"),
            ("action_probabilities", "array rows x 80: the logging policy's probability of each item at the "
                                     "logged position"),
            ("item_effects, position_effects, user_feature_effects, item_factors, user_feature_factors, "
             "affinity_effect, intercept", "the click model's parameters"),
            ("posteriors", "`bts` only: the Beta parameters of every item at the start of every day"),
        ],
        "differences": [
            "The hashed values are made up; they do not match the real tokens.",
            "Positions are drawn independently for each row rather than as three slots of one recommendation.",
            "The Thompson-sampling log clicks a little more than the real one (about 0.6 % against 0.42 %), "
            "because the simulated posteriors learn the simulated click rates.",
        ],
        "use": [
            "Off-policy evaluation (IPW, doubly robust, ...) with the true value of every evaluation policy: "
            "`(p_click_all * policy_probabilities).sum(axis=1).mean()`.",
            "Contextual bandits and counterfactual learning, with regret measurable against `best_item`.",
        ],
        "tables": {},
    },
    "german-credit": {
        "title": "Statlog (German Credit Data)",
        "mirrors": "Statlog German Credit (Hofmann, 1994): 1,000 applicants, 20 attributes, 30 % bad risks, "
                   "cost matrix in german.doc.",
        "size": "1,000 applicants (`num_applicants`).",
        "model": """\
**Attributes.** A latent financial standing `z ~ N(0, 1)` tilts the qualitative attributes: the
probability of code `c` is proportional to `share_c x exp(tilt_c z)`, with shares close to the real
ones (for example checking account A11-A14: 27 / 27 / 6 / 39 %). Duration is gamma (mean 21 months,
4-72), the credit amount is log-linear in the duration (`log amount = 5.95 + 0.65 log duration +
N(0, 0.7^2)`, 250-18,424 DM), age is `19 + gamma` (mean 35), and the small integer attributes use
the real shares.

**Default.** `risk` is `"bad"` with probability `sigmoid(1.65 + sum_j beta_j x_j)`, where `x` is
`design_matrix(frame)`: one indicator per non-reference code (the first code of each attribute is
the reference) and `duration_months`, `log(credit_amount / 2500)`, `installment_rate - 3`,
`residence_since`, `age - 35`, `existing_credits`, `num_dependents`. The coefficients have the signs
a logistic regression finds on the real data (for example no checking account -1.7, critical credit
history -1.4, duration +0.03 per month, foreign worker "no" -1.2). The default rate is about 30 %,
and the true probability ranks applicants with an AUC of about 0.8. The latent standing acts on the
default only through the attributes, so a logistic regression on the design matrix is well specified.""",
        "ground_truth": [
            ("rows", "per applicant: `p_default`, `logit`, `financial_standing` (the latent `z`)"),
            ("design", "the features of the true model (`design_matrix(frame)`)"),
            ("coefficients", "a Series named like the design's columns, plus `intercept`"),
        ],
        "differences": [
            "The attributes' dependence comes from one latent factor; the real dependence is richer.",
            "The bad-risk share varies around 30 % with the seed (the real data has exactly 300 of 1,000).",
        ],
        "use": [
            "Credit scoring with the cost matrix (5 for a bad risk classed good, 1 for the reverse): compare "
            "decisions made with estimated and with true probabilities.",
            "Coefficient recovery, calibration and fairness checks (age, sex and foreign-worker attributes).",
        ],
        "tables": {
            "attribute_labels": [("attribute", "str"), ("code", "str"), ("label", "str")],
            "cost_matrix": [("(index) true: good, bad", "str"), ("good", "int64"), ("bad", "int64")],
        },
        "table_notes": {
            "attribute_labels": "The label of every attribute code, as worded in `german.doc` "
                                "(`GERMAN_CREDIT_LABELS` in `smartmkt_helpers.data.schema`).",
            "cost_matrix": "Rows the true class, columns the predicted one (`GERMAN_CREDIT_COSTS`).",
        },
    },
    "cdnow": {
        "title": "CDNOW master transactions",
        "mirrors": "CDNOW master file (Fader & Hardie, 2001): 69,659 purchases by 23,570 customers acquired "
                   "in the first quarter of 1997, January 1997 to June 1998.",
        "size": "23,570 customers (`num_customers`) and about 70,000 purchases.",
        "model": """\
**Buy till you die (Pareto/NBD-like).** Customer `c` is shop customer `c`. They are acquired by a
first purchase on a day of January to March 1997 (in the real monthly shares). While alive they buy
as a Poisson process with rate `lambda_c = 1.4 x` their shop purchase rate (per week; the shop's
gamma mixture by segment makes the rates heavy-tailed), and they die after an exponential lifetime
with weekly hazard `1.5 x` their shop churn hazard. Purchases after 1998-06-30 are not observed.

**Baskets.** The number of CDs is geometric with a success probability drawn per customer from
Beta(4, 4) (mean about 2.3 CDs, half the purchases are one CD). The amount is the number of CDs
times a unit price, log-normal per customer (median 15 x sqrt(spend level)) and per purchase
(log-sd 0.25), so amounts are heavy-tailed (mean about $38, median about $24).

About half the customers never buy again (real: 51 %), and customers make about 3 purchases each.""",
        "ground_truth": [
            ("customers", "per customer: `customer_id`, `shop_customer_id`, true `segment`, `acquisition_date`, "
                          "`purchase_rate` (per week), `weekly_churn`, `dropout_date`, `alive_at_end` (alive on "
                          "1998-06-30), `mean_quantity`, `mean_amount` (expected amount per purchase)"),
            ("parameters", "the model's constants"),
        ],
        "differences": [
            "No zero-dollar purchases (0.1 % of real rows) and no calendar seasonality (December, for example).",
            "Amounts are slightly more dispersed than the real ones.",
        ],
        "use": [
            "RFM segmentation and customer lifetime value with known segments, rates and dropouts: test "
            "BG/NBD or Pareto/NBD estimates of `P(alive)` and future purchases against the truth.",
        ],
        "tables": {},
    },
    "assistments-2009": {
        "title": "ASSISTments 2009-2010 skill builder",
        "mirrors": "ASSISTments 2009-2010 skill-builder data (Feng, Heffernan & Koedinger, 2009), in the "
                   "train/test split used in knowledge-tracing papers.",
        "size": "4,151 students (`num_students`; 2,921 train, 1,230 test), 110 skills (`num_skills`), about "
                "310,000 answers.",
        "model": """\
**Sequences.** A student answers `L` questions, `L` log-normal (median 23, clipped to 1-1,261), so
a few students answer hundreds. At each answer they move to another skill with probability 0.15;
skills are picked by a log-normal popularity, so some skills are practised thousands of times and
others rarely. `step` counts a student's answers from 0; students are numbered from 0, the training
students first (`train_share`).

**Bayesian knowledge tracing.** Each skill has `prior ~ Beta(1.5, 2.5)`, `learn ~ Beta(1.2, 15)`,
`guess ~ Beta(5, 10)` (at most 0.45) and `slip ~ Beta(2, 10)`. A student's ability `a ~ N(0, 0.8^2)`
shifts the logits of prior and learn. Before the first opportunity the student knows the skill
with probability prior; after each opportunity an unknown skill is learnt with probability learn,
and is never forgotten. An answer is right with probability `1 - slip` if the skill is known and
`guess` if not. Correctness is about 65 %, and rises with practice.""",
        "ground_truth": [
            ("rows", "per answer: `mastered` (the true state before the answer), `p_mastered` "
                     "(`1 - (1 - prior)(1 - learn)^opportunity` for that student), `p_correct`, `opportunity` "
                     "(earlier answers of the student on the skill)"),
            ("skills", "per skill: `skill_id`, `prior`, `learn`, `guess`, `slip`"),
            ("students", "per student: `student_id`, `split`, `ability`"),
        ],
        "differences": [
            "Students do not stop a skill after three right answers in a row, as ASSISTments' skill builders "
            "require; runs end at random.",
            "One skill per answer; the real data has multi-skill questions that make skills alternate.",
        ],
        "use": [
            "Knowledge tracing (BKT, DKT, attention models) with the true knowledge state: compare predicted "
            "mastery with `mastered` and recovered BKT parameters with `skills`.",
        ],
        "tables": {},
    },
    "ad-impressions": {
        "title": "Ad impressions (Criteo-like, course-made)",
        "mirrors": "No real dataset in the course: shaped like the Criteo display-advertising logs "
                   "(counts I1-I13, hashed categories C1-C26), which may not be redistributed.",
        "size": "100,000 impressions (`num_rows`).",
        "model": """\
**Features.** `I1..I5` are negative-binomial counts (means 3, 20, 150, 1, 8; dispersion 0.5) with
0 / 5 / 20 / 40 / 10 % missing. `C1..C10` are hashed 8-hex-digit tokens with 3, 7, 12, 25, 60, 120,
250, 500, 800 and 1,000 values whose frequencies follow a Zipf law (exponent 1.1) over shuffled
ranks. `hour` follows a daily rhythm that peaks in the evening.

**Clicks.** `logit = -4.1 + sum_j w_j(C_j) + sum_k beta_k log1p(I_k) + s sum_(a,b) <v_a(C_a), v_b(C_b)>`:

- token weights `w_j ~ N(0, sd_j^2)`, `sd = (0.8, 0.6, 0.5, 0.4, 0.3, 0.25, 0.2, 0.15, 0.1, 0.1)`,
  centred on the average impression of each column;
- numeric coefficients `beta = (0.30, -0.20, 0.15, 0.35, -0.25)`; a missing count contributes 0;
- factorisation-machine interactions between (C1, C4), (C2, C7) and (C3, C9), with 4-dimensional
  token vectors `v ~ N(0, 0.34^2)` and scale `s = interaction_scale` (default 1: the interactions'
  standard deviation is about 0.4; 0 makes the world exactly logistic-linear).

The click rate is about 3-4 %.

**Market price.** The highest competing bid (CPM, currency per 1,000 impressions) is log-normal:
`exp(0.3 + 0.5 (logit + 4.1)) x LogNormal(0, 0.6^2)`, so rivals bid more where clicks are likelier.""",
        "ground_truth": [
            ("rows", "per impression: `p_click`, `logit` and its parts `bias`, `token_part`, `numeric_part`, "
                     "`interaction_part`"),
            ("token_weights", "per column C1..C10, a Series token -> weight"),
            ("numeric_coefficients", "a Series I1..I5 -> coefficient of `log1p(count)`"),
            ("bias, interaction_pairs, token_factors, interaction_scale", "the rest of the click model"),
            ("market_price_model", "the constants of the market-price model"),
        ],
        "differences": [
            "Far fewer columns than Criteo (5 counts and 10 categories instead of 13 and 26), no time order.",
        ],
        "use": [
            "Click-through-rate prediction: logistic regression, factorisation machines and deep CTR models "
            "against the true `p_click`; with `interaction_scale=0` a logistic regression is the true model.",
            "Bidding and auctions: value an impression by its true click probability and compare bids with "
            "`market_price`.",
        ],
        "tables": {},
    },
    "card-transactions": {
        "title": "Card transactions (course-made)",
        "mirrors": "No real dataset: a course-made log of card payments by the shop's customers, with frauds.",
        "size": "about 100,000 transactions of 10,000 card holders (`num_customers`) over the shop's "
                "half-year (2024-01-01 to 2024-06-30).",
        "model": """\
**Normal spending.** Card holder `c` is shop customer `c` and pays while active (from sign-up to
churn) at `0.59 x sqrt(session rate / mean) x Gamma(1.5, 1/1.5)` payments per week. Each customer
has a profile: a merchant-category mix (base shares tilted by the shop preferences: apparel,
electronics, home, health & beauty...), a median basket (35 x spend level, log-normal), an online
share set by the shop channel (digital goods are always online), a usual hour (N(13, 3), clipped to
7-21; a payment's hour is N(usual, 3)), a home radius (urban 3 km, suburban 6, rural 15) and a
travel share (Beta, mean 1.5 %). An in-store payment lies log-normally around the home radius; a
travel payment about 800 km away, abroad 70 % of the time; online payments are located near home.
Amounts are log-normal around the basket times a category factor (travel x5, electronics x3,
digital goods x0.3).

**Frauds** (about 0.3 % of payments):

- card testing (0.35 % of customers): a burst of 3-12 payments of $0.50-$5 on digital goods,
  online, about 90 s apart, from about 3,000 km away (abroad 60 % of the time);
- account takeover (0.25 % of customers): 1-4 payments of 5-20 times the usual basket on
  electronics, travel or apparel, between midnight and 5 am, about 3,000 km away (abroad 85 %).""",
        "ground_truth": [
            ("rows", "per transaction: `fraud_pattern` (none, card testing, account takeover) and "
                     "`incident_id` (-1 for legitimate payments)"),
            ("customers", "each card holder's normal profile: `customer_id`, `segment`, "
                          "`transactions_per_week`, `median_basket`, `online_share`, `usual_hour`, "
                          "`home_radius_km`, `travel_share`, `share_<merchant category>` and `compromised_by`"),
        ],
        "differences": [
            "Fraud patterns are stylised and only two; real fraud adapts to the detector.",
        ],
        "use": [
            "Anomaly and fraud detection under heavy class imbalance; per-customer behavioural features "
            "(deviation from the profile) against global ones; evaluation by pattern.",
        ],
        "tables": {},
    },
}


def _dtype_text(dtype: object) -> str:
    if isinstance(dtype, CategoricalDtype):
        categories = [str(category) for category in dtype.categories]
        listed = ", ".join(categories[:MAX_LISTED_CATEGORIES])
        more = f", ... ({len(categories)} values)" if len(categories) > MAX_LISTED_CATEGORIES else ""
        kind = "ordered category" if dtype.ordered else "category"
        return f"{kind}: {listed}{more}"
    return str(dtype)


def _numbered(names: Iterable[str]) -> bool:
    """Whether the names are one prefix followed by consecutive integers."""
    matches = [re.fullmatch(r"(.*?)(\d+)", name) for name in names]
    if not all(matches):
        return False
    numbers = [int(match.group(2)) for match in matches]
    same_prefix = len({match.group(1) for match in matches}) == 1
    return same_prefix and numbers == list(range(numbers[0], numbers[0] + len(numbers)))


def _column_rows(columns: list[tuple[str, str]]) -> list[str]:
    """Markdown rows; a run of GROUP_RUN or more columns of one dtype shares a row."""
    rows = []
    start = 0
    while start < len(columns):
        end = start
        while end + 1 < len(columns) and columns[end + 1][1] == columns[start][1]:
            end += 1
        run = columns[start:end + 1]
        if len(run) >= GROUP_RUN and _numbered(name for name, _ in run):
            rows.append(f"| `{run[0][0]}` ... `{run[-1][0]}` ({len(run)} columns) | {run[0][1]} |")
        elif len(run) >= GROUP_RUN:
            rows.append(f"| {', '.join(f'`{name}`' for name, _ in run)} | {run[0][1]} |")
        else:
            rows.extend(f"| `{name}` | {dtype} |" for name, dtype in run)
        start = end + 1
    return rows


def _table_section(name: str) -> list[str]:
    card = CARDS[name]
    lines = ["## Columns", ""]
    for part, columns in SCHEMAS[name].items():
        lines += [f"### `{part}`", "", "| column | dtype |", "|---|---|"]
        lines += _column_rows([(column, _dtype_text(dtype)) for column, dtype in columns.items()])
        lines.append("")
    for part, columns in card["tables"].items():
        lines += [f"### `{part}`", "", card["table_notes"][part], "", "| column | dtype |", "|---|---|"]
        lines += [f"| `{column}` | {dtype} |" for column, dtype in columns]
        lines.append("")
    return lines


def data_card(name: str) -> str:
    """The markdown data card of twin ``name``.

    Examples
    --------
    >>> "## Ground truth" in data_card("hillstrom")
    True
    >>> data_card("iris")
    Traceback (most recent call last):
    ...
    ValueError: no data card for 'iris'; the twins are: movielens-100k, hillstrom, open-bandit, german-credit, cdnow, assistments-2009, ad-impressions, card-transactions
    """
    from smartmkt_helpers.simulate import twin_options  # the twins import this module

    if name not in CARDS:
        raise ValueError(f"no data card for {name!r}; the twins are: {', '.join(CARDS)}")
    card = CARDS[name]
    options = twin_options(name)
    option_text = ", ".join(f"`{key}={value!r}`" for key, value in options.items())
    lines = [
        f"# Simulated twin: {card['title']}",
        "",
        "A simulated twin with the columns and dtypes of the real dataset, generated by a known model "
        "whose ground truth comes with it. No real record is copied.",
        "",
        "| | |",
        "|---|---|",
        f"| Name | `{name}` |",
        f"| Mirrors | {card['mirrors']} |",
        f"| Generate | `simulate(\"{name}\", seed=0, ...)` from `smartmkt_helpers.simulate` |",
        f"| Options (defaults) | {option_text} |",
        f"| Default size | {card['size']} |",
        "| Seed | any non-negative integer; 0 by default |",
        "| Citation | Simulated twin generated by smartmkt_helpers.simulate (seed=...) |",
        "",
        "## Generative model",
        "",
    ]
    if name in ("hillstrom", "cdnow", "movielens-100k", "card-transactions"):
        lines += [SHOP_PARAGRAPH, ""]
    lines += [card["model"], ""]
    lines += _table_section(name)
    lines += ["## Ground truth", "", "In `twin.ground_truth`, never in the tables:", ""]
    lines += [
        f"- {', '.join(f'`{field}`' for field in fields.split(', '))}: {text}"
        for fields, text in card["ground_truth"]
    ]
    lines += ["", "## Known differences from the real data", ""]
    lines += [f"- {text}" for text in card["differences"]]
    lines += ["", "## Intended use", ""]
    lines += [f"- {text}" for text in card["use"]]
    lines += ["", "## Reproducibility", "", REPRODUCIBILITY, ""]
    return "\n".join(lines)


def cards_index() -> str:
    """The markdown index of the data cards (``data/twins/README.md``)."""
    lines = [
        "# Simulated twins: data cards",
        "",
        "Every dataset of the course has a simulated twin with the same columns and dtypes, made from a "
        "seed by one generative model of a shop and its customers, and returned with its ground truth. "
        "These cards are generated by `python -m smartmkt_helpers.simulate --write-cards data/twins`; "
        "do not edit them by hand (a test checks that they match the code).",
        "",
        "| twin | mirrors | default size |",
        "|---|---|---|",
    ]
    lines += [f"| [{name}]({name}.md) | {card['title']} | {card['size']} |" for name, card in CARDS.items()]
    lines += [
        "",
        "```python",
        "from smartmkt_helpers.simulate import simulate",
        "twin = simulate(\"hillstrom\", seed=0)",
        "twin.frame, twin.ground_truth, print(twin.DESCR)",
        "```",
        "",
    ]
    return "\n".join(lines)


def write_cards(folder: str | Path) -> list[Path]:
    """Write every data card, and the index, into ``folder``; return the paths written."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name in CARDS:
        path = folder / f"{name}.md"
        path.write_text(data_card(name), encoding="utf-8")
        written.append(path)
    index = folder / INDEX_FILE
    index.write_text(cards_index(), encoding="utf-8")
    return written + [index]
