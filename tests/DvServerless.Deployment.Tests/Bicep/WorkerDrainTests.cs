using System.ComponentModel;
using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using DvServerless.Testing;
using static DvServerless.Deployment.Tests.Bicep.CompiledResources;

namespace DvServerless.Deployment.Tests.Bicep;

/// <summary>
/// The worker's drain and the container's termination grace period come from the same Bicep parameters: the worker is
/// given <c>MediaWorker__DrainTimeout</c> and <c>MediaWorker__DrainGoodbyeTimeout</c> from them, and the grace period is
/// computed from them (<c>bicep/drain.bicep</c>). The functions are evaluated by the Bicep CLI itself
/// (<c>bicep build-params</c> folds a parameters file to values) and their text is bound the way .NET configuration binds
/// a <see cref="TimeSpan"/>, so a format the worker would misread (a bare "300" is 300 days) fails here.
/// </summary>
public sealed partial class WorkerDrainTests
{
    // What the worker accepts (MediaWorkerOptionsValidator): a drain of at most an hour, a goodbye of at most 60 s.
    private const int WorkerMaxDrainSeconds = 3600;
    private const int WorkerMaxGoodbyeSeconds = 60;

    [Fact]
    public async Task TheWorkerIsGivenTheDrainTheGracePeriodIsComputedFrom()
    {
        var compiled = await CompiledTemplate.MainAsync();
        var main = compiled.RequireTemplate()["parameters"]!;
        var app = Assert.Single(OfType(await ResourcesAsync(), "Microsoft.App/containerApps"));

        // The main template's parameters: at least 300 s of drain, within what the worker accepts.
        var drain = main["drainTimeoutSeconds"]!;
        Assert.Equal(300, drain["defaultValue"]!.GetValue<int>());
        Assert.Equal(300, drain["minValue"]!.GetValue<int>());
        Assert.True(drain["maxValue"]!.GetValue<int>() <= WorkerMaxDrainSeconds);
        var goodbye = main["drainGoodbyeTimeoutSeconds"]!;
        Assert.Equal(WorkerDefaultGoodbyeSeconds(), goodbye["defaultValue"]!.GetValue<int>());
        Assert.True(goodbye["maxValue"]!.GetValue<int>() <= WorkerMaxGoodbyeSeconds);

        // The module is given those two parameters, not values of its own.
        Assert.Equal("[parameters('drainTimeoutSeconds')]", app.PassedParameters!["drainTimeoutSeconds"]!["value"]!.GetValue<string>());
        Assert.Equal("[parameters('drainGoodbyeTimeoutSeconds')]", app.PassedParameters!["drainGoodbyeTimeoutSeconds"]!["value"]!.GetValue<string>());

        // The worker's settings and the grace period are the drain functions of those parameters.
        var env = app.Variable("env")!.GetValue<string>();
        Assert.Contains("createObject('name', 'MediaWorker__DrainTimeout', 'value', __bicep.timeSpanOf(parameters('drainTimeoutSeconds')))", env, StringComparison.Ordinal);
        Assert.Contains("createObject('name', 'MediaWorker__DrainGoodbyeTimeout', 'value', __bicep.timeSpanOf(parameters('drainGoodbyeTimeoutSeconds')))", env, StringComparison.Ordinal);
        Assert.Equal("[__bicep.terminationGraceSeconds(parameters('drainTimeoutSeconds'), parameters('drainGoodbyeTimeoutSeconds'))]",
            app.Properties["template"]!["terminationGracePeriodSeconds"]!.GetValue<string>());
        // Imported from drain.bicep, the file the evaluation below runs.
        var imported = app.Template["functions"]!.AsArray().Single(ns => ns!["namespace"]!.GetValue<string>() == "__bicep")!["members"]!;
        foreach (var name in new[] { "timeSpanOf", "terminationGraceSeconds" })
        {
            Assert.Equal("drain.bicep", imported[name]!["metadata"]!["__bicep_imported_from!"]!["sourceTemplate"]!.GetValue<string>());
        }
    }

    [Theory]
    [InlineData(300, 15)]   // the defaults
    [InlineData(300, 0)]
    [InlineData(301, 59)]   // seconds that do not fill a minute
    [InlineData(599, 60)]
    [InlineData(3599, 15)]
    [InlineData(3600, 60)]  // the largest the worker accepts: 01:00:00
    public async Task TheGracePeriodCoversTheDrainTheGoodbyeAndTheWorkersOwnStop(int drainSeconds, int goodbyeSeconds)
    {
        var evaluated = await EvaluateAsync(drainSeconds, goodbyeSeconds);

        // The worker reads exactly the parameter back (TimeSpan as .NET configuration binds it).
        Assert.Equal(TimeSpan.FromSeconds(drainSeconds), BindTimeSpan(evaluated.DrainSetting));
        Assert.Equal(TimeSpan.FromSeconds(goodbyeSeconds), BindTimeSpan(evaluated.GoodbyeSetting));
        // The platform waits at least as long as the worker's host lets its stop take (drain + goodbye + its margin),
        // so SIGKILL never lands inside a drain or a goodbye.
        Assert.True(evaluated.GraceSeconds > drainSeconds + goodbyeSeconds + WorkerHostStopMarginSeconds(),
            $"grace {evaluated.GraceSeconds} s does not outlast drain {drainSeconds} s + goodbye {goodbyeSeconds} s + the host's margin");
        Assert.True(evaluated.GraceSeconds >= 300 && drainSeconds >= 300);
    }

    [Fact]
    public void ABareNumberOfSecondsWouldNotBindAsSeconds()
    {
        // Why the settings are hh:mm:ss text: the evaluation above would catch a switch to string(seconds).
        Assert.Equal(TimeSpan.FromDays(300), BindTimeSpan("300"));
        Assert.Throws<OverflowException>(() => BindTimeSpan("00:00:300"));
    }

    private sealed record Evaluated(string DrainSetting, string GoodbyeSetting, int GraceSeconds);

    // Evaluates the drain functions with the Bicep CLI: a parameters file (no template) whose values call them.
    private static async Task<Evaluated> EvaluateAsync(int drainSeconds, int goodbyeSeconds)
    {
        var root = RepositoryPaths.RequireRoot();
        var probeDirectory = Path.Combine(root, "bicep", $".drain-probe-{Guid.NewGuid():N}");
        Directory.CreateDirectory(probeDirectory);
        try
        {
            var probe = Path.Combine(probeDirectory, "probe.bicepparam");
            await File.WriteAllTextAsync(probe, string.Create(CultureInfo.InvariantCulture, $$"""
                using none
                import { timeSpanOf, terminationGraceSeconds } from '../drain.bicep'
                param drainSetting = timeSpanOf({{drainSeconds}})
                param goodbyeSetting = timeSpanOf({{goodbyeSeconds}})
                param grace = terminationGraceSeconds({{drainSeconds}}, {{goodbyeSeconds}})
                """));

            var build = await BicepCli.RunAsync("build-params", probe, "--stdout");

            Assert.True(build.ExitCode == 0, $"bicep build-params failed:\n{build.Output}");
            var parametersJson = JsonNode.Parse(build.StandardOutput)!["parametersJson"]!.GetValue<string>();
            var values = JsonNode.Parse(parametersJson)!["parameters"]!;
            return new Evaluated(
                values["drainSetting"]!["value"]!.GetValue<string>(),
                values["goodbyeSetting"]!["value"]!.GetValue<string>(),
                values["grace"]!["value"]!.GetValue<int>());
        }
        finally
        {
            Directory.Delete(probeDirectory, recursive: true);
        }
    }

    // ConfigurationBinder converts a string to a TimeSpan with its TypeConverter, invariant culture.
    private static TimeSpan BindTimeSpan(string text) =>
        (TimeSpan)TypeDescriptor.GetConverter(typeof(TimeSpan)).ConvertFromInvariantString(text)!;

    // The worker's host stop budget is drain + goodbye + this (MediaWorkerApp: HostOptions.ShutdownTimeout). Read from
    // the source so a larger margin there fails here instead of eating into the grace period unseen.
    private static int WorkerHostStopMarginSeconds()
    {
        var source = File.ReadAllText(Path.Combine(RepositoryPaths.RequireRoot(), "src", "DvServerless.MediaWorker", "Hosting", "MediaWorkerApp.cs"));
        var match = HostStopBudget().Match(source);
        Assert.True(match.Success, "MediaWorkerApp no longer computes the host's stop budget as drain + goodbye + seconds; re-check the grace period in bicep/drain.bicep");
        return int.Parse(match.Groups["seconds"].Value, CultureInfo.InvariantCulture);
    }

    // The worker's own goodbye default (MediaWorkerOptions), which the Bicep default mirrors.
    private static int WorkerDefaultGoodbyeSeconds()
    {
        var source = File.ReadAllText(Path.Combine(RepositoryPaths.RequireRoot(), "src", "DvServerless.MediaWorker", "Hosting", "MediaWorkerOptions.cs"));
        var match = GoodbyeDefault().Match(source);
        Assert.True(match.Success, "MediaWorkerOptions.DrainGoodbyeTimeout no longer has a default in whole seconds");
        return int.Parse(match.Groups["seconds"].Value, CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"DrainTimeout \+ worker\.Value\.DrainGoodbyeTimeout \+ TimeSpan\.FromSeconds\((?<seconds>\d+)\)", RegexOptions.CultureInvariant)]
    private static partial Regex HostStopBudget();

    [GeneratedRegex(@"TimeSpan DrainGoodbyeTimeout \{ get; set; \} = TimeSpan\.FromSeconds\((?<seconds>\d+)\)", RegexOptions.CultureInvariant)]
    private static partial Regex GoodbyeDefault();
}
