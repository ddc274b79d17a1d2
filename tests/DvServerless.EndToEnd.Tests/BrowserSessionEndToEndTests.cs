using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using DvServerless.Cli.LocalStack;
using DvServerless.Core.Calls;
using DvServerless.Core.Security;
using DvServerless.Testing;
using Xunit.Abstractions;

namespace DvServerless.EndToEnd.Tests;

/// <summary>
/// A browser session end to end: Azurite, the media worker's browser leg and the Realtime simulator. The test plays the
/// page: it creates the session document and the media token itself (as <c>POST /api/v1/voice/start</c> will), streams
/// espeak speech at real time over a <see cref="ClientWebSocket"/>, speaks over the agent once, and stops.
/// </summary>
public sealed class BrowserSessionEndToEndTests
{
    private const int FrameBytes = 960; // 20 ms of PCM16 mono 24 kHz
    private static readonly string[] CallerLines = ["Hello there.", "What time do you close?"];
    private const string LongReply = "Thanks for calling Contoso. Today we have a great many offers, and I will walk you through each one of them slowly, " +
        "starting with the garden furniture, then the kitchen range, and finally the winter tyres.";
    private const string ShortReply = "We close at six.";

    private readonly ITestOutputHelper _output;

    public BrowserSessionEndToEndTests(ITestOutputHelper output) => _output = output;

    [SkippableFact]
    public async Task A_browser_session_talks_is_interrupted_and_ends_on_stop()
    {
        Prerequisites.Require();
        SpeechAudio.Require();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var hello = ReadWavPcm(SpeechAudio.SynthesizeWav(CallerLines[0]));
        var question = ReadWavPcm(SpeechAudio.SynthesizeWav(CallerLines[1]));
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        await using var stack = await LocalStack.StartAsync(new LocalStackOptions
        {
            CallerTranscripts = CallerLines,
            AgentReply = (turn, _) => turn == 0 ? LongReply : ShortReply,
            Environment = new Dictionary<string, string?>(), // never a real engine in tests
            ToolsSearchRoot = RepositoryPaths.Root,
            AppSettings = new Dictionary<string, string?> { ["MediaWorker:TokenSigningKey"] = key },
        }, _ => { }, timeout.Token);
        var tokens = MediaTokenService.FromConfiguredKey(key, TimeProvider.System);
        var sessionId = await CreateSessionAsync(stack, timeout.Token);
        var token = tokens.Issue(sessionId, TimeSpan.FromMinutes(2), MediaTokenPurpose.BrowserMedia);
        var uri = new Uri($"ws://{stack.MediaWorkerBaseUrl.Authority}/media/browser?token={Uri.EscapeDataString(token)}");

        await using var page = await PageRecorder.ConnectAsync(uri, timeout.Token);
        Assert.Equal("SESSION_CREATED", (await page.WaitForEventAsync("SESSION_CREATED", timeout.Token)).GetProperty("type").GetString());

        // Turn 1: half a second of silence, "Hello there.", then silence until the agent has talked for 1.5 s.
        await page.StreamAsync(Silence(500), timeout.Token);
        await page.StreamAsync(hello, timeout.Token);
        var speechEnded = page.Clock.Elapsed;
        var firstAudio = await page.StreamSilenceUntilAsync(() => page.FirstAudioAt, TimeSpan.FromSeconds(15), timeout.Token);
        var user = await page.WaitForEventAsync("USER_MESSAGE", timeout.Token);
        Assert.Equal(CallerLines[0], user.GetProperty("content").GetString());
        await page.StreamSilenceUntilAsync(() => page.Clock.Elapsed >= firstAudio + TimeSpan.FromSeconds(1.5) ? page.Clock.Elapsed : null,
            TimeSpan.FromSeconds(5), timeout.Token);
        var partial = await page.WaitForEventAsync("ROBOT_MESSAGE", timeout.Token);
        Assert.StartsWith("Thanks", partial.GetProperty("content").GetString());

        // Turn 2: the caller speaks over the agent.
        var bargeInStarted = page.Clock.Elapsed;
        await page.StreamAsync(question, timeout.Token);
        var interrupt = await page.WaitForEventAsync("INTERRUPT", timeout.Token);
        var interruptAt = page.EventTimes[interrupt.GetRawText()];
        var answer = await page.StreamSilenceUntilEventAsync("ROBOT_MESSAGE", e => e.GetProperty("final").GetBoolean() && e.GetProperty("content").GetString() == ShortReply,
            TimeSpan.FromSeconds(20), timeout.Token);
        Assert.NotEqual(JsonValueKind.Undefined, answer.ValueKind);

        // Let the answer play out (the agent quiet for a second) so its turn is recorded as heard, then stop.
        await page.StreamSilenceUntilAsync(() => page.Clock.Elapsed - page.LastAudioAt > TimeSpan.FromSeconds(1) ? page.Clock.Elapsed : null,
            TimeSpan.FromSeconds(15), timeout.Token);

        await page.SendTextAsync("""{"type":"stop"}""", timeout.Token);
        var ended = await page.WaitForEventAsync("SESSION_ENDED", timeout.Token);
        Assert.Equal("stopped", ended.GetProperty("reason").GetString());
        await page.WhenClosedAsync(timeout.Token);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, page.CloseStatus);

        // The engine cut the long answer at what the page was sent, and the truncate was accepted.
        var truncation = Assert.Single(stack.Realtime!.Records.Truncations);
        Assert.True(truncation.Accepted, "the Realtime simulator refused the truncate");
        Assert.Equal((long)interrupt.GetProperty("audioEndMs").GetInt32(), truncation.AudioEndMs);
        Assert.Equal(truncation.ItemId, interrupt.GetProperty("itemId").GetString());
        Assert.InRange(truncation.AudioEndMs, 1000L, 5000L);

        var session = await FinalSession.ReadAsync(stack.Sessions, sessionId, timeout.Token);
        Assert.Equal(CallState.Ended, session.State);
        Assert.Equal([CallState.Ringing, CallState.Answering, CallState.Connected, CallState.Ended], session.History.Select(h => h.State));
        Assert.Equal("stopped", session.EndReason);
        var records = await stack.Records.ReadAsync(sessionId, timeout.Token);
        foreach (var r in records)
        {
            _output.WriteLine($"record {r.Kind} {r.Speaker} {r.StartMs} ms interrupted={r.Interrupted}: {r.Text}");
        }

        var turns = records.Where(r => r.Kind == "turn").ToList();
        Assert.Equal(CallerLines, turns.Where(t => t.Speaker == "caller").Select(t => t.Text));
        Assert.Contains(turns, t => t.Speaker == "agent" && t.Interrupted);
        Assert.Contains(turns, t => t.Speaker == "agent" && t.Text == ShortReply);

        var responseMs = (firstAudio - speechEnded).TotalMilliseconds;
        var interruptMs = (interruptAt - bargeInStarted).TotalMilliseconds;
        _output.WriteLine($"end of caller speech → first agent audio frame: {responseMs:F0} ms");
        _output.WriteLine($"caller speech start over the agent → INTERRUPT frame: {interruptMs:F0} ms");
        Assert.InRange(responseMs, 0, 5000);
        Assert.InRange(interruptMs, 0, 3000);
    }

    [SkippableFact]
    public async Task Bad_input_and_bad_tokens_get_the_documented_close_or_status_and_change_nothing()
    {
        Prerequisites.Require();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        await using var stack = await LocalStack.StartAsync(new LocalStackOptions
        {
            Environment = new Dictionary<string, string?>(),
            ToolsSearchRoot = RepositoryPaths.Root,
            AppSettings = new Dictionary<string, string?> { ["MediaWorker:TokenSigningKey"] = key },
        }, _ => { }, timeout.Token);
        var tokens = MediaTokenService.FromConfiguredKey(key, TimeProvider.System);
        Uri Socket(string query) => new($"ws://{stack.MediaWorkerBaseUrl.Authority}/media/browser?{query}");
        string Token(string id, MediaTokenPurpose purpose = MediaTokenPurpose.BrowserMedia) => Uri.EscapeDataString(tokens.Issue(id, TimeSpan.FromMinutes(2), purpose));

        // Refused upgrades leave the session untouched.
        var idle = await CreateSessionAsync(stack, timeout.Token);
        var other = await CreateSessionAsync(stack, timeout.Token);
        var before = JsonSerializer.Serialize(await stack.Sessions.GetAsync(idle, timeout.Token));
        Assert.Equal(HttpStatusCode.Unauthorized, await UpgradeStatusAsync(Socket(string.Empty)));
        Assert.Equal(HttpStatusCode.Forbidden, await UpgradeStatusAsync(Socket($"token={Token(idle, MediaTokenPurpose.AcsMedia)}")));
        Assert.Equal(HttpStatusCode.Forbidden, await UpgradeStatusAsync(Socket($"sessionId={idle}&token={Token(other)}")));
        Assert.Equal(before, JsonSerializer.Serialize(await stack.Sessions.GetAsync(idle, timeout.Token)));

        // Each bad frame closes its own session's socket with the documented status; a used token is refused.
        foreach (var (frame, binary, status) in new (byte[], bool, WebSocketCloseStatus)[]
        {
            (new byte[FrameBytes + 1], true, WebSocketCloseStatus.PolicyViolation),
            (new byte[64 * 1024 + 2], true, WebSocketCloseStatus.PolicyViolation),
            ("""{"type":"sing"}"""u8.ToArray(), false, WebSocketCloseStatus.InvalidPayloadData),
            ("{oops"u8.ToArray(), false, WebSocketCloseStatus.InvalidPayloadData),
        })
        {
            var id = await CreateSessionAsync(stack, timeout.Token);
            var token = Token(id);
            await using (var page = await PageRecorder.ConnectAsync(Socket($"token={token}"), timeout.Token))
            {
                await page.WaitForEventAsync("SESSION_CREATED", timeout.Token);
                await page.Socket.SendAsync(frame, binary ? WebSocketMessageType.Binary : WebSocketMessageType.Text, true, timeout.Token);
                await page.WhenClosedAsync(timeout.Token);
                Assert.Equal(status, page.CloseStatus);
                Assert.Equal(0, page.AudioBytes);
            }

            Assert.Equal(HttpStatusCode.Forbidden, await UpgradeStatusAsync(Socket($"token={token}")));
        }

        Assert.Empty(stack.Realtime!.Records.Errors);
        Assert.Empty(stack.Realtime.Records.Transcripts);
    }

    [SkippableFact]
    public async Task A_browser_session_with_a_welcome_gets_exactly_one_greeting_response_even_when_the_agent_greets_first()
    {
        Prerequisites.Require();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        await using var stack = await LocalStack.StartAsync(new LocalStackOptions
        {
            CallerTranscripts = [],
            Environment = new Dictionary<string, string?>(),
            ToolsSearchRoot = RepositoryPaths.Root,
            // The agent itself greets first: before, the engine asked for its greeting and the loop for the welcome.
            AppSettings = new Dictionary<string, string?> { ["MediaWorker:TokenSigningKey"] = key, ["Agent:GreetFirst"] = "true" },
        }, _ => { }, timeout.Token);
        var tokens = MediaTokenService.FromConfiguredKey(key, TimeProvider.System);
        var sessionId = await CreateSessionAsync(stack, timeout.Token, welcome: "Welcome to Contoso!");
        var token = tokens.Issue(sessionId, TimeSpan.FromMinutes(2), MediaTokenPurpose.BrowserMedia);
        var uri = new Uri($"ws://{stack.MediaWorkerBaseUrl.Authority}/media/browser?token={Uri.EscapeDataString(token)}");

        await using var page = await PageRecorder.ConnectAsync(uri, timeout.Token);
        await page.WaitForEventAsync("SESSION_CREATED", timeout.Token);
        await stack.Realtime!.Records.WaitForAsync(r => r.Responses.Count >= 1, timeout.Token);
        await page.StreamSilenceUntilAsync(() => page.Clock.Elapsed - page.LastAudioAt > TimeSpan.FromSeconds(1) ? page.Clock.Elapsed : null,
            TimeSpan.FromSeconds(15), timeout.Token);
        await page.SendTextAsync("""{"type":"stop"}""", timeout.Token);
        await page.WaitForEventAsync("SESSION_ENDED", timeout.Token);
        await page.WhenClosedAsync(timeout.Token);

        var greetings = stack.Realtime.Records.ClientEvents.Where(e => e.Type == "response.create").ToList();
        Assert.Single(greetings);
        Assert.Single(stack.Realtime.Records.Transcripts, t => t.Role == "assistant"); // and it was spoken once
    }

    private static async Task<string> CreateSessionAsync(LocalStack stack, CancellationToken cancellationToken, string? welcome = null)
    {
        var id = "web-" + Guid.NewGuid().ToString("N");
        var now = DateTimeOffset.UtcNow;
        var session = new CallSession { CallId = id, Channel = CallChannel.Browser, TenantId = "default", CreatedAt = now, UpdatedAt = now };
        session.History.Add(new CallStateChange(CallState.Ringing, now, null));
        session.Metadata["browser.user_name"] = "tester";
        if (welcome is not null)
        {
            session.Metadata[BrowserSessionMetadata.Welcome] = welcome;
        }

        Assert.True(await stack.Sessions.TryCreateAsync(session, cancellationToken));
        return id;
    }

    private static async Task<HttpStatusCode> UpgradeStatusAsync(Uri uri)
    {
        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        try
        {
            await socket.ConnectAsync(uri, CancellationToken.None);
            return HttpStatusCode.SwitchingProtocols;
        }
        catch (WebSocketException)
        {
            return socket.HttpStatusCode;
        }
    }

    private static byte[] Silence(int ms) => new byte[ms * 48];

    /// <summary>The PCM of a RIFF/WAVE file's <c>data</c> chunk (sox writes PCM16 mono at the rate asked for).</summary>
    private static byte[] ReadWavPcm(string path)
    {
        var wav = File.ReadAllBytes(path);
        for (var at = 12; at + 8 <= wav.Length;)
        {
            var size = (int)BinaryPrimitives.ReadUInt32LittleEndian(wav.AsSpan(at + 4));
            if (Encoding.ASCII.GetString(wav, at, 4) == "data")
            {
                return wav.AsSpan(at + 8, Math.Min(size, wav.Length - at - 8) & ~1).ToArray();
            }

            at += 8 + size + (size & 1);
        }

        throw new InvalidDataException($"{path} has no data chunk.");
    }

    /// <summary>The page: sends paced audio, records every frame it receives with the time it arrived.</summary>
    private sealed class PageRecorder : IAsyncDisposable
    {
        private readonly List<JsonElement> _events = [];
        private readonly Task _reading;
        private long _audioBytes;
        private long _firstAudioTicks = -1;
        private long _lastAudioTicks;

        private PageRecorder(ClientWebSocket socket)
        {
            Socket = socket;
            _reading = Task.Run(ReadAsync);
        }

        public ClientWebSocket Socket { get; }

        public Stopwatch Clock { get; } = Stopwatch.StartNew();

        public Dictionary<string, TimeSpan> EventTimes { get; } = new(StringComparer.Ordinal);

        public WebSocketCloseStatus? CloseStatus { get; private set; }

        public long AudioBytes => Interlocked.Read(ref _audioBytes);

        public TimeSpan LastAudioAt => TimeSpan.FromTicks(Interlocked.Read(ref _lastAudioTicks));

        public TimeSpan? FirstAudioAt => Interlocked.Read(ref _firstAudioTicks) is var t and >= 0 ? TimeSpan.FromTicks(t) : null;

        public static async Task<PageRecorder> ConnectAsync(Uri uri, CancellationToken cancellationToken)
        {
            var socket = new ClientWebSocket();
            await socket.ConnectAsync(uri, cancellationToken);
            return new PageRecorder(socket);
        }

        public Task SendTextAsync(string json, CancellationToken cancellationToken) =>
            Socket.SendAsync(Encoding.UTF8.GetBytes(json), WebSocketMessageType.Text, true, cancellationToken);

        /// <summary>Sends <paramref name="pcm"/> in 20 ms frames at real time (paced on the clock, not on sleeps).</summary>
        public async Task StreamAsync(byte[] pcm, CancellationToken cancellationToken)
        {
            var start = Clock.Elapsed;
            for (var offset = 0; offset < pcm.Length; offset += FrameBytes)
            {
                var due = start + TimeSpan.FromMilliseconds(offset / 48.0);
                var wait = due - Clock.Elapsed;
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, cancellationToken);
                }

                var length = Math.Min(FrameBytes, pcm.Length - offset) & ~1;
                await Socket.SendAsync(pcm.AsMemory(offset, length), WebSocketMessageType.Binary, true, cancellationToken);
            }
        }

        /// <summary>Streams silence until <paramref name="until"/> returns a time; that time.</summary>
        public async Task<TimeSpan> StreamSilenceUntilAsync(Func<TimeSpan?> until, TimeSpan limit, CancellationToken cancellationToken)
        {
            var deadline = Clock.Elapsed + limit;
            var frame = new byte[FrameBytes];
            while (Clock.Elapsed < deadline)
            {
                if (until() is { } done)
                {
                    return done;
                }

                await StreamAsync(frame, cancellationToken);
            }

            throw new TimeoutException("The awaited moment never came.");
        }

        public async Task<JsonElement> StreamSilenceUntilEventAsync(string type, Func<JsonElement, bool> match, TimeSpan limit, CancellationToken cancellationToken)
        {
            await StreamSilenceUntilAsync(() => Find(type, match) is { ValueKind: JsonValueKind.Object } ? Clock.Elapsed : null, limit, cancellationToken);
            return Find(type, match);
        }

        public async Task<JsonElement> WaitForEventAsync(string type, CancellationToken cancellationToken)
        {
            while (true)
            {
                if (Find(type, null) is { ValueKind: JsonValueKind.Object } found)
                {
                    return found;
                }

                await Task.Delay(5, cancellationToken);
            }
        }

        public Task WhenClosedAsync(CancellationToken cancellationToken) => _reading.WaitAsync(cancellationToken);

        public async ValueTask DisposeAsync()
        {
            Socket.Abort();
            await _reading.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            Socket.Dispose();
        }

        private JsonElement Find(string type, Func<JsonElement, bool>? match)
        {
            lock (_events)
            {
                return _events.FirstOrDefault(e => e.GetProperty("type").GetString() == type && (match is null || match(e)));
            }
        }

        private async Task ReadAsync()
        {
            var buffer = new byte[128 * 1024];
            try
            {
                while (true)
                {
                    var length = 0;
                    ValueWebSocketReceiveResult result;
                    do
                    {
                        result = await Socket.ReceiveAsync(buffer.AsMemory(length), CancellationToken.None);
                        length += result.Count;
                    }
                    while (!result.EndOfMessage);

                    var at = Clock.Elapsed;
                    if (result.MessageType == WebSocketMessageType.Close)
                    {
                        CloseStatus = Socket.CloseStatus;
                        if (Socket.State == WebSocketState.CloseReceived)
                        {
                            await Socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
                        }

                        return;
                    }

                    if (result.MessageType == WebSocketMessageType.Binary)
                    {
                        Interlocked.CompareExchange(ref _firstAudioTicks, at.Ticks, -1);
                        Interlocked.Add(ref _audioBytes, length);
                        Interlocked.Exchange(ref _lastAudioTicks, at.Ticks);
                        continue;
                    }

                    var element = JsonDocument.Parse(buffer.AsMemory(0, length)).RootElement.Clone();
                    lock (_events)
                    {
                        _events.Add(element);
                        EventTimes.TryAdd(element.GetRawText(), at);
                    }
                }
            }
            catch (WebSocketException)
            {
            }
        }
    }
}
