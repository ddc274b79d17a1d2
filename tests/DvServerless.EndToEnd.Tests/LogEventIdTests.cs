using System.Reflection;
using Microsoft.Extensions.Logging;

namespace DvServerless.EndToEnd.Tests;

/// <summary>
/// Every source-generated log message has an event id of its own across the product's assemblies, so a log query by event id finds
/// exactly one kind of event (two messages sharing an id make alerts and dashboards count the wrong thing).
/// </summary>
public sealed class LogEventIdTests
{
    // The assemblies that log through [LoggerMessage] (Core and the CLI have no logging of their own).
    private static readonly string[] Logging =
    [
        typeof(Adapters.Acs.AcsCallAutomationClient).Assembly.GetName().Name!,
        typeof(Functions.FunctionsApp).Assembly.GetName().Name!,
        typeof(MediaWorker.Calls.CallLoop).Assembly.GetName().Name!,
        typeof(Simulators.Acs.AcsSimulator).Assembly.GetName().Name!,
    ];

    public static TheoryData<string> Assemblies => new(Logging);

    [Theory]
    [MemberData(nameof(Assemblies))]
    public void Event_ids_are_unique_within_the_assembly(string assemblyName) => AssertUnique(assemblyName, [assemblyName]);

    [Fact]
    public void Event_ids_are_unique_across_the_product()
    {
        // Both apps usually send their logs to one workspace (Application Insights), where a query by event id spans
        // the Functions app, the worker, the adapters and the simulators alike.
        AssertUnique("the product", Logging);
    }

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
