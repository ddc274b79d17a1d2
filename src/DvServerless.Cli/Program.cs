using DvServerless.Cli.Calls;

namespace DvServerless.Cli;

/// <summary>Entry point of <c>dvs</c>.</summary>
public static class Program
{
    /// <summary>Parses the command line and runs the command.</summary>
    public static Task<int> Main(string[] args) => DvsCommandLine.Build().Parse(args).InvokeAsync();
}
