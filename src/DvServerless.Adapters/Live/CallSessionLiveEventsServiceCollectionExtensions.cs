using DvServerless.Core.Calls;
using DvServerless.Core.Live;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace DvServerless.Adapters.Live;

/// <summary>Makes an app's call-session store publish live events (<see cref="LiveEventsCallSessionStore"/>).</summary>
public static class CallSessionLiveEventsServiceCollectionExtensions
{
    /// <summary>
    /// Wraps the <see cref="ICallSessionStore"/> registered last in <see cref="LiveEventsCallSessionStore"/>, so every
    /// session change publishes its live events. Call it once, after every other registration (the app's and a test's
    /// replacements), so the store that is decorated is the one in use.
    /// </summary>
    public static IServiceCollection DecorateCallSessionStoreWithLiveEvents(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        var registered = services.LastOrDefault(d => d.ServiceType == typeof(ICallSessionStore) && !d.IsKeyedService);
        if (registered is null || registered.ImplementationType == typeof(LiveEventsCallSessionStore))
        {
            return services;
        }

        services.RemoveAll<ICallSessionStore>();
        services.Add(new ServiceDescriptor(typeof(ICallSessionStore), provider =>
        {
            var inner = registered.ImplementationInstance as ICallSessionStore
                ?? registered.ImplementationFactory?.Invoke(provider) as ICallSessionStore
                ?? (ICallSessionStore)ActivatorUtilities.CreateInstance(provider, registered.ImplementationType!);
            if (inner is LiveEventsCallSessionStore)
            {
                return inner;
            }

            return new LiveEventsCallSessionStore(inner, provider.GetService<ILiveEventPublisher>() ?? DiscardingLiveEventPublisher.Instance);
        }, registered.Lifetime));
        return services;
    }
}
