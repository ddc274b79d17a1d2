using DvServerless.Adapters.Acs;
using DvServerless.Adapters.Storage;
using DvServerless.Core.Calls;
using DvServerless.MediaWorker.Calls;
using DvServerless.MediaWorker.Calls.Tools;
using DvServerless.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace DvServerless.MediaWorker.Tests.Calls;

/// <summary>
/// The worker's call control registration: no ACS client at all, ACS settings ignored with one warning, the queued
/// control when storage has queues, and the transfer tool offered only by <c>CallActions:OfferTransfer</c>.
/// </summary>
public sealed class CallControlRegistrationTests
{
    private static (ServiceProvider Provider, CapturingLoggerProvider Logs) Build(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var logs = new CapturingLoggerProvider();
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.AddProvider(logs));
        services.AddSingleton<IConfiguration>(configuration);
        services.AddOptions<StorageOptions>().Bind(configuration.GetSection(StorageOptions.SectionName));
        services.AddSingleton<ICallSessionStore, InMemoryCallSessionStore>();
        services.AddCallControl(configuration);
        return (services.BuildServiceProvider(), logs);
    }

    [Fact]
    public void Acs_settings_on_the_worker_are_ignored_with_one_warning_and_no_acs_client_exists()
    {
        var (provider, logs) = Build(new()
        {
            ["Storage:ConnectionString"] = "UseDevelopmentStorage=true",
            ["Acs:ConnectionString"] = "endpoint=https://acs.example.com/;accesskey=QUJD",
            ["Acs:TransferTarget"] = "+14255550123",
        });
        using (provider)
        {
            Assert.IsType<QueuedAcsCallControl>(provider.GetRequiredService<ICallControl>());
            provider.GetRequiredService<ICallControl>();

            Assert.Null(provider.GetService<ICallAutomationClient>());
            Assert.Single(logs.Messages, m => m.Contains("no longer used", StringComparison.Ordinal));
            // A transfer target on the worker offers nothing: only CallActions:OfferTransfer does.
            Assert.False(Assert.Single(provider.GetServices<ICallToolHandler>().OfType<TransferToolHandler>()).IsAvailable);
        }
    }

    [Fact]
    public void The_transfer_tool_is_offered_when_the_deployment_says_so()
    {
        var (provider, logs) = Build(new() { ["Storage:ConnectionString"] = "UseDevelopmentStorage=true", ["CallActions:OfferTransfer"] = "true" });
        using (provider)
        {
            Assert.True(Assert.Single(provider.GetServices<ICallToolHandler>().OfType<TransferToolHandler>()).IsAvailable);
            Assert.DoesNotContain(logs.Messages, m => m.Contains("no longer used", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Without_a_queue_service_calls_end_only_with_their_leg_and_no_transfer_is_offered()
    {
        var (provider, _) = Build(new()
        {
            ["Storage:ConnectionString"] = "DefaultEndpointsProtocol=https;AccountName=a;AccountKey=QUJD;BlobEndpoint=https://a.blob.core.windows.net/",
            ["CallActions:OfferTransfer"] = "true",
        });
        using (provider)
        {
            Assert.IsType<LoggingCallControl>(provider.GetRequiredService<ICallControl>());
            Assert.False(Assert.Single(provider.GetServices<ICallToolHandler>().OfType<TransferToolHandler>()).IsAvailable);
        }
    }
}
