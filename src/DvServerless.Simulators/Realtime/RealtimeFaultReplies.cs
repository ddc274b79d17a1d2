using System.Text.Json.Nodes;
using DvServerless.Simulators.Faults;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace DvServerless.Simulators.Realtime;

/// <summary>
/// Answers a REST request that the simulator's <see cref="RestFaultPlan"/> faults, as the OpenAI API does: the status,
/// the retry header, and the standard error envelope <c>{"error":{message,type,param,code}}</c> (PROTOCOL §1.8) with
/// the type and code the service uses for rate limits (<c>requests</c>, <c>rate_limit_exceeded</c>) and server errors
/// (<c>server_error</c>, no code).
/// </summary>
internal static class RealtimeFaultReplies
{
    /// <summary>Checks <paramref name="operation"/> against the plan; when it is faulted, answers and returns true.</summary>
    public static async Task<bool> TryAnswerAsync(HttpContext context, RestFaultPlan faults, string operation, ILogger logger)
    {
        if (faults.Check(operation) is not { } fault)
        {
            return false;
        }

        RestFaultLog.Injected(logger, operation, fault);
        var rateLimited = fault.StatusCode == StatusCodes.Status429TooManyRequests;
        context.Response.StatusCode = fault.StatusCode;
        foreach (var (name, value) in fault.Headers)
        {
            context.Response.Headers[name] = value;
        }

        context.Response.ContentType = "application/json";
        var body = new JsonObject
        {
            ["error"] = new JsonObject
            {
                ["message"] = rateLimited
                    ? "Rate limit reached for requests. Please try again later."
                    : "The server had an error while processing your request. Sorry about that!",
                ["type"] = rateLimited ? "requests" : "server_error",
                ["param"] = null,
                ["code"] = rateLimited ? "rate_limit_exceeded" : null,
            },
        };
        await context.Response.WriteAsync(body.ToJsonString(), context.RequestAborted).ConfigureAwait(false);
        return true;
    }
}
