#!/usr/bin/env bash
# The bot artifact App Service runs with `npm run serve`: sources, lockfile and production
# dependencies (tsx runs the TypeScript directly, as in development).
set -euo pipefail

out="${1:?usage: package-bot.sh <output directory>}"
rm -rf "$out"
mkdir -p "$out"
cp -R package.json package-lock.json tsconfig.json bot commands cards core backends "$out"/
for optional in jobs sim manifest bin cli; do
  if [[ -d "$optional" ]]; then cp -R "$optional" "$out"/; fi
done
(cd "$out" && npm ci --omit=dev --ignore-scripts=false --no-audit --no-fund)
echo "bot artifact in ${out}: $(du -sh "$out" | cut -f1)"
