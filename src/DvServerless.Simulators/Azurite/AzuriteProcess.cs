using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace DvServerless.Simulators.Azurite;

/// <summary>
/// Starts Azurite's Blob service (npm <c>azurite</c>) as a child process on a loopback port, in memory, and stops it
/// on dispose. Looks for <c>node_modules/.bin/azurite-blob</c> above the working folder and the app folder, then on PATH.
/// </summary>
public sealed class AzuriteProcess : IAsyncDisposable
{
    /// <summary>Azurite's published development account name.</summary>
    public const string AccountName = "devstoreaccount1";

    // Azurite's published development account key (the same for every Azurite install; not a secret).
    private const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private readonly Process _process;

    private AzuriteProcess(Process process, int blobPort)
    {
        _process = process;
        BlobPort = blobPort;
    }

    /// <summary>The Blob service port.</summary>
    public int BlobPort { get; }

    /// <summary>A storage connection string for this instance.</summary>
    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={AccountKey};BlobEndpoint=http://127.0.0.1:{BlobPort}/{AccountName};";

    /// <summary>
    /// Finds the <c>azurite-blob</c> executable, or null when it is not installed: in <c>node_modules/.bin</c> above the
    /// working folder, the app folder or <paramref name="searchFrom"/>, then on PATH.
    /// </summary>
    public static string? FindExecutable(params string?[] searchFrom)
    {
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory }.Concat(searchFrom).OfType<string>())
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "node_modules", ".bin", "azurite-blob");
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        foreach (var folder in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator))
        {
            var candidate = Path.Combine(folder, "azurite-blob");
            if (folder.Length > 0 && File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    /// <summary>Starts Azurite on <paramref name="blobPort"/> (0 = any free port) and waits until it accepts connections.</summary>
    public static async Task<AzuriteProcess> StartAsync(int blobPort = 0, string? searchFrom = null, CancellationToken cancellationToken = default)
    {
        var executable = FindExecutable(searchFrom) ?? throw new InvalidOperationException(
            "Azurite is not installed. Run `npm install` in the repository root (package.json lists azurite), or `npm install -g azurite`.");
        if (blobPort == 0)
        {
            using var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            blobPort = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        var info = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "--blobHost", "127.0.0.1", "--blobPort", blobPort.ToString(System.Globalization.CultureInfo.InvariantCulture), "--inMemoryPersistence", "--silent", "--skipApiVersionCheck", "--loose" })
        {
            info.ArgumentList.Add(argument);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("Azurite did not start.");
        process.OutputDataReceived += static (_, _) => { };
        process.ErrorDataReceived += static (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var azurite = new AzuriteProcess(process, blobPort);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (process.HasExited)
            {
                throw new InvalidOperationException($"Azurite exited at start with code {process.ExitCode} (is port {blobPort} taken?).");
            }

            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, blobPort, cancellationToken).ConfigureAwait(false);
                return azurite;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Stops Azurite.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync().ConfigureAwait(false);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        _process.Dispose();
    }
}
