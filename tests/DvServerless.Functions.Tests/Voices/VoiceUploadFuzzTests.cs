using System.Text;
using CsCheck;
using DvServerless.Core.Voices;
using DvServerless.Functions.Voices;
using DvServerless.Testing.Fuzzing;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;

namespace DvServerless.Functions.Tests.Voices;

/// <summary>
/// Hostile multipart voice uploads: reading one gives an upload or a 4xx result, never an exception, allocates at most
/// linearly in the body's size, and stores nothing (it has no store to touch).
/// </summary>
public sealed class VoiceUploadFuzzTests
{
    private const string Boundary = "----dvsBoundary7MA4YWxkTrZu0gW";

    private static readonly string[] Parts =
    [
        "Content-Disposition: form-data; name=\"name\"\r\n\r\nJane",
        "Content-Disposition: form-data; name=\"description\"\r\n\r\nwarm voice",
        "Content-Disposition: form-data; name=\"consent\"\r\n\r\n{\"by\":\"Jane Doe\",\"at\":\"2026-03-01T09:30:00Z\"}",
        "Content-Disposition: form-data; name=\"consent\"\r\n\r\n{\"\\uD800\":\"x\",\"by\":\"J\",\"at\":\"2026-03-01T09:30:00Z\"}",
        "Content-Disposition: form-data; name=\"consent\"\r\n\r\n{\"by\":\"J\\uDC00\",\"at\":1e400}",
        "Content-Disposition: form-data; name=\"consent\"\r\n\r\n{" + new string('[', 2000),
        "Content-Disposition: form-data; name=\"consentBy\"\r\n\r\nJane",
        "Content-Disposition: form-data; name=\"consentAt\"\r\n\r\n9999-99-99",
        "Content-Disposition: form-data; name=\"file\"; filename=\"sample.wav\"\r\nContent-Type: audio/wav\r\n\r\nRIFF\u0024\u0000\u0000\u0000WAVEfmt ",
        "Content-Disposition: form-data; name=\"files\"; filename=\"\\uD800.wav\"\r\n\r\nabc",
        "Content-Disposition: form-data; filename=\"x\"\r\n\r\nno name",
        "Content-Disposition: form-data; name=\"" + new string('n', 3000) + "\"\r\n\r\nlong name",
        "Content-Type: text/plain\r\n\r\nno disposition",
        "X-A: 1\r\nX-B: 2\r\nX-C: 3\r\nX-D: 4\r\nX-E: 5\r\nX-F: 6\r\nX-G: 7\r\nX-H: 8\r\nX-I: 9\r\nX-J: 10\r\nX-K: 11\r\nX-L: 12\r\nX-M: 13\r\nX-N: 14\r\nX-O: 15\r\nX-P: 16\r\nX-Q: 17\r\n\r\nmany headers",
    ];

    private static readonly string[] ContentTypes =
    [
        "multipart/form-data; boundary=" + Boundary, "multipart/form-data; boundary=\"" + Boundary + "\"", "multipart/form-data",
        "multipart/form-data; boundary=" + new string('b', 200), "multipart/form-data; boundary=other", "multipart/mixed; boundary=" + Boundary,
        "application/x-www-form-urlencoded", "multipart/form-data; boundary=" + Boundary + "; charset=\uD800",
    ];

    private static readonly Gen<(string ContentType, byte[] Body)> Uploads =
        Gen.Select(Gen.OneOf(ContentTypes), Gen.Int[0, Parts.Length - 1].Array[0, 8], Gen.Int, (type, parts, seed) => (type, Body(parts, new Random(seed))));

    [Fact]
    public void Uploads_give_a_sample_or_a_4xx()
    {
        Fuzz.Check(Uploads, upload =>
        {
            var context = new DefaultHttpContext();
            context.Request.Method = "POST";
            context.Request.ContentType = upload.ContentType;
            context.Request.Body = new MemoryStream(upload.Body);
            context.Request.ContentLength = upload.Body.Length;
            (VoiceSampleUpload? Upload, IResult? Error) read = default;

            // The reader runs synchronously over a MemoryStream, so this thread sees all it allocates.
            Fuzz.WithinAllocation(Fuzz.LinearBound(upload.Body.Length), () =>
                read = VoiceRequests.ReadUploadAsync(context.Request, NullLogger.Instance, CancellationToken.None).GetAwaiter().GetResult());
            var (sample, error) = read;
            Assert.True(sample is null ^ error is null);
            if (error is IStatusCodeHttpResult { StatusCode: { } status })
            {
                Assert.InRange(status, 400, 499);
            }
        }, upload => upload.ContentType + " | " + HostileJson.Print(upload.Body));
    }

    private static byte[] Body(int[] parts, Random random)
    {
        var text = new StringBuilder();
        foreach (var part in parts)
        {
            text.Append("--").Append(Boundary).Append("\r\n").Append(Parts[part]).Append("\r\n");
        }

        text.Append("--").Append(Boundary).Append("--\r\n");
        var bytes = Encoding.UTF8.GetBytes(text.ToString());
        switch (random.Next(4))
        {
            case 0:
                return bytes.AsSpan(0, random.Next(bytes.Length + 1)).ToArray();
            case 1:
                var at = random.Next(bytes.Length + 1);
                var bad = HostileValues.InvalidUtf8[random.Next(HostileValues.InvalidUtf8.Count)];
                return [.. bytes.AsSpan(0, at), .. bad, .. bytes.AsSpan(at)];
            default:
                return bytes;
        }
    }
}
