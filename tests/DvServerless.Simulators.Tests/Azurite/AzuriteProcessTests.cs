using System.Net;
using System.Net.Sockets;
using DvServerless.Core.Hosting;
using DvServerless.Simulators.Azurite;
using DvServerless.Testing;

namespace DvServerless.Simulators.Tests.Azurite;

/// <summary>
/// Azurite's services bind ports the system chooses and report them, so Azurites started at the same moment (two test
/// projects, a soak beside CI) never share a port; a fixed port that is taken fails as a port conflict.
/// </summary>
public sealed class AzuriteProcessTests
{
    [SkippableFact]
    public async Task Azurites_started_together_each_listen_on_the_ports_they_report()
    {
        RequireAzurite();

        var started = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => AzuriteProcess.StartAsync(0, RepositoryPaths.Root)));
        try
        {
            var ports = started.SelectMany(a => new[] { a.BlobPort, a.QueuePort }).ToList();
            Assert.Equal(ports.Count, ports.Distinct().Count());
            using var http = new HttpClient();
            foreach (var azurite in started)
            {
                // Each reported port is that instance's own service (Azurite names itself in the Server header).
                Assert.Equal("Azurite-Blob", await ServerAsync(http, azurite.BlobPort));
                Assert.Equal("Azurite-Queue", await ServerAsync(http, azurite.QueuePort));
            }
        }
        finally
        {
            foreach (var azurite in started)
            {
                await azurite.DisposeAsync();
            }
        }
    }

    [SkippableFact]
    public async Task A_fixed_blob_port_that_is_taken_fails_as_a_port_conflict_naming_it()
    {
        RequireAzurite();
        using var squatter = new TcpListener(IPAddress.Loopback, 0);
        squatter.Start();
        var taken = ((IPEndPoint)squatter.LocalEndpoint).Port;

        var error = await Assert.ThrowsAsync<IOException>(() => AzuriteProcess.StartAsync(taken, RepositoryPaths.Root));

        Assert.True(PortConflict.IsCause(error));
        Assert.Contains($"Azurite's Blob service could not listen on port {taken}", error.Message, StringComparison.Ordinal);
    }

    private static async Task<string> ServerAsync(HttpClient http, int port)
    {
        using var response = await http.GetAsync(new Uri($"http://127.0.0.1:{port}/{AzuriteProcess.AccountName}?comp=list"));
        var product = Assert.Single(response.Headers.Server);
        return product.Product!.Name;
    }

    private static void RequireAzurite()
    {
        var missing = AzuriteProcess.FindExecutable(RepositoryPaths.Root) is null;
        if (missing && string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException("Azurite is not installed (npm install).");
        }

        Skip.If(missing, "Azurite is not installed (npm install in the repository root).");
    }
}
