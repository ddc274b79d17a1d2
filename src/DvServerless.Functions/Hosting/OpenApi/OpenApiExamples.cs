using System.Text.Json;
using System.Text.Json.Nodes;
using DvServerless.Adapters.Tenants;
using DvServerless.Core.Tenants;
using DvServerless.Core.Tts;
using DvServerless.Functions.Auth;
using DvServerless.Functions.Calls;
using DvServerless.Functions.Http;
using DvServerless.Functions.Records;
using DvServerless.Functions.Sessions;
using DvServerless.Functions.Sip;
using DvServerless.Functions.Tts;

namespace DvServerless.Functions.Hosting.OpenApi;

/// <summary>
/// Examples for the API description, built as instances of the real request and response types and serialized with the
/// app's own JSON settings, so an example can never drift from what the app sends or reads.
/// </summary>
public static class OpenApiExamples
{
    private static readonly DateTimeOffset Created = new(2026, 12, 4, 9, 30, 0, TimeSpan.Zero);

    private static readonly SessionView Session = new(
        "9f86d081884c7d659a2feaa0c55ad015", "acme", "acs", "connected", "+1425555****", "+1800555****",
        Created, Created.AddSeconds(42), Created.AddSeconds(2), null, null, new Dictionary<string, string> { ["customerId"] = "C-42" });

    private static readonly Dictionary<Type, object> Samples = new()
    {
        [typeof(AuthTokenRequest)] = new AuthTokenRequest("dvs_acme_0123456789abcdef01234567"),
        [typeof(TenantToken)] = new TenantToken("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ0ZW5hbnQiOiJhY21lIn0.c2lnbmF0dXJl", Created.AddMinutes(15)),
        [typeof(SessionView)] = Session,
        [typeof(SessionList)] = new SessionList([Session]),
        [typeof(AuditFunction.AuditList)] = new AuditFunction.AuditList("acme", "2026-12-04",
        [
            new AuditEntry { Timestamp = Created, TenantId = "acme", Method = "GET", Path = "/api/v1/sessions", Status = 200, Action = AuditAction.ApiAccess,
                EntryId = "5b0c8e7d2f1a4c3e9d6b8a7f0e1d2c3b" },
        ]),
        [typeof(TtsCacheStatsFunction.TtsCacheStatsView)] = new TtsCacheStatsFunction.TtsCacheStatsView("acme", 120, 8, 0, 8, TimeSpan.FromDays(7), 500),
        [typeof(TtsWarmupReport)] = new TtsWarmupReport("acme", ["greeting"], ["hold"], []),
        [typeof(ConferenceTranscriptSubmission)] = new ConferenceTranscriptSubmission
        {
            Source = "room-recorder",
            StartedAt = Created,
            CallIds = ["9f86d081884c7d659a2feaa0c55ad015"],
            Segments = [new ConferenceSegment { Speaker = "Host", Text = "Welcome, everyone.", StartMs = 0, EndMs = 1800, Language = "en" }],
        },
        [typeof(IncomingCallFunction.ValidationReply)] = new IncomingCallFunction.ValidationReply("512d38b6-c7b8-40c8-89fe-f46f9e9622b6"),
        [typeof(IncomingCallFunction.DeliveryResponse)] = new IncomingCallFunction.DeliveryResponse(
            [new IncomingCallFunction.CallResponse("9f86d081884c7d659a2feaa0c55ad015", IncomingCallResult.Answered.ToString())], 0),
        [typeof(CallEventsFunction.CallbackResponse)] = new CallEventsFunction.CallbackResponse([CallEventResult.Applied.ToString()]),
        [typeof(SipIncomingFunction.CallReply)] = new SipIncomingFunction.CallReply("3c9a1e0b5d6f47a8b2c4d6e8f0a1b3c5", SipIncomingResult.Accepted.ToString(), null),
    };

    /// <summary>The example of <paramref name="type"/> answered with <paramref name="status"/>, as JSON; null when there is none.</summary>
    public static JsonNode? For(Type type, int status, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(type);
        if (type == typeof(ErrorBody))
        {
            return JsonSerializer.SerializeToNode(ErrorOf(status), options);
        }

        return Samples.TryGetValue(type, out var sample) ? JsonSerializer.SerializeToNode(sample, type, options) : null;
    }

    private static ErrorBody ErrorOf(int status) => status switch
    {
        400 => new("bad_request", "limit must be between 1 and 1000."),
        401 => new("unauthorized", "No credential: send 'Authorization: Bearer <token>', 'Robot-Key' + 'Robot-Token', or 'X-Api-Key: <key>'."),
        403 => new("forbidden", "This session belongs to another tenant."),
        404 => new("not_found", "No such session."),
        409 => new("conflict", "The call is already over."),
        413 => new("payload_too_large", "The request body is larger than 1048576 bytes."),
        415 => new("multipart_required", "Send multipart/form-data with the fields name, description (optional), consent and file."),
        502 => new("bad_gateway", "ACS refused the hang-up; see the gateway's log."),
        _ => new("unavailable", "Retry later."),
    };
}
