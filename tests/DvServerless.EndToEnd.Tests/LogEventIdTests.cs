using System.Reflection;
using Microsoft.Extensions.Logging;

namespace DvServerless.EndToEnd.Tests;

/// <summary>
/// Every source-generated log message has an event id of its own within its assembly, so a log query by event id finds
/// exactly one kind of event (two messages sharing an id make alerts and dashboards count the wrong thing).
/// </summary>
public sealed class LogEventIdTests
{
    // The assemblies that log through [LoggerMessage] (Core and the CLI have no logging of their own).
    public static TheoryData<string> Assemblies => new()
    {
        typeof(Adapters.Acs.AcsCallAutomationClient).Assembly.GetName().Name!,
        typeof(Functions.FunctionsApp).Assembly.GetName().Name!,
        typeof(MediaWorker.Calls.CallLoop).Assembly.GetName().Name!,
        typeof(Simulators.Acs.AcsSimulator).Assembly.GetName().Name!,
    };

    // Each app's process logs through its own assembly and the adapters: one log stream, one id space.
    public static TheoryData<string> Apps => new()
    {
        typeof(Functions.FunctionsApp).Assembly.GetName().Name!,
        typeof(MediaWorker.Calls.CallLoop).Assembly.GetName().Name!,
    };

    [Theory]
    [MemberData(nameof(Assemblies))]
    public void Event_ids_are_unique_within_the_assembly(string assemblyName) => AssertUnique(assemblyName, [assemblyName]);

    [Theory]
    [MemberData(nameof(Apps))]
    public void Event_ids_are_unique_within_an_apps_process_adapters_included(string appAssembly) =>
        AssertUnique(appAssembly, [appAssembly, typeof(Adapters.Acs.AcsCallAutomationClient).Assembly.GetName().Name!]);

    private static void AssertUnique(string assemblyName, string[] assemblies)
    {
        var messages = assemblies.Select(Assembly.Load).SelectMany(a => a.GetTypes())
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            .Select(m => (Method: m, Attribute: m.GetCustomAttribute<LoggerMessageAttribute>()))
            .Where(m => m.Attribute is not null)
            .ToList();

        var duplicates = messages
            .GroupBy(m => m.Attribute!.EventId)
            .Where(g => g.Count() > 1)
            .Select(g => $"{g.Key}: " + string.Join(", ", g.Select(m => m.Method.DeclaringType!.Name + "." + m.Method.Name)))
            .ToList();

        Assert.True(messages.Count > 0, $"{assemblyName} has no source-generated log messages to check.");
        Assert.True(duplicates.Count == 0, $"{assemblyName} reuses event ids:\n" + string.Join("\n", duplicates));
        Assert.DoesNotContain(messages, m => m.Attribute!.EventId == 0);
    }
}
