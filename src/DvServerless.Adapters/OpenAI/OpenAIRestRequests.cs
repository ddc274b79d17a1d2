using System.Net.Http.Headers;
using System.Text.Json;
using Azure.Core;
using DvServerless.Adapters.Engines.Realtime;

namespace DvServerless.Adapters.OpenAI;

/// <summary>
/// What every OpenAI REST client of ours (SIP call control, client secrets) does the same way: authenticate a request
/// with the Realtime engine's credentials, and read the message out of an error answer.
/// </summary>
internal static class OpenAIRestRequests
{
    /// <summary>The longest error message kept from an answer: enough to act on, too short to flood a log.</summary>
    public const int MaxErrorMessageLength = 300;

    /// <summary>
    /// Adds <paramref name="realtime"/>'s credentials: Azure OpenAI takes <c>api-key</c> or an Entra token, OpenAI (and
    /// the simulator) a Bearer key.
    /// </summary>
    public static async ValueTask AuthenticateAsync(HttpRequestMessage request, RealtimeEngineOptions realtime, CancellationToken cancellationToken)
    {
        if (realtime.Service == RealtimeServiceKind.AzureOpenAI)
        {
            if (!string.IsNullOrEmpty(realtime.ApiKey))
            {
                request.Headers.TryAddWithoutValidation("api-key", realtime.ApiKey);
                return;
            }

            // Azure.Identity caches tokens, so asking per request costs nothing while the token is fresh.
            var token = await realtime.Credential!.GetTokenAsync(
                new TokenRequestContext([RealtimeEngineOptions.CognitiveServicesScope]), cancellationToken).ConfigureAwait(false);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token.Token);
            return;
        }

        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", realtime.ApiKey);
    }

    /// <summary>
    /// The <c>error.message</c> of an OpenAI error body, or the body itself when it is not one, trimmed and cut at
    /// <see cref="MaxErrorMessageLength"/>; null when nothing is left.
    /// </summary>
    public static string? ErrorMessage(string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            if (document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object
                && error.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.String)
            {
                text = message.GetString() ?? string.Empty;
            }
        }
        catch (JsonException)
        {
            // Not JSON: keep the (cut) text.
        }

        text = text.Trim();
        return text.Length == 0 ? null : text.Length > MaxErrorMessageLength ? text[..MaxErrorMessageLength] + "…" : text;
    }
}
