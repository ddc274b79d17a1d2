using System.ComponentModel.DataAnnotations;
using DvServerless.Core.Hosting;

namespace DvServerless.Functions.Hosting;

/// <summary>The Functions app's own settings (configuration section <c>Functions</c>).</summary>
public sealed class FunctionsOptions
{
    /// <summary>The configuration section name.</summary>
    public const string SectionName = "Functions";

    /// <summary>
    /// The public base URL of this app (e.g. <c>https://dvs-func.azurewebsites.net</c>). Callback URIs handed to ACS are
    /// built from it, never from the request's Host header, which the caller controls.
    /// </summary>
    [Required]
    public Uri PublicBaseUrl { get; set; } = new(LocalDefaults.FunctionsBaseUrl);

    /// <summary>The largest request body accepted, in bytes (larger bodies get 413).</summary>
    [Range(1024, 64 * 1024 * 1024)]
    public int MaxRequestBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>
    /// How long an ACS call may stay undecided (session <c>Ringing</c>) before a redelivered IncomingCall takes the answer
    /// over: the instance that created the session is then taken to have failed or died before answering. Deciding takes
    /// milliseconds (one session write), and Event Grid's first redelivery comes about 10 s later, while the call still
    /// rings; so the default lets that redelivery answer. 1–60 s.
    /// </summary>
    [System.ComponentModel.DataAnnotations.Range(typeof(TimeSpan), "00:00:01", "00:01:00")]
    public TimeSpan UndecidedTakeoverAfter { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long a call may sit unanswered (session <c>Ringing</c> or <c>Answering</c>, no call connection, not written since)
    /// before the unanswered-call sweep fails it, which frees its tenant's slot. A call whose answer was decided but never
    /// sent (storage silent just after the decision) rings out at the caller, and its session would otherwise hold a slot
    /// until <c>Tenants:ActiveCalls:StaleAfter</c> (4 h). The sweep never acts before a media token issued for the call has
    /// expired (<c>MediaWorker:TokenLifetime</c> plus a minute), so a call still able to connect is never failed.
    /// 2 minutes to 4 hours.
    /// </summary>
    [System.ComponentModel.DataAnnotations.Range(typeof(TimeSpan), "00:02:00", "04:00:00")]
    public TimeSpan UnansweredAfter { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// The origins (comma-separated, e.g. <c>https://dvs-worker.example.azurecontainerapps.io</c>) whose pages may call the
    /// API from a browser when the app runs standalone; empty (the default) means the origin of <c>MediaWorker:BaseUrl</c>,
    /// the worker that serves the console and the JS client (<c>http://127.0.0.1:7073</c> locally). Under the Functions
    /// host the platform's CORS setting applies instead.
    /// </summary>
    public string? CorsOrigins { get; set; }

    /// <summary>The origins of <paramref name="value"/>: comma-separated, trimmed, without a trailing slash.</summary>
    public static string[] ParseOrigins(string? value) =>
        (value ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(o => o.TrimEnd('/'))
            .ToArray();
}
