using System.Collections.Concurrent;
using System.Net;
using System.Text;
using DvServerless.Cli.LocalStack;
using DvServerless.Core.Audio;
using DvServerless.Simulators.Acs;
using DvServerless.Testing;
using Microsoft.Extensions.Logging;

namespace DvServerless.EndToEnd.Tests;

/// <summary>
/// A full ACS call through the local stack with ACS callback JWTs checked for real, capturing every log line of both
/// apps: no full phone number may appear; the admin sees the call through the sessions API; a callback without a token is refused.
/// </summary>
public sealed class TenantsEndToEndTests
{
    private const string Caller = "+14255550123";

    [SkippableFact]
    public async Task A_call_with_callback_auth_on_logs_no_full_phone_number_and_shows_up_for_the_admin()
    {
        Prerequisites.Require();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var logs = new CapturingLogs();
        await using var stack = await LocalStack.StartAsync(new LocalStackOptions
        {
            CallerTranscripts = ["Hello there."],
            Environment = new Dictionary<string, string?>(),
            ToolsSearchRoot = RepositoryPaths.Root,
            LogSink = logs,
        }, _ => { }, timeout.Token);

        var audio = SpeechAudio.SynthesizeWav("Hello there.", 24000);
        var call = await stack.Acs.PlaceCallAsync(new SimulatedCallRequest
        {
            IncomingCallUrl = stack.IncomingCallUrl,
            From = "4:" + Caller,
            CallerWavPath = audio,
            MaxDuration = TimeSpan.FromSeconds(30),
            HangUpAfterAgentQuiet = TimeSpan.FromSeconds(1),
        }, timeout.Token);
        var result = await call.Completion.WaitAsync(timeout.Token);
        Assert.Equal(SimulatedCallOutcome.CallerHungUp, result.Outcome);
        Assert.True(result.MediaConnected, result.MediaConnectError);

        using var http = new HttpClient { BaseAddress = stack.FunctionsBaseUrl };
        var callId = Uri.UnescapeDataString(result.Callbacks[0].Uri.Segments[^1]);

        // Callbacks carried valid JWTs (the call connected); one without a token is refused and changes nothing.
        using (var unsigned = await http.PostAsync($"/api/acs/callbacks/{callId}", new StringContent("[]", Encoding.UTF8, "application/json"), timeout.Token))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, unsigned.StatusCode);
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/sessions/{callId}");
        request.Headers.Add("X-Api-Key", stack.AdminApiKey);
        using var response = await http.SendAsync(request, timeout.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using (var anonymous = await http.GetAsync("/api/v1/sessions", timeout.Token))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        }

        var lines = logs.Lines.ToArray();
        Assert.NotEmpty(lines);
        Assert.Contains(lines, l => l.Contains("0123", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains(Caller[1..], StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains("4255550123", StringComparison.Ordinal));
    }

    private sealed class CapturingLogs : ILoggerProvider
    {
        public ConcurrentQueue<string> Lines { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(categoryName, Lines);

        // Shared by both apps: each disposes its providers, so disposal must not end the capture.
        public void Dispose()
        {
        }

        private sealed class Logger(string category, ConcurrentQueue<string> lines) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                lines.Enqueue($"{logLevel} {category}[{eventId.Id}] {formatter(state, exception)} {exception}");
        }
    }
}
