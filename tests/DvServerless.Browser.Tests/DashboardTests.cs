using DvServerless.Cli.Calls;
using DvServerless.Core.Audio;
using DvServerless.Simulators.Acs;
using Microsoft.Playwright;

namespace DvServerless.Browser.Tests;

/// <summary>
/// The live dashboard in real Chromium against the whole local stack: a wrong key is refused, the admin signs in, a
/// simulated ACS call appears as a row, its transcript streams in, it moves to ended, and the latency panel counts it.
/// </summary>
/// <remarks>
/// The admin signs in because the simulated call goes to a number no tenant owns (the local tenant has no phone numbers),
/// and such a call belongs to the admin only; a page signed in with the local tenant's key must therefore not list it.
/// </remarks>
[Collection(BrowserTestGroup.Name)]
public sealed class DashboardTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private readonly BrowserStackFixture _fixture;

    public DashboardTests(BrowserStackFixture fixture) => _fixture = fixture;

    private string DashboardUrl => new Uri(_fixture.Stack.MediaWorkerBaseUrl, "/dashboard").ToString();

    [SkippableFact]
    public async Task Dashboard_ShowsASimulatedCallLive_FromRingingToEnded()
    {
        _fixture.Require();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var caller = await CallerAudioSynthesizer.SynthesizeAsync(
            ["Hello, can you hear me?", "What is the weather like in Paris?"], TimeSpan.FromSeconds(4), AudioFormat.Pcm24k,
            TimeSpan.FromSeconds(1), timeout.Token);

        var page = await _fixture.Browser.NewPageAsync();
        var errors = new List<string>();
        page.PageError += (_, error) => errors.Add(error);
        await page.GotoAsync(DashboardUrl);

        // A wrong key is refused with a clear status, and nothing connects.
        await page.GetByTestId("api-key").FillAsync("dvs_" + new string('x', 40));
        await page.GetByTestId("sign-in").ClickAsync();
        await Assertions.Expect(page.GetByTestId("status")).ToHaveTextAsync("wrong API key", new() { Timeout = Ms(Patience) });

        await SignInAsync(page, _fixture.Stack.AdminApiKey);
        // The key is gone from the page once exchanged.
        Assert.Equal(string.Empty, await page.GetByTestId("api-key").InputValueAsync());
        var tenantPage = await _fixture.Browser.NewPageAsync();
        await tenantPage.GotoAsync(DashboardUrl);
        await SignInAsync(tenantPage, _fixture.Stack.TenantApiKey!);

        var known = await page.EvaluateAsync<string[]>("() => [...document.querySelectorAll('[data-testid=call-row]')].map(r => r.dataset.callId)");
        var call = await _fixture.Stack.Acs.PlaceCallAsync(new SimulatedCallRequest
        {
            IncomingCallUrl = _fixture.Stack.IncomingCallUrl,
            // A number no tenant owns (the stack's tenant has the simulator's default): the admin's call, not the tenant's.
            To = "4:+14255550199",
            CallerAudio = caller,
            CallerAudioFormat = AudioFormat.Pcm24k,
            MaxDuration = TimeSpan.FromSeconds(45),
            HangUpAfterAgentQuiet = TimeSpan.FromSeconds(2),
        }, timeout.Token);

        // Its row appears while the call is on (the session's call:new, then the worker's call:media names the engine).
        var callId = await WaitForAsync<string>(page, """
            known => {
              const row = [...document.querySelectorAll('[data-testid=call-row]')]
                .find(r => !known.includes(r.dataset.callId) && r.cells[3].textContent === 'acs');
              return row ? row.dataset.callId : null;
            }
            """, known, "the call's row");
        var row = page.Locator($"[data-testid=call-row][data-call-id='{callId}']");
        await Assertions.Expect(row).ToHaveCountAsync(1);
        await Assertions.Expect(row).Not.ToHaveAttributeAsync("data-state", "Ended");
        await row.ClickAsync();
        await Assertions.Expect(page.GetByTestId("detail-title")).ToHaveTextAsync(callId);

        // The transcript streams in: both sides.
        var transcript = page.GetByTestId("call-transcript");
        await Assertions.Expect(transcript.Locator("[data-testid=transcript-line][data-speaker=caller]").First).ToBeVisibleAsync(new() { Timeout = Ms(Patience) });
        await Assertions.Expect(transcript.Locator("[data-testid=transcript-line][data-speaker=agent]").First).ToBeVisibleAsync(new() { Timeout = Ms(Patience) });

        var result = await call.Completion.WaitAsync(timeout.Token);
        Assert.True(result.MediaConnected, result.MediaConnectError);
        // One row for the call, under the gateway's call id.
        Assert.Equal(Uri.UnescapeDataString(result.Callbacks[0].Uri.Segments[^1]), callId);
        await Assertions.Expect(row).ToHaveAttributeAsync("data-state", "Ended", new() { Timeout = Ms(Patience) });
        await Assertions.Expect(page.Locator($"[data-testid=call-row][data-call-id='{callId}']")).ToHaveCountAsync(1);

        // The latency panel (refreshed from the hub's snapshot) counts the call's first audio, and turns show their stages.
        await WaitForAsync<bool>(page, "() => Number(document.querySelector('[data-testid=latency-first-audio]').dataset.count) >= 1 || null", null, "the latency panel to count the call");
        await Assertions.Expect(page.GetByTestId("turn").First).ToBeVisibleAsync(new() { Timeout = Ms(Patience) });
        await page.ScreenshotAsync(new() { Path = BrowserStackFixture.ArtifactPath("dashboard-call.png"), FullPage = true });

        // The tenant's page never heard of a call that is not the tenant's.
        await Assertions.Expect(tenantPage.GetByTestId("status")).ToHaveTextAsync("live");
        await Assertions.Expect(tenantPage.Locator($"[data-call-id='{callId}']")).ToHaveCountAsync(0);
        Assert.Empty(errors);
    }

    private static async Task SignInAsync(IPage page, string apiKey)
    {
        await page.GetByTestId("api-key").FillAsync(apiKey);
        await page.GetByTestId("sign-in").ClickAsync();
        await Assertions.Expect(page.GetByTestId("status")).ToHaveTextAsync("live", new() { Timeout = Ms(Patience) });
    }

    private static async Task<T> WaitForAsync<T>(IPage page, string predicate, object? argument, string what)
    {
        try
        {
            var handle = await page.WaitForFunctionAsync(predicate, argument, new() { Timeout = Ms(Patience), PollingInterval = 200 });
            return await handle.JsonValueAsync<T>();
        }
        catch (TimeoutException)
        {
            // What the page saw, to tell why (the page's log never holds the key or a token).
            var seen = await page.EvaluateAsync<string>("() => JSON.stringify({ calls: window.dvsDashboard.calls, log: window.dvsDashboard.log.slice(-15) })");
            Assert.Fail($"timed out waiting for {what}; the page saw {seen}");
            throw;
        }
    }

    private static float Ms(TimeSpan span) => (float)span.TotalMilliseconds;
}
