#!/bin/sh
# azd postdeploy hook (POSIX): runs after both services are deployed.
#   1. Gives the IncomingCall function a key of its own, `eventgrid` (created once with a value Azure generates, reused
#      on later runs). Not the host's default key, which would open every function behind a key. With the isolated
#      worker the function exists only once the code is deployed and the worker has started, so this is retried.
#   2. Creates, or updates, the Event Grid subscription `incoming-call` on the ACS system topic:
#      Microsoft.Communication.IncomingCall → https://<app>/api/acs/incoming-call?code=<key>. The app checks
#      aeg-subscription-name against this name (EventGrid__SubscriptionName in bicep/functions.bicep). Safe to run again.
# The key is never printed: Azure CLI output is discarded and error text is masked.
# Needs the Azure CLI signed in to the same tenant (`az login`; azd's own login is separate).
set -eu

fail() {
  echo "postdeploy: $1" >&2
  exit 1
}

for name in AZURE_SUBSCRIPTION_ID AZURE_RESOURCE_GROUP FUNCTIONS_APP_NAME FUNCTIONS_APP_URL \
  EVENTGRID_SYSTEM_TOPIC_NAME; do
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
function_name=IncomingCall
key_name=eventgrid
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
  mask <"$work/err" >&2
  return 1
}

# Masks any ?code= value in error text read from standard input.
mask() {
  sed 's/code=[^&"'"'"' ]*/code=***/g'
}

# Prints the function's key, or nothing while the function or the key does not exist yet.
read_key() {
  az functionapp function keys list --subscription "$subscription" -g "$group" -n "$app" \
    --function-name "$function_name" --query "$key_name" -o tsv 2>"$work/err" || true
}

# The host reports the function once the worker has started after the deploy; that can take a few minutes.
echo "postdeploy: reading the $key_name key of function $function_name on $app"
key=""
attempt=1
while :; do
  key=$(read_key)
  if [ -z "$key" ] && az functionapp function keys set --subscription "$subscription" -g "$group" -n "$app" \
    --function-name "$function_name" --key-name "$key_name" -o none >/dev/null 2>"$work/err"; then
    echo "postdeploy: created the $key_name key of $function_name"
    key=$(read_key)
  fi
  [ -n "$key" ] && break
  if [ "$attempt" -ge 30 ]; then
    mask <"$work/err" >&2
    fail "function $function_name is not on $app yet (did the worker start?); run azd hooks run postdeploy again"
  fi
  attempt=$((attempt + 1))
  sleep 10
done

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
