using Microsoft.Playwright;

namespace DvServerless.Browser.Tests;

/// <summary>The console page in real Chromium, before any session: it loads whole, reads its config, has its controls.</summary>
[Collection(BrowserTestGroup.Name)]
public sealed class ConsolePageTests
{
    private static readonly string[] TestIds = ["api-key", "connect", "disconnect", "mode", "transcript", "event-log", "interrupt", "text-input"];

    private readonly BrowserStackFixture _fixture;

    public ConsolePageTests(BrowserStackFixture fixture) => _fixture = fixture;

    [SkippableFact]
    public async Task Console_LoadsWithoutErrorsAndPointsAtTheFunctionsApp()
    {
        _fixture.Require();
        var page = await _fixture.Browser.NewPageAsync();
        var errors = new List<string>();
        page.PageError += (_, error) => errors.Add(error);
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                errors.Add($"{message.Text} ({message.Location})");
            }
        };

        var response = await page.GotoAsync(_fixture.Stack.ConsoleUrl.ToString());
        Assert.Equal(200, response!.Status);
        Assert.Contains("connect-src 'self' " + _fixture.Stack.FunctionsBaseUrl.GetLeftPart(UriPartial.Authority), response.Headers["content-security-policy"], StringComparison.Ordinal);

        var functions = _fixture.Stack.FunctionsBaseUrl.ToString().TrimEnd('/');
        await Assertions.Expect(page.GetByTestId("api-base")).ToHaveTextAsync($"API {functions}");
        foreach (var id in TestIds)
        {
            await Assertions.Expect(page.GetByTestId(id)).ToHaveCountAsync(1);
        }

        await Assertions.Expect(page.GetByTestId("connect")).ToBeEnabledAsync();
        await Assertions.Expect(page.GetByTestId("disconnect")).ToBeDisabledAsync();
        Assert.Equal("password", await page.GetByTestId("api-key").GetAttributeAsync("type"));
        // The module graph loaded: the page's hook exists, with no session yet.
        Assert.True(await page.EvaluateAsync<bool>("() => typeof window.dvsConsole === 'object' && window.dvsConsole.sessionId === null"));
        Assert.Empty(errors);
    }

    [SkippableFact]
    public async Task Sdk_ImportsAsAModuleAndRefusesMissingCredentials()
    {
        _fixture.Require();
        var page = await _fixture.Browser.NewPageAsync();
        await page.GotoAsync(_fixture.Stack.ConsoleUrl.ToString());

        var result = await page.EvaluateAsync<string[]>("""
            async () => {
              const sdk = await import('/sdk/dvs-voice.js');
              let refused = '';
              try { new sdk.ChatClient({}, {}); } catch (e) { refused = e.name; }
              const client = new sdk.ChatClient({ robotKey: 'local', robotToken: 'x' }, { apiBase: 'http://127.0.0.1:1' });
              let seen = 0;
              const count = () => seen++;
              client.on(sdk.VoiceEvents.ALL, count);
              let code = '';
              try { await client.startVoiceChat({ userName: 'nobody' }); } catch (e) { code = e.code; }
              client.off(sdk.VoiceEvents.ALL, count);
              return [...Object.keys(sdk.VoiceEvents), refused, code, String(seen), String(client.sessionId)];
            }
            """);

        Assert.Equal(
            ["SESSION_CREATED", "USER_MESSAGE", "ROBOT_MESSAGE", "INTERRUPT", "SESSION_ENDED", "ERROR", "FLOW_DEBUG", "AUDIO_LEVEL", "ALL",
             "TypeError", "NETWORK", "1", "null"],
            result);
    }
}
