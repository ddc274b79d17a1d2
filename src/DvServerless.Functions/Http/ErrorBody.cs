using System.Text.Json.Serialization;

namespace DvServerless.Functions.Http;

/// <summary>
/// The body of every error answer of the app: <c>{"error": code, "message": text}</c>, plus <c>"errors"</c> with one entry
/// per problem when a request has several (a form with two bad fields, a batch with two bad segments), and
/// <c>"retryAfter"</c> (seconds) on 429.
/// </summary>
/// <param name="Error">A stable, machine-readable code (<c>bad_request</c>, <c>not_found</c>, <c>minutes_not_ready</c> …).</param>
/// <param name="Message">What went wrong and what to do, for a person.</param>
/// <param name="Errors">Each problem, when there are several; absent otherwise.</param>
/// <param name="RetryAfter">Seconds to wait before trying again (429), as in the <c>Retry-After</c> header; absent otherwise.</param>
public sealed record ErrorBody(
    string Error,
    string Message,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<ErrorDetail>? Errors = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? RetryAfter = null);
