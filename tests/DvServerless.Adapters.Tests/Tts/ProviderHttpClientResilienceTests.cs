using System.Net;
using System.Net.Http.Headers;
using DvServerless.Adapters.Tts;
using DvServerless.Core.Audio;
using DvServerless.Core.Tts;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace DvServerless.Adapters.Tests.Tts;

/// <summary>Provider APIs are reached through IHttpClientFactory clients with the standard resilience pipeline.</summary>
public sealed class ProviderHttpClientResilienceTests
{
    [Fact]
    public async Task A_tts_provider_busy_answer_is_retried_after_its_retry_after()
    {
        var handler = new RecordingHandler();
        var answers = new Queue<HttpStatusCode>([HttpStatusCode.ServiceUnavailable, HttpStatusCode.OK]);
        handler.Respond = _ => Answer(answers.Dequeue(), retryAfter: TimeSpan.Zero, new byte[4800]);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["OpenAITts:ApiKey"] = "sk-test",
            ["OpenAITts:BaseUrl"] = "http://127.0.0.1:9/",
        }).Build();
        var services = new ServiceCollection().AddLogging();
        services.AddDvServerlessTts(configuration);
        services.AddHttpClient(TtsServiceCollectionExtensions.OpenAITtsHttpClientName).ConfigurePrimaryHttpMessageHandler(() => handler);
        await using var provider = services.BuildServiceProvider();

        var pcm = await provider.GetRequiredService<OpenAITextToSpeech>().SynthesizeAsync(new TtsRequest("Hi", "marin", AudioFormat.Pcm24k));

        Assert.Equal(4800, pcm.Length);
        Assert.Equal(2, handler.Requests.Count);
    }

    [Fact]
    public async Task Without_unsafe_retries_a_post_is_sent_once_and_a_get_is_retried()
    {
        var handler = new RecordingHandler();
        handler.Respond = request => Answer(
            handler.Requests.Count(r => r.Request.Method == request.Method) == 1 ? HttpStatusCode.ServiceUnavailable : HttpStatusCode.OK, TimeSpan.Zero, []);
        var services = new ServiceCollection().AddLogging();
        services.AddProviderHttpClient("provider", retryUnsafeMethods: false).ConfigurePrimaryHttpMessageHandler(() => handler);
        await using var provider = services.BuildServiceProvider();
        var client = provider.GetRequiredService<IHttpClientFactory>().CreateClient("provider");

        using var post = await client.PostAsync(new Uri("http://127.0.0.1:9/v1/voices/add"), new ByteArrayContent([1]));
        using var get = await client.GetAsync(new Uri("http://127.0.0.1:9/v1/voices"));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, post.StatusCode);
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal(1, handler.Requests.Count(r => r.Request.Method == HttpMethod.Post));
        Assert.Equal(2, handler.Requests.Count(r => r.Request.Method == HttpMethod.Get));
    }

    private static HttpResponseMessage Answer(HttpStatusCode status, TimeSpan retryAfter, byte[] body)
    {
        var response = new HttpResponseMessage(status) { Content = new ByteArrayContent(body) };
        if (status != HttpStatusCode.OK)
        {
            response.Headers.RetryAfter = new RetryConditionHeaderValue(retryAfter);
        }

        return response;
    }
}
