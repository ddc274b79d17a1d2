using DvServerless.Functions.Auth;
using DvServerless.Functions.BrowserSessions;
using DvServerless.Functions.CallCommands;
using DvServerless.Functions.Realtime;
using DvServerless.Testing.Fuzzing;
using Microsoft.AspNetCore.Http;

namespace DvServerless.Functions.Tests.Auth;

/// <summary>
/// Hostile tenant JSON bodies: the API-key exchange reads a key or none, and the voice, say and client-secret bodies
/// read a value or a 400 result, never an exception (which would be a 500).
/// </summary>
public sealed class TenantJsonBodyFuzzTests
{
    [Fact]
    public void The_api_key_body_gives_a_key_or_none()
    {
        Fuzz.Check(HostileJson.Variants("""{"apiKey":"dvs_live_0123456789abcdef"}""", """{"apiKey":null,"other":1}"""), body =>
            Fuzz.WithinAllocation(Fuzz.LinearBound(body.Length), () => AuthTokenFunction.ApiKeyOf(BinaryData.FromBytes(body))),
            HostileJson.Print);
    }

    [Fact]
    public void Voice_say_and_client_secret_bodies_give_a_value_or_an_error()
    {
        var gen = HostileJson.Variants(
            """{"user_name":"Ann","welcome":"Hi","max_duration":300,"expected_engine_id":"e1","segment_code":"s"}""",
            """{"room_name":"r1","enabled":true}""",
            """{"text":"Hello there","voice":"alloy","interrupt":false}""",
            """{"expires_after_seconds":600}""");
        Fuzz.Check(gen, body =>
        {
            AssertValueOrError(Read<VoiceStartRequest>(body, new VoiceStartRequest()));
            AssertValueOrError(Read<VoiceRoomRequest>(body, null));
            AssertValueOrError(Read<SayRequest>(body, null));
            AssertValueOrError(Read<ClientSecretRequest>(body, new ClientSecretRequest()));
        }, HostileJson.Print);
    }

    private static (T? Value, IResult? Error) Read<T>(byte[] body, T? empty)
        where T : class
    {
        var context = new DefaultHttpContext();
        context.Request.Body = new MemoryStream(body);
        context.Request.ContentLength = body.Length;
        context.Request.ContentType = "application/json";
        return VoiceRequestBody.ReadAsync(context.Request, empty, CancellationToken.None).GetAwaiter().GetResult();
    }

    private static void AssertValueOrError<T>((T? Value, IResult? Error) result) => Assert.True(result.Value is null ^ result.Error is null);
}
