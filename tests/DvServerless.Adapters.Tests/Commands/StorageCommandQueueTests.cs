using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using DvServerless.Adapters.Commands;
using DvServerless.Adapters.Storage;
using DvServerless.Core.Hosting;
using DvServerless.Testing;

namespace DvServerless.Adapters.Tests.Commands;

/// <summary>The command queues and replies against Azurite's Queue and Blob services.</summary>
public sealed class StorageCommandQueueTests : IClassFixture<AzuriteFixture>
{
    private readonly AzuriteFixture _azurite;

    public StorageCommandQueueTests(AzuriteFixture azurite) => _azurite = azurite;

    [SkippableFact]
    public async Task A_command_sent_to_a_replicas_queue_is_received_there_comes_back_until_deleted_and_its_reply_is_read_back()
    {
        var connection = _azurite.Require();
        var queues = new QueueServiceClient(connection);
        var inbox = new StorageReplicaCommandInbox(queues.GetQueueClient(ReplicaQueueName.Of(ReplicaQueueName.NewLocalReplicaName())));
        var sender = new StorageCallCommandQueueSender(queues);
        var replies = new BlobCallCommandReplies(new BlobServiceClient(connection).GetBlobContainerClient(BlobCallCommandReplies.ContainerName));
        await inbox.CreateAsync(default);
        var command = new CallCommandMessage(CallCommandMessage.NewId(), "call-1", "say", DateTimeOffset.UtcNow.AddMinutes(1), Text: "Hello.", Interrupt: true);

        Assert.True(await sender.SendAsync(inbox.Name, command, TimeSpan.FromMinutes(1), default));
        var first = Assert.Single(await inbox.ReceiveAsync(16, TimeSpan.FromSeconds(1), default));
        Assert.Equal(1, first.DequeueCount);
        Assert.True(CallCommandMessage.TryParse(first.Text, out var received));
        Assert.Equal(command, received);
        // Hidden while it is worked on.
        Assert.Empty(await inbox.ReceiveAsync(16, TimeSpan.FromSeconds(1), default));

        var second = await ReceiveAgainAsync(inbox);
        Assert.Equal(2, second.DequeueCount);
        await inbox.DeleteAsync(second, default);
        // Deleting twice (the visibility ended meanwhile and it was taken again) is no error.
        await inbox.DeleteAsync(second, default);

        Assert.Null(await replies.TryReadAsync(command.Id, default));
        await replies.WriteAsync(command.Id, new CallCommandReplyDocument(CallCommandReplyStatus.Unavailable, "TTS down", "local-1"), default);
        Assert.Equal(new CallCommandReplyDocument(CallCommandReplyStatus.Unavailable, "TTS down", "local-1"), await replies.TryReadAsync(command.Id, default));
    }

    [SkippableFact]
    public async Task Sending_to_a_deleted_replicas_queue_says_so()
    {
        var queues = new QueueServiceClient(_azurite.Require());
        var inbox = new StorageReplicaCommandInbox(queues.GetQueueClient(ReplicaQueueName.Of(ReplicaQueueName.NewLocalReplicaName())));
        await inbox.CreateAsync(default);
        await inbox.DeleteQueueAsync(default);

        var command = new CallCommandMessage(CallCommandMessage.NewId(), "call-1", "interrupt", DateTimeOffset.UtcNow.AddMinutes(1));
        Assert.False(await new StorageCallCommandQueueSender(queues).SendAsync(inbox.Name, command, TimeSpan.FromMinutes(1), default));
    }

    [Theory]
    [InlineData("UseDevelopmentStorage=true", true)]
    [InlineData("DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=a2V5;EndpointSuffix=core.windows.net", true)]
    [InlineData("DefaultEndpointsProtocol=http;AccountName=a;AccountKey=a2V5;BlobEndpoint=http://127.0.0.1:1/a;", false)]
    [InlineData("DefaultEndpointsProtocol=http;AccountName=a;AccountKey=a2V5;BlobEndpoint=http://127.0.0.1:1/a;QueueEndpoint=http://127.0.0.1:2/a;", true)]
    public void A_connection_string_has_queues_unless_it_names_a_blob_endpoint_only(string connectionString, bool hasQueues) =>
        Assert.Equal(hasQueues, CommandQueueServiceCollectionExtensions.TryCreateQueueServiceClient(new StorageOptions { ConnectionString = connectionString }) is not null);

    [Fact]
    public void With_entra_id_the_queue_endpoint_is_the_blob_endpoints_twin_unless_set()
    {
        var derived = CommandQueueServiceCollectionExtensions.TryCreateQueueServiceClient(new StorageOptions { BlobServiceUri = new Uri("https://acct.blob.core.windows.net") });
        var explicitly = CommandQueueServiceCollectionExtensions.TryCreateQueueServiceClient(new StorageOptions
        {
            BlobServiceUri = new Uri("https://acct.blob.core.windows.net"),
            QueueServiceUri = new Uri("https://other.queue.core.windows.net"),
        });

        Assert.Equal("acct.queue.core.windows.net", derived!.Uri.Host);
        Assert.Equal("other.queue.core.windows.net", explicitly!.Uri.Host);
    }

    private static async Task<QueuedCommand> ReceiveAgainAsync(StorageReplicaCommandInbox inbox)
    {
        // The one-second visibility has to run out; bounded so a broken queue fails rather than hangs.
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (DateTime.UtcNow < deadline)
        {
            var again = await inbox.ReceiveAsync(16, TimeSpan.FromSeconds(1), default);
            if (again.Count > 0)
            {
                return Assert.Single(again);
            }

            await Task.Delay(200);
        }

        throw new Xunit.Sdk.XunitException("The message never came back after its visibility timeout.");
    }
}
