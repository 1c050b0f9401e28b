#!/usr/bin/env bash
# Refuses to publish a firmware package with a version FleetOps cannot roll out
# (semantic version, e.g. 2.4.1 or 3.0.0-rc.1) or without files.
set -euo pipefail

version="${1:?usage: check-firmware-version.sh <version> <directory>}"
directory="${2:?usage: check-firmware-version.sh <version> <directory>}"

if [[ ! "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+([-+][0-9A-Za-z.-]+)?$ ]]; then
  echo "##vso[task.logissue type=error]firmwareVersion '${version}' is not a semantic version such as 2.4.1"
  exit 1
fi
if [[ ! -d "$directory" ]] || [[ -z "$(ls -A "$directory")" ]]; then
  echo "##vso[task.logissue type=error]firmware directory '${directory}' is missing or empty"
  exit 1
fi
echo "firmware ${version}: $(find "$directory" -type f | wc -l) files"
