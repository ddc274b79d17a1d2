using DvServerless.Cli.LocalStack;
using DvServerless.Core.Audio;
using DvServerless.Simulators.Azurite;
using DvServerless.Testing;
using Microsoft.Playwright;

namespace DvServerless.Browser.Tests;

/// <summary>
/// One local stack (as <c>dvs up</c> starts it: Azurite, Functions, worker, simulators, tenant <c>local</c>) and one
/// real Chromium whose fake microphone says <see cref="CallerSays"/> followed by silence, over and over. Each test opens
/// its own pages. Skipped with the reason when Chromium, Azurite or espeak-ng is missing (outside CI).
/// </summary>
public sealed class BrowserStackFixture : IAsyncLifetime
{
    /// <summary>What the caller's fake microphone says (espeak-ng), then <see cref="SilenceAfterSpeech"/> of silence.</summary>
    public const string CallerSays = "Hello, can you hear me? I would like to know the weather.";

    /// <summary>The silence after each utterance before the microphone file starts again.</summary>
    public static readonly TimeSpan SilenceAfterSpeech = TimeSpan.FromSeconds(3);

    /// <summary>What the Realtime simulator recognises for the caller's 1st, 2nd, … utterance.</summary>
    public static readonly IReadOnlyList<string> Transcripts =
        Enumerable.Range(1, 40).Select(turn => $"Caller utterance number {turn}").ToArray();

    private IPlaywright? _playwright;
    private string? _callerWav;
    private string? _userDataDir;
    private string? _unavailable;
    private LocalStack? _stack;
    private IBrowserContext? _browser;

    /// <summary>The running stack.</summary>
    public LocalStack Stack => _stack ?? throw new InvalidOperationException(_unavailable ?? "not started");

    /// <summary>The browser (one persistent context with a fresh profile).</summary>
    public IBrowserContext Browser => _browser ?? throw new InvalidOperationException(_unavailable ?? "not started");

    /// <summary>
    /// The agent's reply to turn N: long enough (about 12 s of simulated speech) that the caller's next utterance comes
    /// while the agent is still talking.
    /// </summary>
    public static string AgentReply(int turn, string heard) =>
        $"Reply {turn + 1}: you said {heard}. Let me tell you a long story about the weather in Paris, where it is cloudy "
        + "and mild today, with a light breeze from the west and a chance of rain later this evening.";

    /// <summary>Skips the test (or fails under CI) when the browser or the stack could not be started.</summary>
    public void Require() => Skip.If(_unavailable is not null, _unavailable);

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        _unavailable = SystemChromium.UnavailableReason()
            ?? (AzuriteProcess.FindExecutable(RepositoryPaths.Root) is null ? "Azurite is not installed (npm ci in the repository root)." : null)
            ?? (SpeechAudio.Available ? null : "espeak-ng and sox are needed to make the caller's speech.");
        if (_unavailable is not null)
        {
            if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidOperationException(_unavailable);
            }

            return;
        }

        var callerWav = _callerWav = MakeCallerWav();
        _stack = await LocalStack.StartAsync(
            new LocalStackOptions
            {
                CreateTenant = true,
                CallerTranscripts = Transcripts,
                AgentReply = AgentReply,
                Greeting = string.Empty,
                ToolsSearchRoot = RepositoryPaths.Root,
                // A real model is never used here, whatever the environment holds.
                Environment = new Dictionary<string, string?>(),
            },
            _ => { },
            CancellationToken.None);

        _playwright = await Playwright.CreateAsync();
        _userDataDir = Directory.CreateTempSubdirectory("dvs-chromium-").FullName;
        _browser = await _playwright.Chromium.LaunchPersistentContextAsync(_userDataDir, new BrowserTypeLaunchPersistentContextOptions
        {
            ExecutablePath = SystemChromium.ExecutablePath,
            Headless = true,
            Args = SystemChromium.Arguments(callerWav),
            ViewportSize = new ViewportSize { Width = 1400, Height = 900 },
        });
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.CloseAsync();
        }

        _playwright?.Dispose();
        if (_stack is not null)
        {
            await _stack.DisposeAsync();
        }

        if (_callerWav is not null)
        {
            File.Delete(_callerWav);
        }

        if (_userDataDir is not null)
        {
            try
            {
                Directory.Delete(_userDataDir, recursive: true);
            }
            catch (IOException)
            {
                // Chromium may still be writing its profile as it exits; the temp folder is cleaned eventually.
            }
        }
    }

    /// <summary>Where a test saves its screenshot: artifacts/browser/ under the repository.</summary>
    public static string ArtifactPath(string fileName)
    {
        var folder = Path.Combine(RepositoryPaths.RequireRoot(), "artifacts", "browser");
        Directory.CreateDirectory(folder);
        return Path.Combine(folder, fileName);
    }

    private static string MakeCallerWav()
    {
        const int rate = 48_000;
        var speech = WavFile.ReadFile(SpeechAudio.SynthesizeWav(CallerSays, rate));
        var silence = new byte[(int)(rate * SilenceAfterSpeech.TotalSeconds) * 2];
        var pcm = new byte[speech.Pcm.Length + silence.Length];
        speech.Pcm.CopyTo(pcm, 0);
        var path = Path.Combine(Path.GetTempPath(), $"dvs-browser-caller-{Guid.NewGuid():N}.wav");
        WavFile.WriteFile(path, pcm, rate);
        return path;
    }
}
