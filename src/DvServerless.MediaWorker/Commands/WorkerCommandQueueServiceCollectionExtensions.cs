using DvServerless.Adapters.Commands;
using DvServerless.Adapters.Storage;
using DvServerless.MediaWorker.Calls;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DvServerless.MediaWorker.Commands;

/// <summary>Registers this replica's command queue.</summary>
public static class WorkerCommandQueueServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="WorkerReplica"/>, <see cref="WorkerQueueRecorder"/> and <see cref="CommandQueueListener"/> on
    /// the queue <see cref="CommandQueueAccess"/> resolves (the listener does nothing without one). Needs
    /// <c>AddDvServerlessStorage</c> and <see cref="LiveCallCommands"/>.
    /// </summary>
    public static IServiceCollection AddWorkerCommandQueue(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddDvServerlessCommandQueues(configuration);
        services.AddSingleton<WorkerReplica>();
        services.AddSingleton<WorkerQueueRecorder>();
        services.AddSingleton<IHostedService>(sp =>
        {
            var replica = sp.GetRequiredService<WorkerReplica>();
            var queues = sp.GetRequiredService<CommandQueueAccess>().Service;
            return new CommandQueueListener(queues is null ? null : new StorageReplicaCommandInbox(queues.GetQueueClient(replica.QueueName)),
                sp.GetRequiredService<ICallCommandReplies>(), sp.GetRequiredService<LiveCallCommands>(), replica,
                sp.GetRequiredService<IOptions<CallCommandQueueOptions>>(), sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILogger<CommandQueueListener>>());
        });
        return services;
    }
}
