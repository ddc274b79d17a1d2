using System.Net;
using System.Text;
using Azure.Storage.Blobs;
using DvServerless.Adapters.Storage;
using DvServerless.Adapters.Tests.Tts;
using DvServerless.Adapters.Tts;
using DvServerless.Adapters.Voices;
using DvServerless.Core.Audio;
using DvServerless.Core.Voices;
using DvServerless.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace DvServerless.Adapters.Tests.Voices;

public sealed class VoiceServiceTests : IClassFixture<AzuriteFixture>
{
    private static readonly VoiceConsent Consent = new("Jane Doe", new DateTimeOffset(2026, 1, 10, 3, 0, 0, TimeSpan.Zero));
    private readonly AzuriteFixture _azurite;

    public VoiceServiceTests(AzuriteFixture azurite) => _azurite = azurite;

    private VoiceService Create(RecordingHandler handler, string? key, int maxVoices = 20) => new(
        new BlobVoiceLibrary(new BlobContainerClient(_azurite.Require(), "voices-" + Guid.NewGuid().ToString("N")[..10])),
        new ElevenLabsVoiceClient(new HttpClient(handler), Options.Create(new ElevenLabsOptions { ApiKey = key, BaseUrl = new Uri("http://127.0.0.1:9/") })),
        Options.Create(new VoiceLibraryOptions { MaxVoicesPerTenant = maxVoices }),
        TimeProvider.System,
        NullLogger<VoiceService>.Instance);

    private static byte[] Wav(double seconds) => WavFile.Encode(new byte[(int)(16_000 * seconds) * 2], 16_000);

    [SkippableFact]
    public async Task Add_clones_with_the_exact_multipart_request_and_delete_removes_everything()
    {
        var handler = new RecordingHandler
        {
            Respond = r => r.Method == HttpMethod.Post
                ? new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("{\"voice_id\":\"el_123\",\"requires_verification\":false}") }
                : new HttpResponseMessage(HttpStatusCode.OK),
        };
        var service = Create(handler, "test-key");
        var sample = Wav(4);

        var result = await service.AddAsync("tenant-a", new VoiceSampleUpload("Jane", "Warm voice", Consent, sample, "jane.wav"));

        Assert.True(result.Succeeded);
        Assert.Equal(VoiceStatus.Ready, result.Voice!.Status);
        Assert.Equal("el_123", result.Voice.ProviderVoiceId);
        var (request, body) = Assert.Single(handler.Requests);
        Assert.Equal("http://127.0.0.1:9/v1/voices/add", request.RequestUri!.ToString());
        Assert.Equal("test-key", Assert.Single(request.Headers.GetValues("xi-api-key")));
        Assert.Equal("multipart/form-data", request.Content!.Headers.ContentType!.MediaType);
        var text = Encoding.Latin1.GetString(body);
        Assert.Contains("Content-Disposition: form-data; name=name\r\n\r\nJane\r\n", text);
        Assert.Contains("Content-Disposition: form-data; name=description\r\n\r\nWarm voice\r\n", text);
        Assert.Contains("Content-Disposition: form-data; name=files; filename=sample.wav", text);
        Assert.Contains("Content-Type: audio/wav", text);
        Assert.Contains(Encoding.Latin1.GetString(sample), text);

        var listing = await service.ListAsync("tenant-a", includeLive: false);
        Assert.Equal("Jane Doe", Assert.Single(listing.Library).Consent.By);
        Assert.NotEmpty(listing.ElevenLabsKorean);

        Assert.True(await service.DeleteAsync("tenant-a", result.Voice.Id));
        Assert.Equal(HttpMethod.Delete, handler.Requests[^1].Request.Method);
        Assert.Equal("http://127.0.0.1:9/v1/voices/el_123", handler.Requests[^1].Request.RequestUri!.ToString());
        Assert.Empty((await service.ListAsync("tenant-a", includeLive: false)).Library);
    }

    [SkippableFact]
    public async Task Without_a_key_the_voice_is_pending_and_says_why()
    {
        var handler = new RecordingHandler();
        var result = await Create(handler, null).AddAsync("tenant-a", new VoiceSampleUpload("Jane", null, Consent, Wav(4)));
        Assert.Equal(VoiceStatus.Pending, result.Voice!.Status);
        Assert.Contains("No ElevenLabs API key", result.Message);
        Assert.Empty(handler.Requests);
    }

    [SkippableFact]
    public async Task Bad_samples_store_nothing()
    {
        var service = Create(new RecordingHandler(), "k");
        Assert.False((await service.AddAsync("tenant-a", new VoiceSampleUpload("Jane", null, Consent, Wav(0.5)))).Succeeded);
        Assert.False((await service.AddAsync("tenant-a", new VoiceSampleUpload("Jane", null, null, Wav(4)))).Succeeded);
        Assert.Empty((await service.ListAsync("tenant-a", includeLive: false)).Library);
    }

    [SkippableFact]
    public async Task A_full_library_refuses_the_next_voice_and_stores_nothing()
    {
        var handler = new RecordingHandler();
        var service = Create(handler, null, maxVoices: 2);
        Assert.True((await service.AddAsync("tenant-a", new VoiceSampleUpload("One", null, Consent, Wav(4)))).Succeeded);
        Assert.True((await service.AddAsync("tenant-a", new VoiceSampleUpload("Two", null, Consent, Wav(4)))).Succeeded);

        var third = await service.AddAsync("tenant-a", new VoiceSampleUpload("Three", null, Consent, Wav(4)));
        var otherTenant = await service.AddAsync("tenant-b", new VoiceSampleUpload("B", null, Consent, Wav(4)));

        Assert.True(third.QuotaExceeded);
        Assert.False(third.Succeeded);
        Assert.Contains("at most 2", third.Message);
        Assert.Equal(["One", "Two"], (await service.ListAsync("tenant-a", includeLive: false)).Library.Select(v => v.Name).Order());
        Assert.True(otherTenant.Succeeded);
    }

    [SkippableFact]
    public async Task The_live_elevenlabs_list_shows_premade_voices_and_the_tenants_own_clones_only()
    {
        var handler = new RecordingHandler
        {
            Respond = r => r.Method == HttpMethod.Post
                ? new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("{\"voice_id\":\"el_own\"}") }
                : new HttpResponseMessage(HttpStatusCode.OK)
                {
                    Content = new StringContent("""
                        {"voices":[
                          {"voice_id":"el_premade","name":"Rachel","category":"premade"},
                          {"voice_id":"el_other","name":"Other tenant's clone","category":"cloned"},
                          {"voice_id":"el_own","name":"Jane","category":"cloned"},
                          {"voice_id":"el_generated","name":"Someone's design","category":"generated"}
                        ]}
                        """),
                },
        };
        var service = Create(handler, "test-key");
        Assert.True((await service.AddAsync("tenant-a", new VoiceSampleUpload("Jane", null, Consent, Wav(4)))).Succeeded);

        var tenantA = await service.ListAsync("tenant-a");
        var tenantB = await service.ListAsync("tenant-b");

        Assert.Equal(["el_own", "el_premade"], tenantA.ElevenLabsLive!.Select(v => v.VoiceId).Order());
        Assert.Equal(["el_premade"], tenantB.ElevenLabsLive!.Select(v => v.VoiceId));
    }
}
