#!/usr/bin/env bash
# The hosted-Jupyter path, checked the way Colab runs a chapter: a fresh
# Python 3.12 environment that already has Colab's versions of pandas,
# NumPy, Keras and JAX, and no course. Chapters 00 and 03 run top to bottom;
# their first cell must install the course (here from a wheel built from
# this checkout instead of the repository address) without replacing what
# the environment had.
#
#   make check-hosted            (or: bash tests/hosted/colab_like.sh)
#
# Needs Python 3.12 (COLAB_PYTHON) and network access to the package index.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$repo"
work="$repo/_build/colab-like"
python="${COLAB_PYTHON:-python3.12}"
# What Colab's runtime had preinstalled in the second half of 2025:
# Python 3.12, pandas 2.2.2 and NumPy 2.0.2, Keras 3.10.0 (Colab's
# announcement of July 2025); JAX 0.5.3 is a release of that time.
preinstalled=(pandas==2.2.2 numpy==2.0.2 keras==3.10.0 "jax[cpu]==0.5.3"
              scikit-learn==1.6.1 scipy==1.15.3 matplotlib==3.10.0 ipykernel nbclient)

rm -rf "$work" && mkdir -p "$work"
# The wheel is built from a copy, so no build/ folder is left in the checkout.
git ls-files -z | tar --null -T - -cf - | (mkdir -p "$work/source" && tar -xf - -C "$work/source")
.venv/bin/python -m pip wheel --quiet --no-deps --wheel-dir "$work/wheel" "$work/source"
wheel="$(ls "$work"/wheel/smartmkt_helpers-*.whl)"

"$python" -m venv "$work/venv"
"$work/venv/bin/python" -m pip install --quiet --upgrade pip
"$work/venv/bin/python" -m pip install --quiet "${preinstalled[@]}"
"$work/venv/bin/python" -m pip freeze | sort > "$work/before.txt"
if (cd "$work" && "$work/venv/bin/python" -c 'import smartmkt_helpers' 2>/dev/null); then
  echo "the course is installed already: this check needs an environment without it" >&2
  exit 1
fi

export SMARTMKT_INSTALL_FROM="$wheel"
export PATH="$work/venv/bin:$PATH"
for notebook in notebooks/00_getting_started.ipynb notebooks/03_collaborative_filtering.ipynb; do
  start=$(date +%s)
  "$work/venv/bin/python" - "$notebook" <<'PY'
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

path = Path(sys.argv[1])
notebook = nbformat.read(path, as_version=4)
NotebookClient(notebook, timeout=600, kernel_name="python3",
               resources={"metadata": {"path": str(path.parent)}}).execute()
first = next(cell for cell in notebook.cells if cell.cell_type == "code")
printed = "".join(output.get("text", "") for output in first.outputs)
print(f"{path.name}: ran; its first cell printed: {printed.strip() or '(nothing)'}")
PY
  echo "  $(( $(date +%s) - start )) s"
done

"$work/venv/bin/python" -m pip freeze | sort > "$work/after.txt"
for pinned in pandas==2.2.2 numpy==2.0.2 keras==3.10.0 jax==0.5.3; do
  grep -qx "$pinned" "$work/after.txt" || { echo "installing the course replaced $pinned" >&2; exit 1; }
done
echo "Installed beside the environment's own packages:"
comm -13 "$work/before.txt" "$work/after.txt" | sed 's/^/  /'
(cd "$work" && "$work/venv/bin/python" -c 'import sys, smartmkt_helpers, pandas, numpy, keras, jax; print("Python", sys.version.split()[0], "pandas", pandas.__version__, "NumPy", numpy.__version__, "Keras", keras.__version__, keras.backend.backend(), "JAX", jax.__version__)')
