using Xunit;
namespace DvServerless.Testing;

/// <summary>Finds the repository root (the folder holding <c>DvServerless.sln</c>) from the test's output folder.</summary>
public static class RepositoryPaths
{
    private static readonly Lazy<string?> RootValue = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "DvServerless.sln")))
            {
                return dir.FullName;
            }
        }

        // Builds with --artifacts-path live outside the tree: use the checkout this assembly was built from.
        var built = typeof(RepositoryPaths).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyMetadataAttribute), false)
            .Cast<System.Reflection.AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "RepositoryRoot")?.Value;
        if (built is not null && File.Exists(Path.Combine(built, "DvServerless.sln")))
        {
            return built;
        }

        // Otherwise the working directory of `dotnet test` may be inside it.
        for (var dir = new DirectoryInfo(Environment.CurrentDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "DvServerless.sln")))
            {
                return dir.FullName;
            }
        }

        return null;
    });

    /// <summary>The repository root, or null when the tests run outside a checkout.</summary>
    public static string? Root => RootValue.Value;

    /// <summary>The repository root; throws when the tests run outside a checkout.</summary>
    public static string RequireRoot() =>
        Root ?? throw new InvalidOperationException("These tests must run inside a DvServerless checkout (no DvServerless.sln found above the test folder).");
}
