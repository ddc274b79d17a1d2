using System.Text;
using System.Text.Json;
using CsCheck;
using DvServerless.Adapters.Storage;
using DvServerless.Functions.Http;
using DvServerless.Functions.Records;
using DvServerless.Testing.Fuzzing;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace DvServerless.Functions.Tests.Records;

/// <summary>
/// Hostile bodies for <c>POST /api/v1/minutes/{confId}/transcripts</c>, read as the function reads them (System.Text.Json
/// with web defaults, then <see cref="ConferenceTranscriptValidator"/>): the body is refused with
/// <see cref="JsonException"/> (400 <c>invalid_json</c>) or read; the validator never throws; whatever it finds wrong
/// is written as the 400 body, which is JSON; and nothing it accepts breaks the limits it states.
/// </summary>
public sealed class ConferenceTranscriptBodyFuzzTests
{
    // As ConferenceTranscriptsFunction reads the body.
    private static readonly JsonSerializerOptions BodyOptions = new(JsonSerializerDefaults.Web);
    private static readonly IServiceProvider Services = new ServiceCollection().AddLogging().BuildServiceProvider();

    private static readonly string[] Bodies =
    [
        """{"source":"bridge","startedAt":"2026-12-06T10:00:00Z","callIds":["call-1","call_2"],"segments":[{"speaker":"Ann","text":"Hello","startMs":0,"endMs":900,"language":"en-GB","confidence":0.9,"sentiment":"positive"},{"speaker":"Bob","text":"Hi","startMs":1000}]}""",
        """{"segments":[{"speaker":"Ann","text":"Only this","startMs":5}]}""",
    ];

    [Fact]
    public void Bodies_are_refused_as_json_or_validated_and_every_problem_is_written_as_a_400()
    {
        var bodies = Gen.OneOf(HostileJson.Variants(Bodies), Gen.Int.Select(seed => Body(new Random(seed))));
        Fuzz.Check(bodies, body =>
        {
            ConferenceTranscriptSubmission? submission = null;
            IReadOnlyList<string> errors = [];
            Fuzz.WithinAllocation(Fuzz.LinearBound(body.Length), () =>
            {
                if (!Fuzz.Fails(() => submission = BinaryData.FromBytes(body).ToObjectFromJson<ConferenceTranscriptSubmission>(BodyOptions), typeof(JsonException)))
                {
                    errors = ConferenceTranscriptValidator.Validate(submission);
                }
            });

            if (errors.Count > 0)
            {
                var details = errors.Select(e => new ErrorDetail("invalid_segment", e)).ToList();
                var written = Execute(ErrorResults.Error(StatusCodes.Status400BadRequest, "invalid_segments", string.Join(" ", errors), details));
                Assert.Equal(errors.Count, written.RootElement.GetProperty("errors").GetArrayLength());
            }
            else if (submission is not null)
            {
                Assert.InRange(submission.Segments!.Count, 1, ConferenceTranscriptValidator.MaxSegments);
                Assert.All(submission.Segments, s =>
                {
                    Assert.False(string.IsNullOrWhiteSpace(s.Speaker));
                    Assert.InRange(s.Text!.Length, 1, ConferenceTranscriptValidator.MaxTextLength);
                    Assert.True(s.StartMs >= 0 && (s.EndMs is null || s.EndMs >= s.StartMs));
                });
                Assert.All(submission.CallIds ?? [], id => Assert.True(CallIdFormat.IsValid(id)));
            }
        }, HostileJson.Print);
    }

    /// <summary>Writes <paramref name="result"/> as the Functions host would and reads the body back.</summary>
    private static JsonDocument Execute(IResult result)
    {
        var context = new DefaultHttpContext { RequestServices = Services };
        using var body = new MemoryStream();
        context.Response.Body = body;
        result.ExecuteAsync(context).GetAwaiter().GetResult();
        Assert.Equal(StatusCodes.Status400BadRequest, context.Response.StatusCode);
        return JsonDocument.Parse(body.ToArray());
    }

    /// <summary>
    /// Bodies near the limits: call ids whose 40th character is half of a surrogate pair (the error message cuts ids
    /// there), texts around 4,000 characters, speakers around 64, odd numbers.
    /// </summary>
    private static byte[] Body(Random random)
    {
        string Repeat(string unit, int count) => string.Concat(Enumerable.Repeat(unit, count));
        var callIds = Enumerable.Range(0, random.Next(4)).Select(_ => random.Next(4) switch
        {
            0 => new string('a', 39) + "😀x",
            1 => "call-" + random.Next(),
            2 => new string('b', random.Next(30, 45)) + "é",
            _ => Repeat("😀", random.Next(15, 25)),
        }).ToList();
        var many = random.Next(8) == 0;
        var segments = Enumerable.Range(0, many ? random.Next(495, 505) : random.Next(0, 4)).Select(_ => many ? new
        {
            speaker = "Ann", text = "Hi", startMs = random.Next(1000), endMs = (long?)null, confidence = (double?)null, language = "en",
        } : new
        {
            speaker = random.Next(5) == 0 ? Repeat("😀", random.Next(30, 34)) : random.Next(5) == 0 ? new string(' ', 3) : "Ann",
            text = random.Next(5) == 0 ? Repeat("😀", random.Next(1995, 2005)) : random.Next(8) == 0 ? new string('x', random.Next(3995, 4005)) : "Hello",
            startMs = random.Next(6) == 0 ? -random.Next(5) : random.Next(1000),
            endMs = random.Next(3) == 0 ? (long?)null : random.Next(-10, 2000),
            confidence = random.Next(5) == 0 ? (double?)random.Next(-2, 3) / 2 : null,
            language = random.Next(6) == 0 ? new string('e', random.Next(30, 40)) : "en",
        }).ToList();
        return Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new { source = random.Next(6) == 0 ? new string('s', 65) : "bridge", callIds, segments }));
    }
}
