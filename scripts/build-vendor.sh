#!/usr/bin/env bash
# build-vendor.sh - rebuild the vendored front-end files in static/vendor/.
#
# DEVELOPER-TIME ONLY. The app never runs this: the files it writes are
# committed, so the app and CI need no Node at run, test or deploy time.
# Run it only to upgrade htmx or GOV.UK Frontend, then commit the results
# and update static/vendor/README.md (versions, tags, checksums).
#
# Needs node + npm and the npm registry. All npm work happens in a throw-away
# directory outside the repo, so no node_modules/ or package*.json land here.
#
# What it does:
#   1. htmx.org (2.0.x line): copies dist/htmx.min.js as-is.
#   2. govuk-frontend (6.x): compiles its Sass once with Dart Sass, with the
#      GDS Transport font and its @font-face switched off (Arial/system fonts;
#      this is a police service, not GOV.UK, and may not use the font or the
#      crown), asset URLs pointed at /static/vendor/govuk-frontend-<v>/assets/,
#      and the crest image (used only by .govuk-footer__copyright-logo) turned
#      into `none` so nothing ever asks for it. Copies the ES-module bundle.
#      Copies only those assets the compiled CSS actually references (none, at
#      6.6.0): no fonts, no crown/crest, no GOV.UK favicons.
#   3. Checks the CSS, then writes static/vendor/SHA256SUMS.
#
# Usage: scripts/build-vendor.sh        (from anywhere)
set -euo pipefail

HTMX_VERSION="2.0.11"            # latest 2.0.x; htmx 4 is a different API
GOVUK_FRONTEND_VERSION="6.6.0"   # latest 6.x
SASS_VERSION="1.108.2"           # Dart Sass (npm "sass"), pinned so output is reproducible

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENDOR_DIR="$REPO_ROOT/static/vendor"
GOVUK_URL_BASE="/static/vendor/govuk-frontend-${GOVUK_FRONTEND_VERSION}/assets/"

WORK_DIR="$(mktemp -d "${TMPDIR:-/tmp}/dvpo-vendor.XXXXXX")"
trap 'rm -rf "$WORK_DIR"' EXIT

die() { echo "build-vendor: $*" >&2; exit 1; }
command -v npm >/dev/null || die "npm not found (developer-time tool only)"

echo "==> installing packages in $WORK_DIR"
cd "$WORK_DIR"
echo '{"name":"dvpo-vendor-build","private":true}' > package.json
# --ignore-scripts: nothing here needs an install script (sass is pure JS).
npm install --no-audit --no-fund --ignore-scripts --save-exact --loglevel=error \
  "htmx.org@${HTMX_VERSION}" \
  "govuk-frontend@${GOVUK_FRONTEND_VERSION}" \
  "sass@${SASS_VERSION}"

installed() { node -p "require('./node_modules/$1/package.json').version"; }
[[ "$(installed htmx.org)" == "$HTMX_VERSION" ]] || die "htmx.org version mismatch"
[[ "$(installed govuk-frontend)" == "$GOVUK_FRONTEND_VERSION" ]] || die "govuk-frontend version mismatch"

GOVUK_DIST="node_modules/govuk-frontend/dist/govuk"
mkdir -p "$VENDOR_DIR"

# ---------------------------------------------------------------- 1. htmx
HTMX_OUT="$VENDOR_DIR/htmx-${HTMX_VERSION}.min.js"
cp node_modules/htmx.org/dist/htmx.min.js "$HTMX_OUT"
echo "==> wrote ${HTMX_OUT#"$REPO_ROOT"/}"

# ------------------------------------------------------ 2a. GOV.UK Frontend CSS
# A custom image-URL function: the only image the 6.x CSS refers to is the
# GOV.UK crest (footer copyright logo). We must not show it, so it becomes
# `none`; any other image would resolve under our versioned assets path.
cat > _url-handlers.scss <<EOF
@function image-url(\$filename) {
  @if \$filename == "govuk-crest.svg" {
    @return none;
  }
  @return url("${GOVUK_URL_BASE}images/#{\$filename}");
}
EOF

# Setting names checked against dist/govuk/settings/_typography-font.scss and
# _assets.scss for 6.x.
cat > govuk-frontend.scss <<EOF
/*! govuk-frontend ${GOVUK_FRONTEND_VERSION} | MIT | (c) Crown copyright | built for DVPO Desk: system fonts (Arial), GOV.UK font and crest left out */
@use "sass:meta";
@use "url-handlers";
@use "govuk-frontend/dist/govuk" as * with (
  \$govuk-font-family: (arial, sans-serif),
  \$govuk-font-family-print: (arial, sans-serif),
  \$govuk-include-default-font-face: false,
  \$govuk-assets-path: "${GOVUK_URL_BASE}",
  \$govuk-image-url-function: meta.get-function("image-url", \$module: "url-handlers")
);
EOF

CSS_OUT="$VENDOR_DIR/govuk-frontend-${GOVUK_FRONTEND_VERSION}.min.css"
./node_modules/.bin/sass --style=compressed --no-source-map --load-path=node_modules \
  govuk-frontend.scss "$CSS_OUT"
echo "==> wrote ${CSS_OUT#"$REPO_ROOT"/}"

# Guard rails: fail loudly if a new release brings the font or crown back.
if grep -q "GDS Transport" "$CSS_OUT"; then die "CSS mentions GDS Transport"; fi
if grep -q "@font-face" "$CSS_OUT"; then die "CSS contains @font-face"; fi
if grep -Eqi "\.woff2?|govuk-crest|govuk-crown|favicon" "$CSS_OUT"; then
  die "CSS references a font file or a GOV.UK crest/crown/favicon"
fi

# --------------------------------------------------- 2b. assets the CSS needs
# Copy exactly the files the compiled CSS points at (none at 6.6.0) and
# nothing else: fonts, crest, crown and favicons are GOV.UK branding.
ASSETS_OUT="$VENDOR_DIR/govuk-frontend-${GOVUK_FRONTEND_VERSION}/assets"
rm -rf "$VENDOR_DIR/govuk-frontend-${GOVUK_FRONTEND_VERSION}"
refs="$( (grep -o "url(\"${GOVUK_URL_BASE}[^\")]*\")" "$CSS_OUT" || true) \
  | sed -e "s#^url(\"${GOVUK_URL_BASE}##" -e 's#")$##' | sort -u)"
if [[ -n "$refs" ]]; then
  while IFS= read -r rel; do
    [[ -f "$GOVUK_DIST/assets/$rel" ]] || die "CSS references missing asset $rel"
    mkdir -p "$ASSETS_OUT/$(dirname "$rel")"
    cp "$GOVUK_DIST/assets/$rel" "$ASSETS_OUT/$rel"
    echo "==> copied asset $rel"
  done <<< "$refs"
else
  echo "==> compiled CSS references no assets; none copied"
fi

# ------------------------------------------------------- 2c. GOV.UK Frontend JS
# The ES-module bundle (exports initAll, createAll and the component classes);
# load it with <script type="module">. Its source map is not shipped, so drop
# the sourceMappingURL comment to avoid a 404 in dev tools.
JS_OUT="$VENDOR_DIR/govuk-frontend-${GOVUK_FRONTEND_VERSION}.min.js"
sed -e 's#//\# sourceMappingURL=[^ ]*$##' "$GOVUK_DIST/govuk-frontend.min.js" > "$JS_OUT"
grep -q "export{" "$JS_OUT" || die "govuk-frontend.min.js is no longer an ES module?"
echo "==> wrote ${JS_OUT#"$REPO_ROOT"/}"

# ---------------------------------------------------------------- 3. checksums
cd "$VENDOR_DIR"
find . -type f ! -name SHA256SUMS ! -name README.md -printf '%P\n' | LC_ALL=C sort \
  | xargs sha256sum > SHA256SUMS
echo "==> wrote static/vendor/SHA256SUMS"
cat SHA256SUMS

others="$(find . -maxdepth 1 -type f \( -name 'htmx-*.min.js' -o -name 'govuk-frontend-*.min.*' \) \
  ! -name "htmx-${HTMX_VERSION}.min.js" ! -name "govuk-frontend-${GOVUK_FRONTEND_VERSION}.min.*" -printf '%P\n')"
if [[ -n "$others" ]]; then
  echo "NOTE: older vendored files are still present (remove them once templates use the new ones):"
  echo "$others"
fi
echo "Done. Update the versions in static/vendor/README.md and the template tags if they changed."
