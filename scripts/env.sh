# Sourced by every script that runs Pulumi: puts the project's toolchain first on PATH
# and makes the CLI work fully offline with a local file backend.
# shellcheck shell=bash
L2S_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export L2S_ROOT
export L2S_TOOLS="${L2S_TOOLS:-$L2S_ROOT/.tools}"
export PATH="$L2S_TOOLS/bin:$L2S_ROOT/node_modules/.bin:$PATH"
export PULUMI_HOME="${PULUMI_HOME:-$L2S_ROOT/.state/pulumi-home}"
export PULUMI_BACKEND_URL="${PULUMI_BACKEND_URL:-file://$L2S_ROOT/.state/backend}"
# An empty passphrase is accepted by the passphrase secrets manager; users set their own.
export PULUMI_CONFIG_PASSPHRASE="${PULUMI_CONFIG_PASSPHRASE-}"
export PULUMI_SKIP_UPDATE_CHECK=true
export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
export PULUMI_DIY_BACKEND_NO_LEGACY_WARNING=true
export PULUMI_SKIP_CONFIRMATIONS=true
export PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK=true
mkdir -p "$PULUMI_HOME" "$L2S_ROOT/.state/backend"
