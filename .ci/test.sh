#!/usr/bin/env bash
# The README's test command: installs what the tests need on a fresh Debian machine, then builds and runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

# End-to-end tests drive Debian's Chromium (Playwright cannot download its own browser here).
if [ -z "${CHROMIUM_PATH:-}" ] && ! command -v chromium >/dev/null 2>&1; then
  echo "Installing Debian's chromium for the end-to-end tests..."
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
fi

# Gallery previews of video and audio are made with Debian's ffmpeg (the app runs without it, showing a neutral poster).
if ! command -v ffmpeg >/dev/null 2>&1; then
  echo "Installing Debian's ffmpeg for video and audio previews..."
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends ffmpeg >/dev/null
fi

# Tests that run on PostgreSQL start a private server of Debian's postgresql (initdb in a temporary folder, a free port).
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && ! command -v initdb >/dev/null 2>&1; then
  echo "Installing Debian's postgresql for the tests that run on PostgreSQL..."
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends postgresql >/dev/null
fi

# Tests of instances sharing one budget start a private Redis (Debian's redis-server on a free port, nothing saved).
if ! command -v redis-server >/dev/null 2>&1; then
  echo "Installing Debian's redis-server for the tests of a budget shared through Redis..."
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends redis-server >/dev/null
fi

# The end-to-end test of several instances runs them behind Debian's HAProxy with the README's configuration.
if ! command -v haproxy >/dev/null 2>&1; then
  echo "Installing Debian's haproxy for the end-to-end test of several instances..."
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends haproxy >/dev/null
fi

# The metrics test has a real Prometheus scrape the app (Debian's prometheus, on a free port, its data in a temp folder).
if ! command -v prometheus >/dev/null 2>&1; then
  echo "Installing Debian's prometheus for the test of the /metrics endpoint..."
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends prometheus >/dev/null
fi

# Sign-in tests run a real OpenID Connect provider (the npm package oidc-provider) on loopback.
if ! command -v node >/dev/null 2>&1; then
  echo "Installing Debian's nodejs and npm for the test identity provider..."
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
fi
(cd e2e/oidc-provider && npm ci --no-audit --no-fund --loglevel=error)
# The chat API's end-to-end test drives it with the official OpenAI SDK (the npm package openai).
(cd e2e/openai-client && npm ci --no-audit --no-fund --loglevel=error)

dotnet tool restore
dotnet build ReApiWeb.sln -c Release -warnaserror -nologo

results=artifacts/test-results
mkdir -p artifacts
rm -rf "$results"
status=0
dotnet test ReApiWeb.sln -c Release --no-build -nologo --results-directory "$results" 2>&1 | tee "$results.log" || status=$?

# One plain closing line for the whole run, summed over the test projects.
awk '/(Passed|Failed)! +- +Failed: +[0-9]+, +Passed: +[0-9]+/ {
       gsub(",", ""); for (i = 1; i <= NF; i++) { if ($i == "Failed:") f += $(i+1); if ($i == "Passed:") p += $(i+1); if ($i == "Skipped:") s += $(i+1) }
     } END { printf "Tests: %d passed, %d failed, %d skipped\n", p, f, s }' "$results.log"
exit "$status"
