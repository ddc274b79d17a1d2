using System.Globalization;

namespace DvServerless.Testing.Fuzzing;

/// <summary>
/// How many cases a fuzz property runs and from which seed: <c>FUZZ_CASES</c> overrides the count (10,000 by default),
/// <c>FUZZ_SEED</c> fixes the seed. A failing property prints a CsCheck seed; running again with <c>FUZZ_SEED</c> set to
/// it and <c>FUZZ_CASES=1</c> replays exactly that one case.
/// </summary>
public static class FuzzSettings
{
    /// <summary>The default number of cases per property.</summary>
    public const long DefaultCases = 10_000;

    /// <summary>The number of cases per property.</summary>
    public static long Cases =>
        long.TryParse(Environment.GetEnvironmentVariable("FUZZ_CASES"), NumberStyles.None, CultureInfo.InvariantCulture, out var cases) && cases > 0
            ? cases
            : DefaultCases;

    /// <summary>The fixed seed, or null for a fresh one each run.</summary>
    public static string? Seed => Environment.GetEnvironmentVariable("FUZZ_SEED") is { Length: > 0 } seed ? seed.Trim() : null;
}
