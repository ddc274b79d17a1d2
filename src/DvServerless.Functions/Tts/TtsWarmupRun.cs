using DvServerless.Adapters.Tts;
using DvServerless.Core.Tts;

namespace DvServerless.Functions.Tts;

/// <summary>One scheduled warm-up run over every tenant that has prompts (the timer function and the local loop share it).</summary>
public static class TtsWarmupRun
{
    /// <summary>Warms the default tenant and every tenant with a configured prompt list; a tenant's failure does not stop the others.</summary>
    public static async Task<IReadOnlyList<TtsWarmupReport>> WarmAllAsync(TtsWarmupService warmup, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(warmup);
        var tenants = warmup.ConfiguredTenants.Append(TtsServiceCollectionExtensions.DefaultTenant).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
        var reports = new List<TtsWarmupReport>();
        foreach (var tenant in tenants)
        {
            try
            {
                reports.Add(await warmup.WarmAsync(tenant, cancellationToken).ConfigureAwait(false));
            }
            catch (Exception e) when (e is Azure.RequestFailedException or ArgumentException or System.Text.Json.JsonException)
            {
                reports.Add(new TtsWarmupReport(tenant, [], [], [new TtsWarmupFailure("*", e.Message)]));
            }
        }

        return reports;
    }

    /// <summary>One log line per tenant: <c>TtsCacheWarmup default: 1 synthesized (greeting), 2 fresh, 0 failed</c>.</summary>
    public static string Describe(TtsWarmupReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        static string List(IEnumerable<string> names) => names.Any() ? " (" + string.Join(", ", names) + ")" : string.Empty;
        return $"TtsCacheWarmup {report.TenantId}: {report.Synthesized.Count} synthesized{List(report.Synthesized)}, "
            + $"{report.Skipped.Count} fresh{List(report.Skipped)}, {report.Failed.Count} failed{List(report.Failed.Select(f => f.Prompt + ": " + f.Reason))}";
    }
}
