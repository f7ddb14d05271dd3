#!/usr/bin/env bash
# Money never touches float in the exact core (STYLE.md "Tooling habits").
set -euo pipefail
cd "$(dirname "$0")/.."
if hits=$(grep -rnE '\bfloat\(|: float\b|-> float\b' src/overdue/ledger src/overdue/rules src/overdue/money.py); then
  echo "float in the exact core:"; echo "$hits"; exit 1
fi
