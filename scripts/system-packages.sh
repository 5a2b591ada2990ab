#!/usr/bin/env bash
# Debian packages the tests use: chromium (driven by Playwright; never a downloaded browser) and
# gettext (the translation catalog test). Installed with apt where we are root; otherwise the
# tests that need them are skipped with a reason.
set -u
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v xgettext >/dev/null 2>&1 || missing+=(gettext)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null \
    || echo "could not install ${missing[*]}: the tests that need them will be skipped"
else
  echo "not installed: ${missing[*]} (needs root and apt-get); the tests that need them will be skipped"
fi
exit 0
