using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;

namespace DvServerless.Simulators.Acs;

/// <summary>
/// Sends the Event Grid subscription validation handshake (PROTOCOL §4.2) to a webhook and judges the answer as Event
/// Grid does: the SubscriptionValidationEvent POST for the Event Grid schema, the OPTIONS request for CloudEvents.
/// </summary>
internal static class EventGridValidationSender
{
    /// <summary>Sends the handshake for <paramref name="schema"/> to <paramref name="endpoint"/>.</summary>
    public static async Task<SubscriptionValidationResult> SendAsync(Uri endpoint, IncomingCallEventSchema schema, HttpClient? client,
        CancellationToken cancellationToken)
    {
        var ownClient = client is null;
        client ??= new HttpClient(new SocketsHttpHandler { UseProxy = false });
        try
        {
            if (schema == IncomingCallEventSchema.CloudEvents)
            {
                using var options = new HttpRequestMessage(HttpMethod.Options, endpoint);
                options.Headers.TryAddWithoutValidation("WebHook-Request-Origin", "eventgrid.azure.net");
                options.Headers.TryAddWithoutValidation("WebHook-Request-Rate", "120");
                using var optionsResponse = await client.SendAsync(options, cancellationToken).ConfigureAwait(false);
                var origin = optionsResponse.Headers.TryGetValues("WebHook-Allowed-Origin", out var values) ? values.FirstOrDefault() : null;
                var optionsBody = await optionsResponse.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
                var allowed = optionsResponse.IsSuccessStatusCode && (origin == "*" || origin == "eventgrid.azure.net");
                return new SubscriptionValidationResult((int)optionsResponse.StatusCode, optionsBody, null, allowed, origin);
            }

            var code = Guid.NewGuid().ToString().ToUpperInvariant();
            var body = AcsEventJson.Write(writer =>
            {
                writer.WriteStartArray();
                writer.WriteStartObject();
                writer.WriteString("id", Guid.NewGuid().ToString());
                writer.WriteString("topic", $"/subscriptions/{Guid.Empty}/resourceGroups/dvs-local/providers/Microsoft.Communication/communicationServices/dvs-local-acs");
                writer.WriteString("subject", string.Empty);
                writer.WriteStartObject("data");
                writer.WriteString("validationCode", code);
                writer.WriteString("validationUrl", $"https://rp-eastus.eventgrid.azure.net:553/eventsubscriptions/dvs-incoming-call/validate?id={code}&t={DateTime.UtcNow:O}&apiVersion=2025-02-15&token=simulated");
                writer.WriteEndObject();
                writer.WriteString("eventType", "Microsoft.EventGrid.SubscriptionValidationEvent");
                writer.WriteString("eventTime", DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture));
                writer.WriteString("metadataVersion", "1");
                writer.WriteString("dataVersion", "2");
                writer.WriteEndObject();
                writer.WriteEndArray();
            });
            using var message = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            message.Headers.TryAddWithoutValidation("aeg-event-type", "SubscriptionValidation");
            message.Headers.TryAddWithoutValidation("aeg-subscription-name", "DVS-INCOMING-CALL");
            using var response = await client.SendAsync(message, cancellationToken).ConfigureAwait(false);
            var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            var echoed = false;
            try
            {
                using var document = JsonDocument.Parse(text);
                echoed = document.RootElement.ValueKind == JsonValueKind.Object
                    && document.RootElement.TryGetProperty("validationResponse", out var responseCode)
                    && responseCode.ValueKind == JsonValueKind.String && responseCode.GetString() == code;
            }
            catch (JsonException)
            {
            }

            // Event Grid accepts only 200 (202 is not accepted) with the code echoed.
            return new SubscriptionValidationResult((int)response.StatusCode, text, code, response.StatusCode == HttpStatusCode.OK && echoed, null);
        }
        finally
        {
            if (ownClient)
            {
                client.Dispose();
            }
        }
    }
}
