using DvServerless.Core.Minutes;
using DvServerless.Functions.Http;

namespace DvServerless.Functions.Minutes;

/// <summary>Reads the <c>?format=</c> of the minutes routes and answers the shared minutes errors.</summary>
internal static class MinutesFormats
{
    /// <summary>The requested format (<c>txt</c> when absent), or null with the 400 answer in <paramref name="refusal"/>.</summary>
    public static MinutesFormat? Read(HttpRequest request, out IResult refusal)
    {
        refusal = Results.Empty;
        var format = QueryValues.Text(request, "format") ?? "txt";
        if (MinutesRenderer.TryParseFormat(format, out var parsed))
        {
            return parsed;
        }

        refusal = ErrorResults.BadRequest("unknown_format", "format must be one of txt, md, json, srt.");
        return null;
    }

    /// <summary>404 <c>minutes_not_ready</c> with <c>Retry-After</c>.</summary>
    public static IResult NotReady(HttpRequest request, int retryAfterSeconds, string message) =>
        ErrorResults.WithRetryAfter(request.HttpContext, StatusCodes.Status404NotFound, "minutes_not_ready", message, retryAfterSeconds);
}
