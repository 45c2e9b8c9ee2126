#!/usr/bin/env bash
# CI check of `pnpm new:service`: in a temporary copy of the repository, generate a service
# and paste its resources into template.yaml, then prove what a user would: its tests pass,
# its bundle builds within its budget, and the template still passes `sam validate --lint`
# and the policy (checkov + project rules). Tools: SAM (the sam binary), SAM_PYTHON and
# CHECKOV as for policy/run.sh.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SAM="${SAM:-sam}"
NAME="${1:-demo}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The working tree as git sees it (tracked and new files, no node_modules or build output).
(cd "$ROOT" && git ls-files -z --cached --others --exclude-standard |
  tar --null --files-from=- --ignore-failed-read -cf - 2>/dev/null) | tar -xf - -C "$work"
cd "$work"

pnpm install --offline --frozen-lockfile --loglevel=error
node scripts/new-service/index.mjs "$NAME" --add-to-template
# The new package changes the lockfile. Its packages are in the store already, but resolving a
# new importer reads the registry's metadata, which a store filled by frozen installs lacks
# (a fresh machine: ERR_PNPM_NO_OFFLINE_META), so the registry may be asked.
pnpm install --prefer-offline --no-frozen-lockfile --loglevel=error
pnpm --filter "@shop/$NAME" typecheck
pnpm --filter "@shop/$NAME" test
# The repository's own checks of every function and sample event (the artifact check's mapping).
pnpm --filter @shop/artifact-check test:unit
pnpm lint
"$SAM" validate --lint
bash policy/run.sh
pnpm build --output-logs=errors-only
pnpm --filter @shop/bench bench:check
echo "new:service check passed: @shop/$NAME"
