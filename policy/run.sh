#!/usr/bin/env bash
# Policy as code: checkov's CloudFormation checks on template.yaml (findings justified in place
# with `Metadata: checkov: skip:`), plus the project rules on the SAM-transformed template.
# Tools: SAM_PYTHON (a Python with aws-sam-cli installed) and CHECKOV (the checkov binary).
set -euo pipefail
cd "$(dirname "$0")/.."
SAM_PYTHON="${SAM_PYTHON:-$(dirname "$(command -v sam)")/python}"
CHECKOV="${CHECKOV:-checkov}"
TEMPLATE="${1:-template.yaml}"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

echo "checkov $("$CHECKOV" --version) on $TEMPLATE"
"$CHECKOV" --config-file policy/checkov.yaml --file "$TEMPLATE"

echo "project rules on the transformed template"
"$SAM_PYTHON" policy/transform.py "$TEMPLATE" >"$out/transformed.json"
"$SAM_PYTHON" policy/project_rules.py "$out/transformed.json"
