using System.Text.Json;

namespace DvServerless.Browser.Tests;

/// <summary>
/// The SDK's AudioWorklet processors (/sdk/dvs-voice-worklet.js) in real Chromium: capture from the fake microphone
/// resampled to 24 kHz PCM16 in 20 ms frames, and ring-buffer playback that a flush silences at once.
/// </summary>
[Collection(BrowserTestGroup.Name)]
public sealed class AudioWorkletTests
{
    private static readonly int[] OneFrameSize = [960];

    private readonly BrowserStackFixture _fixture;

    public AudioWorkletTests(BrowserStackFixture fixture) => _fixture = fixture;

    [SkippableFact]
    public async Task Capture_SendsTwentyMillisecondFramesOf24kHzPcm16WithTheSpeechLevel()
    {
        _fixture.Require();
        var page = await _fixture.Browser.NewPageAsync();
        await page.GotoAsync(new Uri(_fixture.Stack.MediaWorkerBaseUrl, "/console").ToString());

        var result = await page.EvaluateAsync<JsonElement>("""
            async () => {
              const stream = await navigator.mediaDevices.getUserMedia({ audio: { echoCancellation: false, noiseSuppression: false, autoGainControl: false } });
              const context = new AudioContext();
              await context.audioWorklet.addModule('/sdk/dvs-voice-worklet.js');
              const source = context.createMediaStreamSource(stream);
              const node = new AudioWorkletNode(context, 'dvs-capture');
              const sink = context.createGain();
              sink.gain.value = 0;
              source.connect(node); node.connect(sink); sink.connect(context.destination);
              await context.resume();
              const sizes = []; let loudest = 0; let first = 0;
              node.port.onmessage = (e) => {
                if (!first) first = performance.now();
                sizes.push(e.data.pcm.byteLength);
                loudest = Math.max(loudest, e.data.level);
              };
              await new Promise((r) => setTimeout(r, 2000));
              const elapsedMs = performance.now() - first;
              stream.getTracks().forEach((t) => t.stop());
              await context.close();
              return { deviceRate: context.sampleRate, frames: sizes.length, distinctSizes: [...new Set(sizes)], loudest, elapsedMs };
            }
            """);

        var frames = result.GetProperty("frames").GetInt32();
        var elapsedMs = result.GetProperty("elapsedMs").GetDouble();
        Assert.True(result.GetProperty("deviceRate").GetDouble() > 0);
        Assert.Equal(OneFrameSize, result.GetProperty("distinctSizes").EnumerateArray().Select(size => size.GetInt32()).ToArray());
        // 50 frames a second of device time; the page clock and the audio clock agree within a frame or two.
        var expected = elapsedMs / 20.0;
        Assert.InRange(frames, expected * 0.8, (expected * 1.2) + 2);
        // The fake microphone starts with speech: its level is far above digital silence.
        Assert.True(result.GetProperty("loudest").GetDouble() > 0.01, $"loudest frame level {result.GetProperty("loudest")}");
    }

    [SkippableFact]
    public async Task Playback_PlaysPushedAudioAndStopsAtOnceOnFlush()
    {
        _fixture.Require();
        var page = await _fixture.Browser.NewPageAsync();
        await page.GotoAsync(new Uri(_fixture.Stack.MediaWorkerBaseUrl, "/console").ToString());

        var result = await page.EvaluateAsync<JsonElement>("""
            async () => {
              const context = new AudioContext({ sampleRate: 24000 });
              await context.audioWorklet.addModule('/sdk/dvs-voice-worklet.js');
              const node = new AudioWorkletNode(context, 'dvs-playback', { numberOfInputs: 0, numberOfOutputs: 1, outputChannelCount: [1] });
              node.connect(context.destination);
              await context.resume();
              let last = null; let flushed = null;
              node.port.onmessage = (e) => { if (e.data.type === 'played') last = e.data; else if (e.data.type === 'flushed') flushed = e.data; };
              const pcm = new Int16Array(24000 * 3);  // 3 s of a 440 Hz tone
              for (let i = 0; i < pcm.length; i++) pcm[i] = Math.round(8000 * Math.sin(2 * Math.PI * 440 * i / 24000));
              node.port.postMessage({ type: 'push', pcm: pcm.buffer }, [pcm.buffer]);
              await new Promise((r) => setTimeout(r, 800));
              const beforeFlush = last;
              node.port.postMessage({ type: 'flush' });
              await new Promise((r) => setTimeout(r, 600));
              const afterFlush = last;
              await context.close();
              return { beforeFlush, flushed, afterFlush };
            }
            """);

        var before = result.GetProperty("beforeFlush");
        var flushed = result.GetProperty("flushed");
        var after = result.GetProperty("afterFlush");
        var playedBefore = before.GetProperty("played").GetInt32();
        Assert.InRange(playedBefore, 24_000 / 4, 24_000 * 3 / 2);       // some of the tone, in real time, not all of it
        Assert.True(before.GetProperty("level").GetDouble() > 0.1);      // and it was audible
        var flushedSamples = flushed.GetProperty("flushed").GetInt32();
        var playedAtFlush = flushed.GetProperty("played").GetInt32();
        Assert.Equal(24_000 * 3, playedAtFlush + flushedSamples);       // nothing lost, nothing invented
        Assert.Equal(playedAtFlush, after.GetProperty("played").GetInt32()); // nothing played after the flush
        Assert.Equal(0, after.GetProperty("buffered").GetInt32());
        Assert.Equal(0d, after.GetProperty("level").GetDouble());       // silence
    }
}
