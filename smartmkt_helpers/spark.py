"""Apache Spark in local mode: a quiet offline session, RFM and ALS top-k lists.

Chapter 13 writes these steps in its cells; this tested copy serves
``benchmarks/run_spark.py``. Spark needs Java 17 or newer; ``pyspark`` is
imported only inside the functions that need it.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from typing import Any

import pandas as pd

from smartmkt_helpers._checks import positive_int

__all__ = ["JAVA_MIN_VERSION", "als_top_k", "java_install_hint", "java_version", "local_session",
           "rfm_features_spark", "start_quietly"]

#: Spark 4 runs on Java 17 or newer.
JAVA_MIN_VERSION = 17
SECONDS_PER_DAY = 86_400


def java_version() -> int | None:
    """Major version of the ``java`` Spark would start (``JAVA_HOME`` first, then ``PATH``), or None."""
    home = os.environ.get("JAVA_HOME")
    java = os.path.join(home, "bin", "java") if home else shutil.which("java")
    if not java or not os.path.exists(java):
        return None
    try:
        result = subprocess.run([java, "-version"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None
    match = re.search(r'version "(\d+)(?:\.(\d+))?', result.stderr + result.stdout)
    if not match:
        return None
    major = int(match.group(1))
    return int(match.group(2)) if major == 1 and match.group(2) else major  # "1.8" is Java 8


def java_install_hint() -> str:
    """One line: the Java Spark needs, and how to install it."""
    return (f"Java {JAVA_MIN_VERSION} or newer is needed for Spark: Debian/Ubuntu "
            "`sudo apt-get install openjdk-17-jre-headless`, macOS `brew install openjdk@17`, "
            "conda `conda install -c conda-forge openjdk=17`.")


def local_session(cores: int = 2, app_name: str = "smartmkt", shuffle_partitions: int = 4,
                  driver_memory: str | None = None, **config: Any):
    """A SparkSession in local mode: offline, no web UI, UTC, only errors logged.

    ``shuffle_partitions`` replaces Spark's 200 (meant for clusters);
    ``driver_memory`` is the JVM heap ("4g"); ``**config`` are further Spark
    settings (``**{"spark.sql.adaptive.enabled": "false"}``).
    """
    cores = positive_int(cores, "cores")
    shuffle_partitions = positive_int(shuffle_partitions, "shuffle_partitions")
    if java_version() is None:
        raise RuntimeError(java_install_hint())
    from pyspark.sql import SparkSession

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)  # workers: this Python
    builder = (SparkSession.builder.master(f"local[{cores}]").appName(app_name)
               .config("spark.ui.enabled", "false")
               .config("spark.driver.host", "127.0.0.1")
               .config("spark.driver.bindAddress", "127.0.0.1")
               .config("spark.sql.shuffle.partitions", str(shuffle_partitions))
               .config("spark.sql.session.timeZone", "UTC")
               .config("spark.ui.showConsoleProgress", "false")
               .config("spark.sql.execution.arrow.pyspark.enabled", "false"))
    if driver_memory:
        builder = builder.config("spark.driver.memory", driver_memory)
    for key, value in config.items():
        builder = builder.config(key, str(value))
    return start_quietly(builder)


def start_quietly(builder, log_path: str | os.PathLike | None = None):
    """``builder.getOrCreate()`` with the Java process's stdout and stderr in ``log_path`` (default: discarded).

    Otherwise Jupyter shows Spark's start-up notes in the cell; errors still
    reach Python as exceptions.
    """
    for stream in (sys.stdout, sys.stderr):
        stream.flush()
    with open(log_path or os.devnull, "ab") as log:
        saved = [os.dup(1), os.dup(2)]
        try:
            os.dup2(log.fileno(), 1)
            os.dup2(log.fileno(), 2)
            session = builder.getOrCreate()
        finally:
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            for descriptor in saved:
                os.close(descriptor)
    session.sparkContext.setLogLevel("ERROR")
    return session


def rfm_features_spark(transactions, col_customer: str = "customer_id", col_date: str = "date",
                       col_amount: str = "amount", col_quantity: str | None = None, as_of: Any = None):
    """RFM features of a Spark DataFrame: the columns of ``features.rfm_features``, customer as a column.

    Amounts are summed as exact decimals, so the two agree to the last bit;
    dates are read in the session's time zone.
    """
    from pyspark.sql import functions as F

    missing = [c for c in (col_customer, col_date, col_amount, col_quantity)
               if c and c not in transactions.columns]
    if missing:
        raise ValueError(f"transactions is missing the column(s) {', '.join(missing)}")
    seconds = F.unix_timestamp(F.to_timestamp(F.col(col_date)))  # in the session's time zone
    if as_of is None:
        last = transactions.select(F.max(seconds)).first()[0]
        if last is None:
            raise ValueError("transactions is empty: it has no rows")
        as_of_seconds = int(last) + SECONDS_PER_DAY
    else:
        timestamp = pd.Timestamp(as_of)
        timestamp = timestamp.tz_localize("UTC") if timestamp.tzinfo is None else timestamp
        as_of_seconds = int(timestamp.timestamp())
    aggregations = [F.max(seconds).alias("last"), F.min(seconds).alias("first"),
                    F.count(F.lit(1)).cast("double").alias("frequency"),
                    F.sum(F.col(col_amount).cast("decimal(18,2)")).cast("double").alias("total_amount")]
    if col_quantity:
        aggregations.append(F.avg(F.col(col_quantity).cast("double")).alias("mean_quantity"))
    table = transactions.where(seconds < as_of_seconds).groupBy(col_customer).agg(*aggregations)

    def days_before_as_of(column: str):
        return (F.lit(as_of_seconds) - F.col(column)) / float(SECONDS_PER_DAY)

    columns = [
        F.col(col_customer),
        days_before_as_of("last").alias("recency_days"),
        F.col("frequency"),
        (F.col("total_amount") / F.col("frequency")).alias("monetary"),
        F.col("total_amount"),
        days_before_as_of("first").alias("tenure_days"),
        (F.col("frequency") / F.greatest(days_before_as_of("first"), F.lit(1.0)) * 30)
        .alias("purchases_per_month"),
    ]
    if col_quantity:
        columns.append(F.col("mean_quantity"))
    return table.select(*columns).orderBy(col_customer)


def als_top_k(model, train, k: int = 10, col_user: str = "user_id", col_item: str = "item_id"):
    """Each user's top ``k`` items from a fitted Spark ALS model, training items removed.

    Asks ``recommendForAllUsers`` for ``k`` plus the most items any user has seen,
    then drops seen items; rows of user, item and ``prediction``.
    """
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    k = positive_int(k, "k")
    most_seen = train.groupBy(col_user).count().agg(F.max("count")).first()[0]
    ranked = (model.recommendForAllUsers(k + int(most_seen))
              .select(col_user, F.explode("recommendations").alias("r"))
              .select(col_user, F.col(f"r.{col_item}").alias(col_item),
                      F.col("r.rating").alias("prediction")))
    unseen = ranked.join(train.select(col_user, col_item), [col_user, col_item], "left_anti")
    order = Window.partitionBy(col_user).orderBy(F.desc("prediction"), F.asc(col_item))
    return (unseen.withColumn("rank", F.row_number().over(order)) .where(F.col("rank") <= k).drop("rank"))
