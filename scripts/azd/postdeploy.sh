#!/bin/sh
# azd postdeploy hook (POSIX): runs after both services are deployed, when the Functions endpoint can answer the
# Event Grid validation handshake.
#   1. Reads the Functions host's default function key (created by the host at its first start; retried).
#   2. Mirrors it into Key Vault as `functions-callback-key` (the app appends it as ?code= to ACS callback URIs).
#   3. Creates, or updates, the Event Grid subscription `incoming-call` on the ACS system topic:
#      Microsoft.Communication.IncomingCall → https://<app>/api/acs/incoming-call?code=<key>. Safe to run again.
# The key is never printed: Azure CLI output is discarded and error text is masked.
# Needs the Azure CLI signed in to the same tenant (`az login`; azd's own login is separate).
set -eu

fail() {
  echo "postdeploy: $1" >&2
  exit 1
}

for name in AZURE_SUBSCRIPTION_ID AZURE_RESOURCE_GROUP FUNCTIONS_APP_NAME FUNCTIONS_APP_URL \
  EVENTGRID_SYSTEM_TOPIC_NAME AZURE_KEY_VAULT_NAME; do
  eval "value=\${$name:-}"
  # shellcheck disable=SC2154 # assigned by the eval above
  [ -n "$value" ] || fail "$name is not set; run this through azd (azd up / azd hooks run postdeploy)"
done

command -v az >/dev/null 2>&1 || fail "the Azure CLI (az) is required: https://aka.ms/azure-cli"
az account show --subscription "$AZURE_SUBSCRIPTION_ID" -o none 2>/dev/null ||
  fail "the Azure CLI is not signed in to subscription $AZURE_SUBSCRIPTION_ID; run: az login"

subscription=$AZURE_SUBSCRIPTION_ID
group=$AZURE_RESOURCE_GROUP
app=$FUNCTIONS_APP_NAME
topic=$EVENTGRID_SYSTEM_TOPIC_NAME
vault=$AZURE_KEY_VAULT_NAME
subscription_name=incoming-call
event_type=Microsoft.Communication.IncomingCall

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM
umask 077

# Runs an az command with its output discarded; on failure prints its error text with any ?code= value masked.
az_quiet() {
  if az "$@" -o none 2>"$work/err"; then
    return 0
  fi
  sed 's/code=[^&"'"'"' ]*/code=***/g' "$work/err" >&2
  return 1
}

echo "postdeploy: reading the function key of $app"
key=""
attempt=1
while [ "$attempt" -le 12 ]; do
  key=$(az functionapp keys list --subscription "$subscription" -g "$group" -n "$app" \
    --query functionKeys.default -o tsv 2>/dev/null || true)
  [ -n "$key" ] && break
  attempt=$((attempt + 1))
  sleep 10
done
[ -n "$key" ] || fail "no default function key on $app yet (is the app running?); run azd hooks run postdeploy again"

current=$(az keyvault secret show --subscription "$subscription" --vault-name "$vault" -n functions-callback-key \
  --query value -o tsv 2>/dev/null || true)
if [ "$current" != "$key" ]; then
  echo "postdeploy: storing the callback key in Key Vault $vault"
  printf '%s' "$key" >"$work/key"
  az_quiet keyvault secret set --subscription "$subscription" --vault-name "$vault" -n functions-callback-key \
    --file "$work/key" --encoding utf-8 --content-type text/plain ||
    fail "could not write the secret (the deploying principal needs Key Vault Secrets Officer; set AZURE_PRINCIPAL_ID)"
  rm -f "$work/key"
  # A Key Vault reference without a version is re-read when the app's configuration changes.
  az_quiet functionapp config appsettings set --subscription "$subscription" -g "$group" -n "$app" \
    --settings "DVS_CALLBACK_KEY_UPDATED=$(date -u +%Y-%m-%dT%H:%M:%SZ)" ||
    fail "could not refresh the app settings of $app"
fi

endpoint="${FUNCTIONS_APP_URL%/}/api/acs/incoming-call?code=$key"

# Event Grid validates the endpoint while creating or updating the subscription; a cold app may need a retry.
attempt=1
while :; do
  if az eventgrid system-topic event-subscription show --subscription "$subscription" -g "$group" \
    --system-topic-name "$topic" -n "$subscription_name" -o none 2>/dev/null; then
    echo "postdeploy: updating Event Grid subscription $subscription_name on $topic"
    if az_quiet eventgrid system-topic event-subscription update --subscription "$subscription" -g "$group" \
      --system-topic-name "$topic" -n "$subscription_name" \
      --endpoint "$endpoint" --included-event-types "$event_type"; then
      break
    fi
  else
    echo "postdeploy: creating Event Grid subscription $subscription_name on $topic"
    # An incoming call is useless after seconds: 1-minute TTL, 3 attempts, one event per request.
    if az_quiet eventgrid system-topic event-subscription create --subscription "$subscription" -g "$group" \
      --system-topic-name "$topic" -n "$subscription_name" \
      --endpoint-type webhook --endpoint "$endpoint" --included-event-types "$event_type" \
      --event-delivery-schema eventgridschema --max-delivery-attempts 3 --event-ttl 1 \
      --max-events-per-batch 1 --preferred-batch-size-in-kilobytes 64; then
      break
    fi
  fi
  [ "$attempt" -lt 3 ] || fail "the Event Grid subscription failed 3 times (see above); run azd hooks run postdeploy again"
  attempt=$((attempt + 1))
  echo "postdeploy: retrying in 20 s (the endpoint may still be starting)"
  sleep 20
done

echo "postdeploy: IncomingCall events from ACS now go to ${FUNCTIONS_APP_URL%/}/api/acs/incoming-call"
