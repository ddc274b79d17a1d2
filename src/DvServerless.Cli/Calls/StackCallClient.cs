using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DvServerless.Cli.Up;

namespace DvServerless.Cli.Calls;

/// <summary>
/// <c>dvs call --stack FILE</c>: asks the <c>dvs up</c> that wrote <c>FILE</c> to place the call on its stack
/// (<see cref="StackCallServer"/>), so the call is the stack's tenant's and shows live on its dashboard.
/// </summary>
public static class StackCallClient
{
    /// <summary>Reads the <see cref="StackUrls"/> that <c>dvs up --urls-file</c> wrote.</summary>
    /// <exception cref="InvalidOperationException">The file is missing, not JSON, or from a <c>dvs up</c> without a phone line.</exception>
    public static async Task<StackUrls> ReadUrlsAsync(FileInfo file, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(file);
        if (!file.Exists)
        {
            throw new InvalidOperationException($"{file.FullName} does not exist: start the stack with dvs up --urls-file {file.Name} first.");
        }

        StackUrls? urls;
        try
        {
            await using var stream = file.OpenRead();
            urls = await JsonSerializer.DeserializeAsync<StackUrls>(stream, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (JsonException e)
        {
            throw new InvalidOperationException($"{file.FullName} is not a dvs up urls file: {e.Message}", e);
        }

        if (urls is null || string.IsNullOrEmpty(urls.Calls) || string.IsNullOrEmpty(urls.ApiKey))
        {
            throw new InvalidOperationException($"{file.FullName} names no phone line (calls) and API key: write it with this version's dvs up --urls-file.");
        }

        return urls;
    }

    /// <summary>Places the call and waits for its summary (the request lasts as long as the call).</summary>
    /// <exception cref="InvalidOperationException">The stack is not running, refused the request, or nothing answered.</exception>
    public static async Task<StackCallResponse> PlaceAsync(StackUrls urls, StackCallRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(urls);
        ArgumentNullException.ThrowIfNull(request);
        // One request for a whole command, not an app's traffic: no factory, and no retry, because a second attempt would
        // place a second call. The caller's token bounds it.
        using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        using var message = new HttpRequestMessage(HttpMethod.Post, urls.Calls) { Content = JsonContent.Create(request) };
        message.Headers.Add(StackCallServer.ApiKeyHeader, urls.ApiKey);
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(message, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw new InvalidOperationException($"No stack answers at {urls.Calls}: is dvs up still running? ({e.Message})", e);
        }

        using (response)
        {
            if (response.StatusCode != HttpStatusCode.OK)
            {
                var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
                throw new InvalidOperationException($"The stack refused the call ({(int)response.StatusCode}): {ErrorOf(body)}");
            }

            return await response.Content.ReadFromJsonAsync<StackCallResponse>(CallRunSteps.SummaryJson, cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidOperationException("The stack answered with an empty body.");
        }
    }

    private static string ErrorOf(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.TryGetProperty("error", out var error) ? error.GetString() ?? body : body;
        }
        catch (JsonException)
        {
            return body;
        }
    }
}
