using DvServerless.Adapters.Minutes;
using DvServerless.Core.Records;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace DvServerless.MediaWorker.Records;

/// <summary>Wires call records and minutes into the worker.</summary>
public static class CallRecordsServiceCollectionExtensions
{
    /// <summary>
    /// Tags turns with <c>CallRecords:Language</c>, registers the minutes renderer and <see cref="WorkerCallEnd"/>. Call
    /// after <c>AddDvServerlessStorage</c> (it wraps the record sink registered there).
    /// </summary>
    public static IServiceCollection AddCallRecords(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<CallRecordsOptions>().Bind(configuration.GetSection(CallRecordsOptions.SectionName))
            .Validate(o => o.Language is null || o.Language.Length <= 35, "CallRecords:Language must be a BCP 47 tag such as en-US.")
            .ValidateOnStart();
        var sink = services.LastOrDefault(d => d.ServiceType == typeof(ICallRecordSink));
        if (sink?.ImplementationFactory is { } factory)
        {
            services.Remove(sink);
            services.AddSingleton<ICallRecordSink>(sp => new LanguageTaggingCallRecordSink((ICallRecordSink)factory(sp), sp.GetRequiredService<IOptions<CallRecordsOptions>>()));
        }

        services.AddDvServerlessMinutes(configuration);
        services.TryAddSingleton<WorkerCallEnd>();
        return services;
    }
}
