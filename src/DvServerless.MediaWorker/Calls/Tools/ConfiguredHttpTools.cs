using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DvServerless.MediaWorker.Calls.Tools;

/// <summary>The HTTP tools of <c>Agent:Tools</c>, made once from the validated settings, in name order.</summary>
public sealed class ConfiguredHttpTools
{
    /// <summary>Creates a <see cref="HttpToolHandler"/> per configured tool.</summary>
    public ConfiguredHttpTools(IOptions<HttpToolsOptions> options, IHttpClientFactory clients, TimeProvider timeProvider, ILoggerFactory loggers)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(loggers);
        var logger = loggers.CreateLogger<HttpToolHandler>();
        Handlers = options.Value.Tools
            .OrderBy(t => t.Key, StringComparer.Ordinal)
            .Select(t => (ICallToolHandler)new HttpToolHandler(t.Key, t.Value, clients, timeProvider, logger))
            .ToArray();
    }

    /// <summary>One handler per tool.</summary>
    public IReadOnlyList<ICallToolHandler> Handlers { get; }
}
