using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using DvServerless.Core.Audio;
using DvServerless.Testing;

namespace DvServerless.Functions.Tests.Records;

/// <summary>POST/GET/DELETE /api/voices (and the ElevenLabs aliases) over Azurite with a local fake ElevenLabs.</summary>
public sealed class VoicesApiTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private const string Consent = """{"by":"Jane Doe","at":"2026-03-01T09:30:00Z"}""";

    [SkippableFact]
    public async Task A_valid_sample_is_cloned_at_elevenlabs_with_a_multipart_request_listed_and_deleted()
    {
        await using var elevenLabs = await FakeElevenLabs.StartAsync();
        await using var host = await RecordsApiHost.StartAsync(azurite.Require(), new Dictionary<string, string?>
        {
            ["ElevenLabs:ApiKey"] = FakeElevenLabs.ApiKey,
            ["ElevenLabs:BaseUrl"] = elevenLabs.BaseUrl.ToString(),
        });
        var wav = Wav(TimeSpan.FromSeconds(4));

        using var created = await host.Client.PostAsync("/api/voices", Form("Jane", "warm voice", Consent, wav, "sample.bin"));

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await created.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("ready", body.GetProperty("status").GetString());
        Assert.Equal("el-voice-123", body.GetProperty("providerVoiceId").GetString());
        var clone = Assert.Single(elevenLabs.Clones);
        Assert.Equal(FakeElevenLabs.ApiKey, clone.ApiKey);
        Assert.StartsWith("multipart/form-data", clone.ContentType);
        Assert.Equal("Jane", clone.Name);
        Assert.Equal("warm voice", clone.Description);
        Assert.Equal("audio/wav", clone.FileContentType);
        Assert.Equal(wav, clone.File);

        var voiceId = body.GetProperty("voiceId").GetString()!;
        using var list = await host.Client.GetAsync("/api/voices");
        var listing = await list.Content.ReadFromJsonAsync<JsonElement>();
        var library = listing.GetProperty("library").EnumerateArray().ToArray();
        var voice = Assert.Single(library, v => v.GetProperty("id").GetString() == voiceId);
        Assert.Equal("Jane Doe", voice.GetProperty("consent").GetProperty("by").GetString());
        Assert.NotEmpty(listing.GetProperty("openAI").EnumerateArray());
        Assert.Equal(
            ["el-premade-1", "el-voice-123"],
            listing.GetProperty("elevenLabsLive").EnumerateArray().Select(v => v.GetProperty("voiceId").GetString()!).Order());

        using var alias = await host.Client.GetAsync("/api/v1/config/apikeys/voices/elevenlabs/fetch");
        Assert.Equal(HttpStatusCode.OK, alias.StatusCode);

        using var deleted = await host.Client.DeleteAsync($"/api/voices/{voiceId}");
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(["el-voice-123"], elevenLabs.Deleted);
        using var again = await host.Client.DeleteAsync($"/api/voices/{voiceId}");
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
    }

    [SkippableFact]
    public async Task The_providers_error_text_reaches_the_log_but_never_the_api_caller()
    {
        const string Upstream = "upstream-detail-7f3a: quota of workspace ws_91 exceeded";
        await using var elevenLabs = await FakeElevenLabs.StartAsync();
        var logs = new CapturingLoggerProvider();
        await using var host = await RecordsApiHost.StartAsync(azurite.Require(), new Dictionary<string, string?>
        {
            ["ElevenLabs:ApiKey"] = FakeElevenLabs.ApiKey,
            ["ElevenLabs:BaseUrl"] = elevenLabs.BaseUrl.ToString(),
        }, logs);
        using var created = await host.Client.PostAsync("/api/voices", Form("Jane", "warm voice", Consent, Wav(TimeSpan.FromSeconds(4)), "sample.wav"));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var voiceId = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("voiceId").GetString();
        elevenLabs.FailureText = Upstream;

        using var pending = await host.Client.PostAsync("/api/voices", Form("Joe", "second", Consent, Wav(TimeSpan.FromSeconds(4)), "sample.wav"));
        using var list = await host.Client.GetAsync("/api/voices");
        using var delete = await host.Client.DeleteAsync($"/api/voices/{voiceId}");

        Assert.Equal(HttpStatusCode.Created, pending.StatusCode);
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        Assert.Equal(HttpStatusCode.BadGateway, delete.StatusCode);
        foreach (var response in new[] { pending, list, delete })
        {
            Assert.DoesNotContain("upstream-detail-7f3a", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        Assert.Contains(logs.Messages, m => m.Contains("upstream-detail-7f3a", StringComparison.Ordinal));
    }

    [SkippableFact]
    public async Task Without_a_key_the_voice_is_stored_as_pending_through_the_clone_alias()
    {
        await using var host = await RecordsApiHost.StartAsync(azurite.Require());

        using var created = await host.Client.PostAsync("/api/v1/config/apikeys/voices/elevenlabs/clone", Form("Jane", null, Consent, Wav(TimeSpan.FromSeconds(3.5)), "jane.wav"));

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await created.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("pending", body.GetProperty("status").GetString());
        Assert.Contains("No ElevenLabs API key", body.GetProperty("message").GetString());
    }

    [SkippableFact]
    public async Task Wrong_magic_bytes_are_400_unsupported_format_even_with_an_audio_file_name()
    {
        await using var host = await RecordsApiHost.StartAsync(azurite.Require());
        var notAudio = new byte[200_000];
        "%PDF-1.7"u8.CopyTo(notAudio);

        using var response = await host.Client.PostAsync("/api/voices", Form("Jane", null, Consent, notAudio, "voice.wav"));

        await AssertErrorAsync(response, HttpStatusCode.BadRequest, "unsupported_format");
    }

    [SkippableFact]
    public async Task An_11_mb_file_is_413_file_too_large()
    {
        await using var host = await RecordsApiHost.StartAsync(azurite.Require());
        var big = Wav(TimeSpan.FromSeconds(240)); // 24 kHz PCM16: about 11.5 MB

        using var response = await host.Client.PostAsync("/api/voices", Form("Jane", null, Consent, big, "big.wav"));

        await AssertErrorAsync(response, HttpStatusCode.RequestEntityTooLarge, "file_too_large");
    }

    [SkippableFact]
    public async Task Half_a_second_of_audio_is_400_audio_too_short()
    {
        await using var host = await RecordsApiHost.StartAsync(azurite.Require());

        using var response = await host.Client.PostAsync("/api/voices", Form("Jane", null, Consent, Wav(TimeSpan.FromSeconds(0.5)), "short.wav"));

        await AssertErrorAsync(response, HttpStatusCode.BadRequest, "audio_too_short");
    }

    [SkippableTheory]
    [InlineData(null)]
    [InlineData("""{"by":"Jane Doe"}""")]
    [InlineData("yes")]
    public async Task Missing_or_incomplete_consent_is_400_consent_required(string? consent)
    {
        await using var host = await RecordsApiHost.StartAsync(azurite.Require());

        var name = "no-consent-" + Guid.NewGuid().ToString("N")[..8];
        using var response = await host.Client.PostAsync("/api/voices", Form(name, null, consent, Wav(TimeSpan.FromSeconds(4)), "jane.wav"));

        await AssertErrorAsync(response, HttpStatusCode.BadRequest, "consent_required");
        using var list = await host.Client.GetAsync("/api/voices?live=false");
        Assert.DoesNotContain((await list.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("library").EnumerateArray(), v => v.GetProperty("name").GetString() == name);
    }

    [SkippableFact]
    public async Task Consent_as_separate_fields_is_accepted()
    {
        await using var host = await RecordsApiHost.StartAsync(azurite.Require());
        var form = Form("Jane", null, null, Wav(TimeSpan.FromSeconds(4)), "jane.wav");
        form.Add(new StringContent("Jane Doe"), "consentBy");
        form.Add(new StringContent("2026-03-01T09:30:00Z"), "consentAt");

        using var response = await host.Client.PostAsync("/api/voices", form);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [SkippableFact]
    public async Task A_tenant_with_a_full_voice_library_gets_409_and_nothing_is_stored()
    {
        await using var host = await Tenants.TenantApiHost.StartAsync(azurite.Require(), new Dictionary<string, string?> { ["Voices:MaxVoicesPerTenant"] = "1" });
        var tenant = "quota-" + Guid.NewGuid().ToString("N")[..8];

        using var first = await SendAsAdminAsync(host, HttpMethod.Post, $"/api/voices?tenant={tenant}", Form("One", null, Consent, Wav(TimeSpan.FromSeconds(4)), "one.wav"));
        using var second = await SendAsAdminAsync(host, HttpMethod.Post, $"/api/voices?tenant={tenant}", Form("Two", null, Consent, Wav(TimeSpan.FromSeconds(4)), "two.wav"));
        using var list = await SendAsAdminAsync(host, HttpMethod.Get, $"/api/voices?live=false&tenant={tenant}", null);

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        await AssertErrorAsync(second, HttpStatusCode.Conflict, "voice_quota_exceeded");
        Assert.Equal(["One"], (await list.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("library").EnumerateArray().Select(v => v.GetProperty("name").GetString()));
    }

    private static async Task<HttpResponseMessage> SendAsAdminAsync(Tenants.TenantApiHost host, HttpMethod method, string path, HttpContent? content)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        request.Headers.Add("X-Api-Key", Tenants.TenantApiHost.AdminKey);
        return await host.Client.SendAsync(request);
    }

    private static async Task AssertErrorAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        Assert.Equal(status, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var codes = body.TryGetProperty("errors", out var errors) ? errors.EnumerateArray().Select(e => e.GetProperty("code").GetString()).Append(body.GetProperty("error").GetString()) : [body.GetProperty("error").GetString()];
        Assert.Contains(code, codes);
        Assert.False(string.IsNullOrWhiteSpace(body.GetProperty("message").GetString()));
    }

    private static MultipartFormDataContent Form(string? name, string? description, string? consent, byte[] file, string fileName)
    {
        var form = new MultipartFormDataContent();
        if (name is not null)
        {
            form.Add(new StringContent(name), "name");
        }

        if (description is not null)
        {
            form.Add(new StringContent(description), "description");
        }

        if (consent is not null)
        {
            form.Add(new StringContent(consent), "consent");
        }

        var content = new ByteArrayContent(file);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(content, "file", fileName);
        return form;
    }

    private static byte[] Wav(TimeSpan duration)
    {
        var pcm = new byte[(int)(AudioFormat.Pcm24k.BytesPerMillisecond * duration.TotalMilliseconds)];
        for (var i = 0; i < pcm.Length / 2; i++)
        {
            var sample = (short)(Math.Sin(i * 2 * Math.PI * 220 / 24_000) * 8000);
            pcm[2 * i] = (byte)sample;
            pcm[(2 * i) + 1] = (byte)(sample >> 8);
        }

        using var stream = new MemoryStream();
        WavFile.Write(stream, pcm, 24_000);
        return stream.ToArray();
    }
}
