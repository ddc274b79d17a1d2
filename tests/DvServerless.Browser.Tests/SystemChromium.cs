namespace DvServerless.Browser.Tests;

/// <summary>
/// The system Chromium (Debian package <c>chromium</c>, installed by scripts/install-tools.sh), found on PATH. Playwright
/// drives it; no browser is ever downloaded. Tests that need it are skipped when it is missing, except under CI
/// (<c>CI=true</c>), where that is a failure.
/// </summary>
internal static class SystemChromium
{
    public const string MissingReason = "Chromium is not installed (scripts/install-tools.sh installs the Debian package 'chromium').";

    private static readonly string[] Names = ["chromium", "chromium-browser"];

    /// <summary>The executable, or null.</summary>
    public static string? ExecutablePath { get; } = Find();

    /// <summary>
    /// The flags every test browser runs with: headless, no sandbox (root in CI), no network of its own, and a fake
    /// microphone that plays <paramref name="callerWav"/> in a loop, granted without a prompt.
    /// </summary>
    public static IReadOnlyList<string> Arguments(string callerWav) =>
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
        $"--use-file-for-fake-audio-capture={callerWav}",
    ];

    /// <summary>Throws under CI, else returns the reason to skip, when Chromium is missing; null when it is there.</summary>
    public static string? UnavailableReason()
    {
        if (ExecutablePath is not null)
        {
            return null;
        }

        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException(MissingReason);
        }

        return MissingReason;
    }

    private static string? Find() =>
        Names.SelectMany(name => (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
                .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
                .Select(folder => Path.Combine(folder, name)))
            .FirstOrDefault(File.Exists);
}
