using CsCheck;

namespace DvServerless.Testing.Fuzzing;

/// <summary>
/// Runs a property over generated hostile input with the settings of <see cref="FuzzSettings"/>, on one thread (the test
/// machines are shared, and allocation is measured per thread). A failure names the seed that replays it.
/// </summary>
public static class Fuzz
{
    /// <summary>Checks <paramref name="property"/> for every case <paramref name="gen"/> makes; it throws to fail.</summary>
    public static void Check<T>(Gen<T> gen, Action<T> property, Func<T, string>? print = null)
    {
        ArgumentNullException.ThrowIfNull(gen);
        ArgumentNullException.ThrowIfNull(property);
        gen.Sample(property, seed: FuzzSettings.Seed, iter: FuzzSettings.Cases, threads: 1, print: print);
    }

    /// <summary>
    /// Runs <paramref name="action"/> and fails when it allocates more than <paramref name="limitBytes"/> on this thread:
    /// a parser must not blow up on large or deeply nested input.
    /// </summary>
    public static void WithinAllocation(long limitBytes, Action action)
    {
        ArgumentNullException.ThrowIfNull(action);
        var before = GC.GetAllocatedBytesForCurrentThread();
        action();
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        if (allocated > limitBytes)
        {
            throw new InvalidOperationException($"Allocated {allocated} bytes, more than the bound of {limitBytes}.");
        }
    }

    /// <summary>The allocation bound for parsing <paramref name="inputBytes"/> bytes: linear in the input plus a constant.</summary>
    public static long LinearBound(int inputBytes, int perByte = 64, int constant = 256 * 1024) => ((long)inputBytes * perByte) + constant;

    /// <summary>
    /// Runs <paramref name="parse"/>; passes when it returns or throws one of <paramref name="failures"/> (the parser's
    /// documented failure result), fails with the unexpected exception otherwise.
    /// </summary>
    public static bool Fails(Action parse, params Type[] failures)
    {
        ArgumentNullException.ThrowIfNull(parse);
        try
        {
            parse();
            return false;
        }
        catch (Exception exception) when (failures.Any(type => type.IsInstanceOfType(exception)))
        {
            return true;
        }
    }
}
