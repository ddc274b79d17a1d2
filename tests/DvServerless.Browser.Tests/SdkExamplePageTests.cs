using DvServerless.Core.Calls;

namespace DvServerless.Browser.Tests;

/// <summary>
/// The minimal example page the worker ships (<c>/sdk/example.html</c>), which imports <c>/sdk/dvs-voice.js</c> and
/// talks to the agent with the tenant's Robot-Key / Robot-Token: start from a click, see the events, stop.
/// </summary>
[Collection(BrowserTestGroup.Name)]
public sealed class SdkExamplePageTests
{
    private readonly BrowserStackFixture _fixture;

    public SdkExamplePageTests(BrowserStackFixture fixture) => _fixture = fixture;

    [SkippableFact]
    public async Task MinimalPage_TalksToTheAgentWithRobotKeyAndStops()
    {
        _fixture.Require();
        var stack = _fixture.Stack;
        var page = await _fixture.Browser.NewPageAsync();
        await page.GotoAsync(new Uri(stack.MediaWorkerBaseUrl, "/sdk/example.html").ToString());
        await page.FillAsync("#tenant", stack.TenantId!);
        await page.FillAsync("#key", stack.TenantApiKey!);

        await page.ClickAsync("#start");
        // The caller's next utterance comes while the agent's long reply is still playing, so the reply may never be final.
        await ConsoleConversationTests.WaitForAsync(page, "() => window.seen.some((e) => e.type === 'ROBOT_MESSAGE' && e.content.length > 0)", "the agent's first reply");
        var sessionId = await page.EvaluateAsync<string>("() => window.sessionId");
        Assert.Equal("SESSION_CREATED", await page.EvaluateAsync<string>("() => window.seen[0].type"));
        Assert.Equal(sessionId, await page.EvaluateAsync<string>("() => window.seen[0].sessionId"));
        var session = await stack.Sessions.GetAsync(sessionId);
        Assert.Equal(CallChannel.Browser, session!.Channel);
        Assert.Equal("ada", session.Metadata["browser.user_name"]);

        await page.ClickAsync("#stop");
        await ConsoleConversationTests.WaitForAsync(page, "() => window.seen.some((e) => e.type === 'SESSION_ENDED')", "the end of the session");
        var types = await page.EvaluateAsync<string[]>("() => window.seen.map((e) => e.type)");
        Assert.DoesNotContain("ERROR", types);
        Assert.Equal("SESSION_ENDED", types[^1]);
    }
}
