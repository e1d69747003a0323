#!/usr/bin/env bash
# Gradescope runs this once, as root, while it builds the autograder's image: it makes the
# kit's .venv with the pinned versions, so each submission is graded without installing.
# The image's python3 must be 3.11 or newer.
set -euo pipefail
cd /autograder/source
python3 kit.py grade --help > /dev/null
