using Xunit;
using DvServerless.Simulators.Azurite;

namespace DvServerless.Testing;

/// <summary>
/// One Azurite (Blob and Queue services) per test class (xunit <c>IClassFixture</c>). When Azurite is not installed the tests that
/// call <see cref="Require"/> are skipped with the reason, except under CI (<c>CI=true</c>), where that is a failure.
/// </summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    private AzuriteProcess? _azurite;
    private string? _unavailable;

    /// <summary>The connection string of the running instance.</summary>
    public string ConnectionString => _azurite?.ConnectionString ?? throw new InvalidOperationException(_unavailable ?? "Azurite not started.");

    /// <summary>Skips the test when Azurite could not be started (outside CI); returns the connection string.</summary>
    public string Require()
    {
        Skip.If(_unavailable is not null, _unavailable);
        return ConnectionString;
    }

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        if (AzuriteProcess.FindExecutable(RepositoryPaths.Root) is null)
        {
            _unavailable = "Azurite is not installed (run the README's test command, or `npm install` in the repository root).";
            if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidOperationException(_unavailable);
            }

            return;
        }

        _azurite = await AzuriteProcess.StartAsync(0, RepositoryPaths.Root);
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (_azurite is not null)
        {
            await _azurite.DisposeAsync();
        }
    }
}
