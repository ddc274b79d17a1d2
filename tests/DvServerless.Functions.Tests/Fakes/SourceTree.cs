using System.Reflection;
using DvServerless.Testing;

namespace DvServerless.Functions.Tests.Fakes;

/// <summary>The repository root: <see cref="RepositoryPaths"/> when it finds one, else the checkout this test was built from.</summary>
public static class SourceTree
{
    public static string Root
    {
        get
        {
            if (RepositoryPaths.Root is { } found)
            {
                return found;
            }

            var built = typeof(SourceTree).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
                .FirstOrDefault(a => a.Key == "DvsRepositoryRoot")?.Value;
            return built is not null && File.Exists(Path.Combine(built, "DvServerless.sln"))
                ? built
                : RepositoryPaths.RequireRoot();
        }
    }
}
