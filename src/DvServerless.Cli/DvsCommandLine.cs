using System.CommandLine;
using DvServerless.Cli.Calls;
using DvServerless.Cli.Up;

namespace DvServerless.Cli;

/// <summary>The <c>dvs</c> command tree.</summary>
public static class DvsCommandLine
{
    /// <summary>Builds the root command with its subcommands.</summary>
    public static RootCommand Build()
    {
        var root = new RootCommand("dvs: run DvServerless locally and place simulated calls.");
        root.Subcommands.Add(CallCommand.Create());
        root.Subcommands.Add(UpCommand.Create());
        root.Subcommands.Add(Load.LoadCommand.Create());
        return root;
    }
}
