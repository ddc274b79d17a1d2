using System.Text.Json;
using DvServerless.Adapters.Acs;
using DvServerless.Adapters.OpenAI.Calls;
using DvServerless.Adapters.Storage;
using DvServerless.Core.Calls;
using DvServerless.Core.Tenants;
using DvServerless.Functions.Endpoints;
using DvServerless.Functions.Tenancy;

namespace DvServerless.Functions.Api;

/// <summary>
/// The sessions API, every route behind <c>.RequireTenant()</c>:
/// <c>GET /api/v1/sessions</c> (own tenant; admin: all, <c>?tenant=</c> filter; <c>?limit=</c> 1–1000, default 100, newest
/// first), <c>GET /api/v1/sessions/{id}</c>, <c>PATCH /api/v1/sessions/{id}/meta</c>, <c>POST /api/v1/sessions/{id}/hangup</c>,
/// <c>GET /api/v1/tenants/{tenant}/sessions</c>.
/// </summary>
/// <remarks>
/// Existence rule: an id that does not exist (or is malformed) is 404 for every caller; an existing session of another tenant
/// is 403 and audited as <c>cross_tenant_attempt</c>. So an authenticated tenant can learn that a foreign call id exists —
/// call ids are unguessable (derived from ACS's server call id), and every such probe lands in the audit log. Answering 404
/// for foreign ids instead would hide existence but make the attempt indistinguishable from a typo in the audit.
/// Unauthenticated callers get 401 before any lookup, so they learn nothing.
/// </remarks>
internal static class SessionsApi
{
    private const int DefaultLimit = 100;
    private const int MaxLimit = 1000;

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet(ApiRoutes.PathOf(ApiRoutes.Sessions), ListAsync).WithName("Sessions").RequireTenant();
        app.MapGet(ApiRoutes.PathOf(ApiRoutes.Session), GetAsync).WithName("Session").RequireTenant();
        app.MapPatch(ApiRoutes.PathOf(ApiRoutes.SessionMeta), PatchMetaAsync).WithName("SessionMeta").RequireTenant();
        app.MapPost(ApiRoutes.PathOf(ApiRoutes.SessionHangup), HangUpAsync).WithName("SessionHangup").RequireTenant();
        app.MapGet(ApiRoutes.PathOf(ApiRoutes.TenantSessions), ListTenantAsync).WithName("TenantSessions").RequireTenant();
    }

    private static Task<IResult> ListAsync(string? tenant, int? limit, ITenantContext context, ICallSessionQuery query, CancellationToken cancellationToken) =>
        tenant is null
            ? ListForAsync(context.Caller.IsAdmin ? null : context.Caller.TenantId, limit, query, cancellationToken)
            : ListTenantAsync(tenant, limit, context, query, cancellationToken);

    private static async Task<IResult> ListTenantAsync(string tenant, int? limit, ITenantContext context, ICallSessionQuery query, CancellationToken cancellationToken)
    {
        if (!TenantIds.IsValid(tenant))
        {
            return ApiResults.BadRequest("A tenant id is 1–64 letters, digits, '-' or '_'.");
        }

        if (!context.TryAccess(tenant))
        {
            return ApiResults.Forbidden("You may list only your own tenant's sessions.");
        }

        return await ListForAsync(tenant, limit, query, cancellationToken);
    }

    private static async Task<IResult> ListForAsync(string? tenantId, int? limit, ICallSessionQuery query, CancellationToken cancellationToken)
    {
        if (limit is < 1 or > MaxLimit)
        {
            return ApiResults.BadRequest($"limit must be between 1 and {MaxLimit}.");
        }

        var sessions = await query.ListAsync(tenantId, limit ?? DefaultLimit, cancellationToken);
        return Results.Json(new SessionList(sessions.Select(SessionView.Of).ToList()));
    }

    private static async Task<IResult> GetAsync(string id, ITenantContext context, ICallSessionStore store, CancellationToken cancellationToken)
    {
        var (session, refusal) = await LoadAsync(id, context, store, cancellationToken);
        return refusal ?? Results.Json(SessionView.Of(session!));
    }

    private static async Task<IResult> PatchMetaAsync(string id, HttpContext http, ITenantContext context, ICallSessionStore store, TimeProvider time, CancellationToken cancellationToken)
    {
        var (session, refusal) = await LoadAsync(id, context, store, cancellationToken);
        if (refusal is not null)
        {
            return refusal;
        }

        var body = await RequestBodyReader.ReadAsync(http.Request, SessionMetadataLimits.MaxBodyBytes, cancellationToken);
        if (body is null)
        {
            return ApiResults.TooLarge(SessionMetadataLimits.MaxBodyBytes);
        }

        var (changes, error) = ParseMetadata(body);
        if (error is not null)
        {
            return ApiResults.BadRequest(error);
        }

        string? limitError = null;
        var updated = await store.UpdateAsync(session!.CallId, s =>
        {
            var merged = new Dictionary<string, string>(s.Metadata, StringComparer.Ordinal);
            foreach (var (key, value) in changes!)
            {
                if (value is null)
                {
                    merged.Remove(key);
                }
                else
                {
                    merged[key] = value;
                }
            }

            if (merged.Count > SessionMetadataLimits.MaxEntries)
            {
                limitError = $"A session keeps at most {SessionMetadataLimits.MaxEntries} metadata entries; remove some with null values.";
                return false;
            }

            s.Metadata.Clear();
            foreach (var (key, value) in merged)
            {
                s.Metadata[key] = value;
            }

            s.UpdatedAt = time.GetUtcNow();
            return true;
        }, cancellationToken);

        if (limitError is not null)
        {
            return ApiResults.BadRequest(limitError);
        }

        return updated is null ? ApiResults.NotFound("No such session.") : Results.Json(SessionView.Of(updated));
    }

    private static async Task<IResult> HangUpAsync(string id, ITenantContext context, ICallSessionStore store, ICallAutomationClient acs,
        IServiceProvider services, TimeProvider time, CancellationToken cancellationToken)
    {
        var (session, refusal) = await LoadAsync(id, context, store, cancellationToken);
        if (refusal is not null)
        {
            return refusal;
        }

        if (CallStateMachine.IsFinal(session!.State))
        {
            return ApiResults.Conflict("The call is already over.");
        }

        if (session.Channel == CallChannel.Acs)
        {
            if (session.CallConnectionId is null)
            {
                return ApiResults.Conflict("The call has no ACS call connection yet; try again once it is answered.");
            }

            try
            {
                await acs.HangUpAsync(session.CallConnectionId, cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                return ApiResults.BadGateway("ACS refused the hang-up: " + e.Message);
            }
        }
        else if (session.Channel == CallChannel.Sip && services.GetService<IRealtimeCallControl>() is { } sip)
        {
            // The SIP path stores the OpenAI call id as the session's call connection.
            var result = await sip.HangUpAsync(session.CallConnectionId ?? session.CallId, cancellationToken);
            if (!result.IsOk && result.Outcome != RealtimeCallControlOutcome.CallGone)
            {
                return ApiResults.BadGateway("The Realtime API refused the hang-up: " + result.Message);
            }
        }
        else
        {
            return ApiResults.Conflict("Not an ACS call: this deployment cannot hang up " + session.Channel.ToString().ToLowerInvariant() + " calls.");
        }

        var updated = await store.UpdateAsync(session.CallId,
            s => CallStateMachine.TryMoveTo(s, CallState.Ending, time.GetUtcNow(), "hang-up requested through the API") == CallTransitionResult.Applied,
            CancellationToken.None);
        return Results.Json(SessionView.Of(updated ?? session), statusCode: StatusCodes.Status202Accepted);
    }

    private static async Task<(CallSession? Session, IResult? Refusal)> LoadAsync(string id, ITenantContext context, ICallSessionStore store, CancellationToken cancellationToken)
    {
        var session = CallIdFormat.IsValid(id) ? await store.GetAsync(id, cancellationToken) : null;
        if (session is null)
        {
            return (null, ApiResults.NotFound("No such session."));
        }

        return context.TryAccess(session.TenantId)
            ? (session, null)
            : (null, ApiResults.Forbidden("This session belongs to another tenant."));
    }

    private static (List<KeyValuePair<string, string?>>? Changes, string? Error) ParseMetadata(BinaryData body)
    {
        try
        {
            using var document = JsonDocument.Parse(body.ToMemory());
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return (null, "The body must be a JSON object of string values, e.g. {\"customerId\":\"C-42\"}; null removes a key.");
            }

            var changes = new List<KeyValuePair<string, string?>>();
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (!SessionMetadataLimits.IsValidKey(property.Name))
                {
                    return (null, $"Metadata keys are 1–{SessionMetadataLimits.MaxKeyLength} ASCII letters, digits, '-', '_', '.' or ':'.");
                }

                switch (property.Value.ValueKind)
                {
                    case JsonValueKind.Null:
                        changes.Add(new(property.Name, null));
                        break;
                    case JsonValueKind.String when property.Value.GetString()!.Length <= SessionMetadataLimits.MaxValueLength:
                        changes.Add(new(property.Name, property.Value.GetString()));
                        break;
                    case JsonValueKind.String:
                        return (null, $"Metadata values are at most {SessionMetadataLimits.MaxValueLength} characters.");
                    default:
                        return (null, $"The value of '{property.Name}' must be a string or null.");
                }
            }

            return (changes, null);
        }
        catch (JsonException)
        {
            return (null, "The body is not valid JSON.");
        }
    }

    internal sealed record SessionList(IReadOnlyList<SessionView> Sessions);
}
