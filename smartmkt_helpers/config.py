"""Constants the whole course shares, in one place."""

#: Keras backend used when the learner has not chosen one with KERAS_BACKEND.
DEFAULT_KERAS_BACKEND = "jax"

#: JAX's on-disk cache of compiled programs (``JAX_COMPILATION_CACHE_DIR``
#: overrides it; set it to an empty string to turn the cache off) and its
#: size limit in bytes, beyond which the least recently used programs go.
JAX_CACHE_DIR = "~/.cache/smartmkt/jax"
JAX_CACHE_MAX_BYTES = 512 * 2**20

#: Each chapter must run within this many seconds on 2 CPU cores.
NOTEBOOK_BUDGET_SECONDS = 60

#: The packages a chapter relies on, as pip names them. JupyterLab is not
#: among them: a hosted Jupyter (Colab, a JupyterHub) brings its own.
CORE_PACKAGES = ("numpy", "pandas", "scipy", "scikit-learn", "scikit-surprise", "keras", "jax", "matplotlib")
