using System.CommandLine;

namespace DvServerless.Cli.Load;

/// <summary><c>dvs load</c>: many concurrent simulated ACS calls through the local stack, and what they cost.</summary>
public static class LoadCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var calls = new Option<int>("--calls") { Description = "Concurrent calls.", DefaultValueFactory = _ => 25 };
        var duration = new Option<int>("--duration") { Description = "Seconds each call lasts (answer to hang-up).", DefaultValueFactory = _ => 60 };
        var ramp = new Option<int?>("--ramp") { Description = "Seconds over which the calls are placed. Default: a tenth of --duration, at most 10." };
        var engine = new Option<string>("--engine")
        {
            Description = "The conversation engine: simulator (the Realtime simulator) or offline (pocketsphinx, a rule-based responder and espeak-ng in the worker).",
            DefaultValueFactory = _ => LoadEngines.Simulator,
        };
        engine.AcceptOnlyFromAmong([.. LoadEngines.All]);
        var json = new Option<FileInfo?>("--json") { Description = "Write the report as JSON to this file." };
        var verbose = new Option<bool>("--verbose") { Description = "Show the apps' logs." };
        var starvation = new Option<bool>("--count-starvation")
        {
            Description = "Have the worker count thread-pool starvation (its runtime events add allocations of their own).",
        };

        var command = new Command("load", "Run many concurrent simulated ACS calls through the local stack and report jitter, latency and cost per call.")
        {
            calls, duration, ramp, engine, json, verbose, starvation,
        };
        // On the options, not the command: a command validator reads an option the user left out as 0, not as its default,
        // so a plain `dvs load` was refused ("--calls must be between 1 and 5000").
        calls.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 1 or > 5000)
            {
                result.AddError("--calls must be between 1 and 5000.");
            }
        });
        duration.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < 8)
            {
                result.AddError("--duration must be at least 8 seconds: the first answer comes about 5 s into a call (a caller line, the turn's silence, the agent).");
            }
        });
        ramp.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int?>() is < 0)
            {
                result.AddError("--ramp must not be negative.");
            }
        });
        command.SetAction((parseResult, cancellationToken) =>
        {
            var seconds = parseResult.GetValue(duration);
            var options = new LoadOptions
            {
                Calls = parseResult.GetValue(calls),
                Duration = TimeSpan.FromSeconds(seconds),
                Ramp = TimeSpan.FromSeconds(parseResult.GetValue(ramp) ?? Math.Min(10, seconds / 10)),
                Engine = parseResult.GetValue(engine)!,
                Json = parseResult.GetValue(json),
                Verbose = parseResult.GetValue(verbose),
                CountStarvation = parseResult.GetValue(starvation),
            };
            return new LoadRunner(DvsConsole.Out, DvsConsole.Error).RunAsync(options, cancellationToken);
        });
        return command;
    }
}
