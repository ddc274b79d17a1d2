using DvServerless.Adapters.Commands;
using DvServerless.Adapters.Storage;
using DvServerless.MediaWorker.Calls;
using DvServerless.MediaWorker.Sip;
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
    /// Registers <see cref="WorkerReplica"/>, <see cref="WorkerQueueRecorder"/>, <see cref="CommandQueueListener"/> on
    /// this replica's queue and <see cref="SipQueueListener"/> on the shared SIP queue, in the Queue service
    /// <see cref="CommandQueueAccess"/> resolves (the listeners do nothing without one). Needs <c>AddDvServerlessStorage</c>,
    /// <see cref="LiveCallCommands"/> and <see cref="SidebandCallRunner"/>.
    /// </summary>
    public static IServiceCollection AddWorkerCommandQueue(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddDvServerlessCommandQueues(configuration);
        services.AddSingleton<WorkerReplica>();
        services.AddSingleton<WorkerQueueRecorder>();
        services.AddSingleton<SipSeatCommands>();
        services.AddSingleton<IHostedService>(sp =>
        {
            var replica = sp.GetRequiredService<WorkerReplica>();
            var queues = sp.GetRequiredService<CommandQueueAccess>().Service;
            return new CommandQueueListener(queues is null ? null : new StorageReplicaCommandInbox(queues.GetQueueClient(replica.QueueName)),
                sp.GetRequiredService<ICallCommandReplies>(), sp.GetRequiredService<LiveCallCommands>(), replica,
                sp.GetRequiredService<IOptions<CallCommandQueueOptions>>(), sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILogger<CommandQueueListener>>(), sp.GetRequiredService<SipSeatCommands>());
        });
        services.AddSingleton<IHostedService>(sp =>
        {
            var queues = sp.GetRequiredService<CommandQueueAccess>().Service;
            return new SipQueueListener(queues is null ? null : new StorageReplicaCommandInbox(queues.GetQueueClient(SipQueueMessages.Name)),
                sp.GetRequiredService<ICallCommandReplies>(), sp.GetRequiredService<SipSeatCommands>(), sp.GetRequiredService<WorkerReplica>(),
                sp.GetRequiredService<IOptions<SipSidebandOptions>>(), sp.GetRequiredService<IOptions<CallCommandQueueOptions>>(),
                sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<SipQueueListener>>());
        });
        return services;
    }
}
