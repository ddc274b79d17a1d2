using System.Reflection;
using DvServerless.Testing;

namespace DvServerless.Deployment.Tests.Bicep;

/// <summary>
/// The Bicep CLI from the Azure.Bicep.CommandLine.linux-x64 NuGet package (restored with the test project, so CI needs
/// no separate install). It builds and lints offline with its built-in type library.
/// </summary>
public static class BicepCli
{
    private static readonly Lazy<string> ExecutableValue = new(Locate);

    /// <summary>The bicep executable, made executable if NuGet extracted it without the exec bit.</summary>
    public static string Executable => ExecutableValue.Value;

    /// <summary>Runs <c>bicep</c> with the arguments from the repository root.</summary>
    public static Task<ExternalCommandResult> RunAsync(params string[] arguments) =>
        ExternalCommand.RunAsync(Executable, arguments, RepositoryPaths.RequireRoot(), TimeSpan.FromMinutes(3),
            new Dictionary<string, string?> { ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1" });

    /// <summary>The diagnostic lines (errors, warnings, infos) of a bicep run's output.</summary>
    public static IReadOnlyList<string> Diagnostics(ExternalCommandResult result) =>
        result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(line => line.Contains(" : Error ", StringComparison.Ordinal)
                || line.Contains(" : Warning ", StringComparison.Ordinal)
                || line.Contains(" : Info ", StringComparison.Ordinal))
            .ToList();

    private static string Locate()
    {
        var packagePath = typeof(BicepCli).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(attribute => attribute.Key == "BicepPackagePath")?.Value;
        if (string.IsNullOrEmpty(packagePath))
        {
            throw new InvalidOperationException("The test assembly does not record the Bicep package path (BicepPackagePath).");
        }

        // The package ships the binary in tools/; older layouts used runtimes/linux-x64/native.
        var candidates = new[]
        {
            Path.Combine(packagePath, "tools", "bicep"),
            Path.Combine(packagePath, "runtimes", "linux-x64", "native", "bicep"),
        };
        var executable = candidates.FirstOrDefault(File.Exists)
            ?? throw new FileNotFoundException($"No bicep binary in the package at {packagePath}.");

        var mode = File.GetUnixFileMode(executable);
        const UnixFileMode executeBits = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
        if ((mode & UnixFileMode.UserExecute) == 0)
        {
            File.SetUnixFileMode(executable, mode | executeBits);
        }

        return executable;
    }
}
