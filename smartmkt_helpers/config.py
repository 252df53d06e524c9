"""Constants the whole course shares, in one place."""

#: Keras backend used when the learner has not chosen one with KERAS_BACKEND.
DEFAULT_KERAS_BACKEND = "jax"

#: Each chapter must run within this many seconds on 2 CPU cores.
NOTEBOOK_BUDGET_SECONDS = 60

#: The packages a chapter relies on, as pip names them. JupyterLab is not
#: among them: a hosted Jupyter (Colab, a JupyterHub) brings its own.
CORE_PACKAGES = ("numpy", "pandas", "scipy", "scikit-learn", "scikit-surprise", "keras", "jax", "matplotlib")
