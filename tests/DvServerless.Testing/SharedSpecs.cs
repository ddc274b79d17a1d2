using Xunit;
namespace DvServerless.Testing;

/// <summary>
/// Finds the published protocol specs (<c>../shared/specs</c> beside the repository). A user's clone has no
/// <c>../shared</c>: tests that need it call <see cref="Require"/> and are skipped with a clear reason; CI always has it.
/// <c>DVS_SHARED_DIR</c> points elsewhere when set.
/// </summary>
public static class SharedSpecs
{
    private static readonly Lazy<string?> Root = new(Locate);

    /// <summary>The <c>shared</c> folder, or null when absent.</summary>
    public static string? Directory => Root.Value;

    /// <summary>Whether the specs are present.</summary>
    public static bool Available => Root.Value is not null;

    /// <summary>Skips the calling test (SkippableFact/SkippableTheory) when the specs are absent; returns the folder.</summary>
    public static string Require()
    {
        Skip.If(Root.Value is null,
            "The published specs (../shared/specs beside the repository) are not here; set DVS_SHARED_DIR to run this test. CI always has them.");
        return Root.Value!;
    }

    /// <summary>The path of a file below <c>shared/</c>, e.g. <c>specs/acs/PROTOCOL.md</c>; skips when absent.</summary>
    public static string PathOf(string relative)
    {
        var root = Require();
        var path = Path.Combine(root, relative.Replace('/', Path.DirectorySeparatorChar));
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"The shared folder has no {relative}.", path);
        }

        return path;
    }

    private static string? Locate()
    {
        var configured = Environment.GetEnvironmentVariable("DVS_SHARED_DIR");
        if (!string.IsNullOrEmpty(configured))
        {
            return System.IO.Directory.Exists(Path.Combine(configured, "specs")) ? Path.GetFullPath(configured) : null;
        }

        var repo = RepositoryPaths.Root;
        var parent = repo is null ? null : System.IO.Directory.GetParent(repo)?.FullName;
        if (parent is null)
        {
            return null;
        }

        var candidate = Path.Combine(parent, "shared");
        return System.IO.Directory.Exists(Path.Combine(candidate, "specs")) ? candidate : null;
    }
}
