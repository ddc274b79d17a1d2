using System.Text.Json;
using DvServerless.Core.Audio;
using DvServerless.Testing;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace DvServerless.Browser.Tests;

/// <summary>
/// Measures, in real Chromium against the Realtime simulator, (a) mic-to-first-agent-audio: from the end of the caller's
/// speech to the first agent sample played by the page's playback worklet, and (b) barge-in reaction: from the start of
/// the caller's speech over the agent to the flush of the playback ring buffer (INTERRUPT received). Also the bytes the
/// browser transfers to load /console. Figures go to the test output and artifacts/browser/latency.json; only a generous
/// bound is asserted (shared CI machines), so the test fails when the measurement breaks, not when the machine is slow.
/// </summary>
/// <remarks>
/// The fake microphone plays a WAV made here: <see cref="LeadSilence"/>, trimmed speech, <see cref="TrailSilence"/>, in a
/// loop. On the page clock (performance.now), each loop's speech onset is the first 20 ms capture frame that is loud after
/// a long quiet (taken at the frame's start, so within 20 ms); its end is the onset plus the speech's known length in the
/// WAV. Agent playback starts and flushes are timed by the playback worklet (its currentTime, mapped to the page clock);
/// see <c>ChatClient.timings</c> in dvs-voice.js.
/// </remarks>
[Collection(BrowserTestGroup.Name)]
public sealed class LatencyMeasurementTests
{
    private const int Rate = 48_000;
    private const int WantedSamples = 5;
    private const double LoudLevel = 0.01;
    private const double FrameMs = 20;
    private const double Bound = 5000;
    private const string CallerSays = "please tell me the weather in Paris today";
    private static readonly TimeSpan LeadSilence = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan TrailSilence = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    private readonly BrowserStackFixture _fixture;
    private readonly ITestOutputHelper _output;

    public LatencyMeasurementTests(BrowserStackFixture fixture, ITestOutputHelper output)
    {
        _fixture = fixture;
        _output = output;
    }

    [SkippableFact]
    public async Task MicToFirstAgentAudio_AndBargeInReaction_AreMeasuredInChromium()
    {
        _fixture.Require();
        var (wav, speechMs, loopMs) = MakeCallerWav();
        var profile = Directory.CreateTempSubdirectory("dvs-chromium-latency-").FullName;
        using var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchPersistentContextAsync(profile, new BrowserTypeLaunchPersistentContextOptions
        {
            ExecutablePath = SystemChromium.ExecutablePath,
            Headless = true,
            // No click starts the audio here: the client is started from a script.
            Args = [.. SystemChromium.Arguments(wav), "--autoplay-policy=no-user-gesture-required"],
        });
        try
        {
            var weight = await MeasurePageWeightAsync(browser);
            var page = await browser.NewPageAsync();
            await page.GotoAsync(_fixture.Stack.ConsoleUrl.ToString());
            await page.EvaluateAsync(
                """
                async (apiKey) => {
                  const { ChatClient } = await import('/sdk/dvs-voice.js');
                  const config = await (await fetch('/console/config.json', { cache: 'no-store' })).json();
                  const client = new ChatClient({ apiKey }, { apiBase: config.apiBase, exchangeApiKey: true });
                  const mic = [];
                  // Every capture frame's arrival on the page clock with its level (the SDK calls this._onCaptureFrame).
                  const send = client._onCaptureFrame.bind(client);
                  client._onCaptureFrame = (m) => { if (m.type === 'frame') mic.push([performance.now(), m.level]); send(m); };
                  window.measure = { client, mic };
                  await client.startVoiceChat({ userName: 'latency' });
                }
                """,
                _fixture.Stack.TenantApiKey);

            Figures figures = new([], [], []);
            var deadline = DateTime.UtcNow + Patience;
            while (DateTime.UtcNow < deadline)
            {
                await Task.Delay(2000);
                figures = Analyse(await ReadAsync(page), speechMs);
                if (figures.MicToFirstAudio.Count >= WantedSamples && figures.BargeIn.Count >= WantedSamples)
                {
                    break;
                }
            }

            await page.EvaluateAsync("() => window.measure.client.stopVoiceChat()");
            var report = new
            {
                measuredAt = DateTimeOffset.UtcNow,
                method = "headless Chromium, fake microphone WAV (silence, speech, silence, looped), Realtime simulator as the agent; "
                    + "page clock; speech onset from capture-frame levels (20 ms frames), speech end = onset + known speech length",
                speechMs = Math.Round(speechMs, 1),
                wavLoopMs = Math.Round(loopMs, 1),
                detectedOnsetSpacingMs = Summary(figures.OnsetSpacing),
                micToFirstAgentAudioMs = Summary(figures.MicToFirstAudio),
                bargeInReactionMs = Summary(figures.BargeIn),
                pageWeight = weight,
            };
            var json = JsonSerializer.Serialize(report, Indented);
            await File.WriteAllTextAsync(BrowserStackFixture.ArtifactPath("latency.json"), json);
            _output.WriteLine(json);

            Assert.True(figures.MicToFirstAudio.Count >= WantedSamples, $"mic-to-first-agent-audio measured {figures.MicToFirstAudio.Count} times");
            Assert.True(figures.BargeIn.Count >= WantedSamples, $"barge-in reaction measured {figures.BargeIn.Count} times");
            Assert.All(figures.MicToFirstAudio, ms => Assert.InRange(ms, 0, Bound));
            Assert.All(figures.BargeIn, ms => Assert.InRange(ms, 0, Bound));
            Assert.True(weight.ConsoleTotalBytes > 0);
        }
        finally
        {
            await browser.CloseAsync();
            File.Delete(wav);
            try
            {
                Directory.Delete(profile, recursive: true);
            }
            catch (IOException)
            {
                // Chromium may still be writing its profile as it exits.
            }
        }
    }

    private static async Task<Recording> ReadAsync(IPage page)
    {
        var json = await page.EvaluateAsync<string>(
            "() => JSON.stringify({ mic: window.measure.mic, timings: window.measure.client.timings })");
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        var mic = root.GetProperty("mic").EnumerateArray().Select(f => (At: f[0].GetDouble(), Level: f[1].GetDouble())).ToList();
        var timings = root.GetProperty("timings");
        var starts = timings.GetProperty("playbackStarts").EnumerateArray().Select(t => t.GetProperty("at").GetDouble()).ToList();
        var flushes = timings.GetProperty("flushes").EnumerateArray()
            .Where(t => t.GetProperty("flushed").GetInt32() > 0)
            .Select(t => t.GetProperty("at").GetDouble()).ToList();
        return new Recording(mic, starts, flushes);
    }

    /// <summary>Pairs each loop of the caller's speech with the agent's first audio after it and the flush it caused.</summary>
    internal static Figures Analyse(Recording recording, double speechMs)
    {
        // Speech onsets: a loud frame after at least 1.5 s of quiet (pauses inside the speech are shorter).
        var onsets = new List<double>();
        var lastLoud = double.NegativeInfinity;
        foreach (var (at, level) in recording.Mic)
        {
            if (level < LoudLevel)
            {
                continue;
            }

            if (at - lastLoud > 1500)
            {
                onsets.Add(at - FrameMs);
            }

            lastLoud = at;
        }

        var mic = recording.Mic;
        var now = mic.Count > 0 ? mic[^1].At : 0;
        var firstAudio = new List<double>();
        var bargeIn = new List<double>();
        for (var k = 0; k < onsets.Count; k++)
        {
            var onset = onsets[k];
            var end = onset + speechMs;
            var next = k + 1 < onsets.Count ? onsets[k + 1] : double.PositiveInfinity;
            // (b) The agent was playing when this speech began (it started and was not flushed since): the next flush.
            var lastStart = recording.PlaybackStarts.Where(t => t < onset).DefaultIfEmpty(double.NaN).Max();
            var flushedSince = recording.Flushes.Any(t => t > lastStart && t < onset);
            if (!double.IsNaN(lastStart) && !flushedSince)
            {
                var flush = recording.Flushes.Where(t => t >= onset && t < next).DefaultIfEmpty(double.NaN).Min();
                if (!double.IsNaN(flush))
                {
                    bargeIn.Add(flush - onset);
                }
            }

            // (a) The first agent sample played after this speech ended (and before the next began).
            if (end < now)
            {
                var start = recording.PlaybackStarts.Where(t => t >= end && t < next).DefaultIfEmpty(double.NaN).Min();
                if (!double.IsNaN(start))
                {
                    firstAudio.Add(start - end);
                }
            }
        }

        // The spacing of the detected onsets should be the WAV's length: a check on the onset detection.
        var spacing = onsets.Zip(onsets.Skip(1), (a, b) => b - a).ToList();
        return new Figures(firstAudio, bargeIn, spacing);
    }

    private static object Summary(IReadOnlyList<double> values)
    {
        var sorted = values.Order().ToArray();
        double? median = sorted.Length == 0 ? null
            : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
        return new
        {
            n = sorted.Length,
            median = median is null ? (double?)null : Math.Round(median.Value, 1),
            min = sorted.Length == 0 ? (double?)null : Math.Round(sorted[0], 1),
            max = sorted.Length == 0 ? (double?)null : Math.Round(sorted[^1], 1),
            all = sorted.Select(v => Math.Round(v, 1)).ToArray(),
        };
    }

    /// <summary>What the browser transfers (headers and bodies, as Playwright reports them) to load /console.</summary>
    private async Task<PageWeight> MeasurePageWeightAsync(IBrowserContext browser)
    {
        var page = await browser.NewPageAsync();
        var responses = new List<IResponse>();
        page.Response += (_, response) => responses.Add(response);
        await page.GotoAsync(_fixture.Stack.ConsoleUrl.ToString(), new() { WaitUntil = WaitUntilState.NetworkIdle });
        var files = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var response in responses)
        {
            var sizes = await response.Request.SizesAsync();
            var path = new Uri(response.Url).AbsolutePath;
            files[path] = (files.TryGetValue(path, out var sum) ? sum : 0) + sizes.ResponseHeadersSize + sizes.ResponseBodySize;
        }

        await page.CloseAsync();
        return new PageWeight(files.Values.Sum(), files.TryGetValue("/sdk/dvs-voice.js", out var sdk) ? sdk : 0, files);
    }

    private static (string Path, double SpeechMs, double LoopMs) MakeCallerWav()
    {
        var speech = WavFile.ReadFile(SpeechAudio.SynthesizeWav(CallerSays, Rate)).Pcm;
        // Trim the synthesiser's own leading and trailing quiet so the speech's sample offsets are exact.
        var first = 0;
        var last = (speech.Length / 2) - 1;
        while (first < last && Math.Abs(BitConverter.ToInt16(speech, first * 2)) < 300)
        {
            first++;
        }

        while (last > first && Math.Abs(BitConverter.ToInt16(speech, last * 2)) < 300)
        {
            last--;
        }

        var speechBytes = (last - first + 1) * 2;
        var lead = (int)(Rate * LeadSilence.TotalSeconds) * 2;
        var trail = (int)(Rate * TrailSilence.TotalSeconds) * 2;
        var pcm = new byte[lead + speechBytes + trail];
        Array.Copy(speech, first * 2, pcm, lead, speechBytes);
        var path = Path.Combine(Path.GetTempPath(), $"dvs-browser-latency-{Guid.NewGuid():N}.wav");
        WavFile.WriteFile(path, pcm, Rate);
        return (path, speechBytes / 2 * 1000.0 / Rate, pcm.Length / 2 * 1000.0 / Rate);
    }

    internal sealed record Recording(List<(double At, double Level)> Mic, List<double> PlaybackStarts, List<double> Flushes);

    internal sealed record Figures(List<double> MicToFirstAudio, List<double> BargeIn, List<double> OnsetSpacing);

    internal sealed record PageWeight(long ConsoleTotalBytes, long SdkBytes, Dictionary<string, long> Files);
}
