using System.CommandLine;
using Spectre.Console;

namespace DvServerless.Cli.Up;

/// <summary>
/// <c>dvs up</c>: starts the whole local stack with a fresh tenant and keeps it running until Ctrl+C, printing the
/// console, dashboard, metrics and API URLs and the tenant's API key.
/// </summary>
public static class UpCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var urlsFile = new Option<FileInfo?>("--urls-file") { Description = "Once the stack is ready, write its URLs, tenant and API key to this JSON file." };
        var transcripts = new Option<string?>("--transcripts")
        {
            Description = "Without OPENAI_API_KEY: what the Realtime simulator recognises for each caller utterance, separated by '|'.",
        };
        var greeting = new Option<string?>("--greeting") { Description = "The cached greeting played when a call connects (default: Agent__Greeting, else the built-in greeting; \"\" for none)." };
        var verbose = new Option<bool>("--verbose") { Description = "Show the apps' logs." };
        var command = new Command("up", "Start the local stack (Azurite, Functions, media worker, simulators) with a fresh tenant and keep it running until Ctrl+C.")
        {
            urlsFile, transcripts, greeting, verbose,
        };
        command.SetAction((parseResult, cancellationToken) =>
        {
            var options = new UpOptions
            {
                UrlsFile = parseResult.GetValue(urlsFile),
                Transcripts = parseResult.GetValue(transcripts)?.Split('|', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries),
                Greeting = parseResult.GetValue(greeting),
                Verbose = parseResult.GetValue(verbose),
            };
            return new UpRunner(DvsConsole.Out).RunAsync(options, cancellationToken);
        });
        return command;
    }
}
