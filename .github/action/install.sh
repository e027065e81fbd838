#!/usr/bin/env bash
# Installs claimlint for the GitHub Action (action.yml): the prebuilt archive of the matching
# release for this runner (built by .github/workflows/release.yml), its SHA-256 checked against
# the release's `.sha256` file, and `cargo install` only when no such release exists.
#
# Environment: ACTION_REPO (owner/name of the action), CLAIMLINT_VERSION (empty: the version in
# the action's Cargo.toml), GITHUB_ACTION_PATH, GITHUB_PATH, RUNNER_OS, RUNNER_ARCH, RUNNER_TEMP.
# CLAIMLINT_RELEASE_BASE replaces the download base URL (the tests use a file:// directory).
set -euo pipefail

root="${GITHUB_ACTION_PATH:?}"
version="${CLAIMLINT_VERSION:-}"
if [ -z "$version" ]; then
  version=$(sed -n 's/^version = "\(.*\)"$/\1/p' "$root/Cargo.toml" | head -n 1)
fi
version="${version#v}"
dest="${RUNNER_TEMP:-/tmp}/claimlint"
mkdir -p "$dest/bin"

# The release archives are named as cargo-dist names them: claimlint-TARGET.tar.xz (zip on
# Windows), each with a TARGET.tar.xz.sha256 beside it.
os="${RUNNER_OS:-$(uname -s)}"
arch="${RUNNER_ARCH:-$(uname -m)}"
target=""
ext="tar.xz"
case "$os-$arch" in
  Linux-X64 | Linux-x86_64) target=x86_64-unknown-linux-gnu ;;
  Linux-ARM64 | Linux-aarch64) target=aarch64-unknown-linux-gnu ;;
  macOS-X64 | Darwin-x86_64) target=x86_64-apple-darwin ;;
  macOS-ARM64 | Darwin-arm64) target=aarch64-apple-darwin ;;
  Windows-X64) target=x86_64-pc-windows-msvc ext=zip ;;
esac

sha256() {
  if command -v sha256sum > /dev/null; then
    sha256sum "$1" | cut -d ' ' -f 1
  else
    shasum -a 256 "$1" | cut -d ' ' -f 1
  fi
}

installed() {
  echo "$1" >> "${GITHUB_PATH:-/dev/null}"
  "$1/claimlint" --version
}

base="${CLAIMLINT_RELEASE_BASE:-}"
if [ -z "$base" ] && [ -n "${ACTION_REPO:-}" ]; then
  base="https://github.com/$ACTION_REPO/releases/download"
fi
if [ -n "$target" ] && [ -n "$base" ]; then
  archive="claimlint-$target.$ext"
  url="$base/v$version/$archive"
  tmp=$(mktemp -d)
  if curl -fsSL --retry 3 -o "$tmp/$archive" "$url" &&
    curl -fsSL --retry 3 -o "$tmp/$archive.sha256" "$url.sha256"; then
    expected=$(cut -d ' ' -f 1 < "$tmp/$archive.sha256" | tr -d '\r\n')
    actual=$(sha256 "$tmp/$archive")
    if [ "$expected" != "$actual" ]; then
      # Never fall back here: a wrong checksum is tampering or corruption, not a missing release.
      echo "::error::checksum mismatch for $archive: the release says $expected, the download is $actual" >&2
      exit 1
    fi
    mkdir -p "$tmp/x"
    if [ "$ext" = zip ]; then
      unzip -q "$tmp/$archive" -d "$tmp/x"
    else
      tar -xJf "$tmp/$archive" -C "$tmp/x"
    fi
    bin=$(find "$tmp/x" -type f \( -name claimlint -o -name claimlint.exe \) | head -n 1)
    if [ -z "$bin" ]; then
      echo "::error::$archive holds no claimlint binary" >&2
      exit 1
    fi
    cp "$bin" "$dest/bin/"
    chmod +x "$dest/bin/$(basename "$bin")"
    echo "installed claimlint $version ($target) from the release, checksum verified"
    installed "$dest/bin"
    exit 0
  fi
  echo "::notice::no claimlint $version release archive for $target; building it with cargo"
else
  echo "::notice::no prebuilt claimlint for $os-$arch; building it with cargo"
fi
cargo install --locked --quiet --path "$root" --root "$dest"
installed "$dest/bin"
