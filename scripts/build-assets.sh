#!/usr/bin/env bash
# Build rollcall's front-end files into rollcall/static/dist (not committed).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -d node_modules/govuk-frontend ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
rm -rf rollcall/static/dist
mkdir -p rollcall/static/dist/govuk
npx sass --no-source-map --style=compressed --quiet-deps --load-path=node_modules \
  rollcall/static/src/rollcall.scss rollcall/static/dist/rollcall.css
cp node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js rollcall/static/dist/govuk/
cp -r node_modules/govuk-frontend/dist/govuk/assets rollcall/static/dist/govuk/assets
cp rollcall/static/src/*.js rollcall/static/src/rollcall-icon.svg rollcall/static/dist/
echo "assets built in rollcall/static/dist"
