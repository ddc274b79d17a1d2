using System.Text.Json;
using DvServerless.Core.Calls;
using Microsoft.Playwright;

namespace DvServerless.Browser.Tests;

/// <summary>
/// A whole conversation through the console in real Chromium: sign in with the tenant's API key, connect, and the fake
/// microphone's speech reaches the agent through the browser leg, the agent's reply is shown and heard, and the caller
/// speaking again over the agent's long reply cuts it off.
/// </summary>
[Collection(BrowserTestGroup.Name)]
public sealed class ConsoleConversationTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(45);

    private readonly BrowserStackFixture _fixture;

    public ConsoleConversationTests(BrowserStackFixture fixture) => _fixture = fixture;

    [SkippableFact]
    public async Task Console_ShowsBothSides_PlaysTheAgent_AndTheCallerInterruptsIt()
    {
        _fixture.Require();
        var page = await _fixture.Browser.NewPageAsync();
        var errors = new List<string>();
        page.PageError += (_, error) => errors.Add(error);
        await page.GotoAsync(_fixture.Stack.ConsoleUrl.ToString());

        await page.GetByTestId("api-key").FillAsync(_fixture.Stack.TenantApiKey!);
        await page.GetByTestId("connect").ClickAsync();
        await WaitForAsync(page, "() => !document.querySelector('[data-testid=disconnect]').disabled", "the console to connect");
        // The key was exchanged for a token and is gone from the page.
        Assert.Equal(string.Empty, await page.GetByTestId("api-key").InputValueAsync());
        var sessionId = await page.EvaluateAsync<string>("() => window.dvsConsole.sessionId");
        Assert.Matches("^web-[0-9a-f]{32}$", sessionId);

        // The caller's first utterance, as the simulator recognised it, and the agent's answer to exactly that.
        var heard = BrowserStackFixture.Transcripts[0];
        var transcript = page.GetByTestId("transcript");
        await Assertions.Expect(transcript.GetByTestId("user-bubble").First).ToContainTextAsync(heard, new() { Timeout = (float)Patience.TotalMilliseconds });
        await Assertions.Expect(transcript.GetByTestId("agent-bubble").First).ToContainTextAsync(
            BrowserStackFixture.AgentReply(0, heard)[..40], new() { Timeout = (float)Patience.TotalMilliseconds });

        // The agent's audio was played by the page's worklet (counted where it leaves the ring buffer), and the
        // microphone's frames went out.
        await WaitForAsync(page, "() => (window.dvsConsole.stats()?.playedSamples ?? 0) > 24000", "a second of agent audio played");
        Assert.True(await page.EvaluateAsync<int>("() => window.dvsConsole.stats().sentFrames") > 50);

        // The fake microphone speaks again about four seconds later, while the agent's ~12 s reply is still playing.
        var log = page.GetByTestId("event-log");
        await Assertions.Expect(log.Locator("li[data-type='INTERRUPT']").First).ToHaveCountAsync(1, new() { Timeout = (float)Patience.TotalMilliseconds });
        await Assertions.Expect(transcript.Locator(".bubble.agent.interrupted").First).ToHaveCountAsync(1);
        var flushed = await page.EvaluateAsync<int>("() => window.dvsConsole.stats().flushedSamples");
        Assert.True(flushed > 0, "the interrupted reply's queued audio was dropped from the ring buffer");

        // The event log shows server events with their JSON, FLOW_DEBUG included (connected with debug=1).
        await Assertions.Expect(log.Locator("li[data-type='SESSION_CREATED']")).ToHaveCountAsync(1);
        Assert.True(await log.Locator("li[data-type='FLOW_DEBUG']").CountAsync() > 0);
        var created = await log.Locator("li[data-type='SESSION_CREATED'] pre").TextContentAsync();
        Assert.Equal(sessionId, JsonDocument.Parse(created!).RootElement.GetProperty("sessionId").GetString());

        await page.ScreenshotAsync(new() { Path = BrowserStackFixture.ArtifactPath("console-conversation.png"), FullPage = true });

        await page.GetByTestId("disconnect").ClickAsync();
        await Assertions.Expect(page.GetByTestId("connect")).ToBeEnabledAsync(new() { Timeout = (float)Patience.TotalMilliseconds });
        await WaitForSessionAsync(sessionId, CallState.Ended);
        Assert.Empty(errors);
    }

    private async Task WaitForSessionAsync(string sessionId, CallState state)
    {
        var deadline = DateTime.UtcNow + Patience;
        CallSession? session = null;
        while (DateTime.UtcNow < deadline)
        {
            session = await _fixture.Stack.Sessions.GetAsync(sessionId);
            if (session?.State == state)
            {
                Assert.Equal(CallChannel.Browser, session.Channel);
                Assert.Equal("local", session.TenantId);
                return;
            }

            await Task.Delay(200);
        }

        Assert.Fail($"session {sessionId} is {session?.State.ToString() ?? "missing"}, not {state}");
    }

    internal static async Task WaitForAsync(IPage page, string predicate, string what)
    {
        try
        {
            await page.WaitForFunctionAsync(predicate, null, new() { Timeout = (float)Patience.TotalMilliseconds, PollingInterval = 200 });
        }
        catch (TimeoutException)
        {
            // What the page saw, to tell why (the event log holds no secrets: keys and tokens are masked there).
            var seen = await page.EvaluateAsync<string>(
                "() => JSON.stringify({ status: document.querySelector('[data-testid=status]')?.textContent, events: (window.dvsConsole?.events ?? window.seen ?? []).slice(-15) })");
            Assert.Fail($"timed out waiting for {what}; the page saw {seen}");
        }
    }
}
