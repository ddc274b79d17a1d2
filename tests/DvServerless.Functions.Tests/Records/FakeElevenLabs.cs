using DvServerless.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace DvServerless.Functions.Tests.Records;

/// <summary>A local HTTP stand-in for the ElevenLabs voice API that records the clone requests it gets.</summary>
public sealed class FakeElevenLabs : IAsyncDisposable
{
    public const string ApiKey = "el-test-key";

    private readonly WebApplication _app;

    private FakeElevenLabs(WebApplication app)
    {
        _app = app;
    }

    public Uri BaseUrl { get; private set; } = null!;

    public List<CloneRequest> Clones { get; } = [];

    public List<string> Deleted { get; } = [];

    /// <summary>When set, every request is answered 500 with this text in the body (what a provider's error detail looks like).</summary>
    public string? FailureText { get; set; }

    public static async Task<FakeElevenLabs> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(BoundAddress.LoopbackAny);
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = 20 * 1024 * 1024);
        var app = builder.Build();
        var fake = new FakeElevenLabs(app);
        app.Use(async (context, next) =>
        {
            if (fake.FailureText is { } text)
            {
                context.Response.StatusCode = StatusCodes.Status500InternalServerError;
                await context.Response.WriteAsJsonAsync(new { detail = new { status = "internal_error", message = text } });
                return;
            }

            await next(context);
        });
        app.MapPost("/v1/voices/add", async (HttpContext context) =>
        {
            var form = await context.Request.ReadFormAsync();
            var file = form.Files.GetFile("files");
            using var content = new MemoryStream();
            if (file is not null)
            {
                await file.CopyToAsync(content);
            }

            lock (fake.Clones)
            {
                fake.Clones.Add(new CloneRequest(context.Request.Headers["xi-api-key"].ToString(), context.Request.ContentType ?? string.Empty,
                    form["name"].ToString(), form["description"].ToString(), file?.FileName, file?.ContentType, content.ToArray()));
            }

            return Results.Json(new { voice_id = "el-voice-123", requires_verification = false });
        });
        app.MapDelete("/v1/voices/{id}", (string id) =>
        {
            lock (fake.Deleted)
            {
                fake.Deleted.Add(id);
            }

            return Results.Json(new { status = "ok" });
        });
        // The shared account: a premade voice, the clone this fake makes, and another tenant's clone.
        app.MapGet("/v1/voices", () => Results.Json(new
        {
            voices = new[]
            {
                new { voice_id = "el-premade-1", name = "Premade One", category = "premade" },
                new { voice_id = "el-voice-123", name = "Jane", category = "cloned" },
                new { voice_id = "el-other-tenant", name = "Someone else", category = "cloned" },
            },
        }));
        await app.StartAsync();
        fake.BaseUrl = BoundAddress.Of(app);
        return fake;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    public sealed record CloneRequest(string ApiKey, string ContentType, string Name, string Description, string? FileName, string? FileContentType, byte[] File);
}
