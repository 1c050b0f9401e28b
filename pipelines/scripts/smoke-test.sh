#!/usr/bin/env bash
# Smoke test of a deployed FleetOps: /healthz must answer 200 (the process is up) and
# /readyz 200 (its stores and backends answer). Retries while App Service starts the app.
set -euo pipefail

base_url="${1:?usage: smoke-test.sh https://<app>.azurewebsites.net}"
attempts="${SMOKE_ATTEMPTS:-30}"
delay="${SMOKE_DELAY_SECONDS:-10}"

check() {
  local path="$1"
  for ((i = 1; i <= attempts; i++)); do
    status="$(curl --silent --output /tmp/smoke-body --write-out '%{http_code}' --max-time 10 "${base_url}${path}" || true)"
    if [[ "$status" == "200" ]]; then
      echo "${path}: 200"
      return 0
    fi
    echo "${path}: ${status:-no answer} (attempt ${i}/${attempts})"
    sleep "$delay"
  done
  echo "##vso[task.logissue type=error]${base_url}${path} did not answer 200; last body: $(head -c 500 /tmp/smoke-body 2>/dev/null)"
  return 1
}

check /healthz
check /readyz
