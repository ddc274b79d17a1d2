using DvServerless.Core.Hosting;

namespace DvServerless.Core.Tests.Hosting;

/// <summary>A replica's queue name always satisfies Azure Storage's queue naming rules and stays distinct per replica.</summary>
public sealed class ReplicaQueueNameTests
{
    [Theory]
    [InlineData("ca-worker-abc--0000001-5d8f7c9b6-x2k4l", "dvs-cmd-ca-worker-abc-0000001-5d8f7c9b6-x2k4l")]
    [InlineData("Worker_Replica.01", "dvs-cmd-worker-replica-01")]
    [InlineData("  --x--  ", "dvs-cmd-x")]
    [InlineData("local-0a1b2c3d4e5f", "dvs-cmd-local-0a1b2c3d4e5f")]
    public void Folds_a_replica_name_to_lowercase_letters_digits_and_single_inner_hyphens(string replica, string expected)
    {
        var name = ReplicaQueueName.Of(replica);

        Assert.Equal(expected, name);
        Assert.True(ReplicaQueueName.IsValid(name));
    }

    [Fact]
    public void A_long_name_is_cut_to_63_characters_with_a_hash_that_keeps_replicas_apart()
    {
        var common = "ca-dvserverless-media-worker-production-westeurope--revision0000042-";
        var a = ReplicaQueueName.Of(common + "5d8f7c9b6-x2k4l");
        var b = ReplicaQueueName.Of(common + "5d8f7c9b6-q9z7m");

        Assert.Equal(ReplicaQueueName.MaxLength, a.Length);
        Assert.True(ReplicaQueueName.IsValid(a), a);
        Assert.True(ReplicaQueueName.IsValid(b), b);
        Assert.NotEqual(a, b);
        Assert.Equal(a, ReplicaQueueName.Of(common + "5d8f7c9b6-x2k4l"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("---")]
    [InlineData("äöü")]
    public void A_name_without_letters_or_digits_is_refused(string replica) =>
        Assert.Throws<ArgumentException>(() => ReplicaQueueName.Of(replica));

    [Fact]
    public void Local_replica_names_are_fresh_and_make_valid_queue_names()
    {
        var first = ReplicaQueueName.NewLocalReplicaName();
        var second = ReplicaQueueName.NewLocalReplicaName();

        Assert.NotEqual(first, second);
        Assert.True(ReplicaQueueName.IsValid(ReplicaQueueName.Of(first)));
    }

    [Theory]
    [InlineData("ab", false)]
    [InlineData("abc", true)]
    [InlineData("a--b", false)]
    [InlineData("-ab", false)]
    [InlineData("ab-", false)]
    [InlineData("Abc", false)]
    [InlineData("a_b", false)]
    public void Validates_the_queue_naming_rules(string name, bool valid) => Assert.Equal(valid, ReplicaQueueName.IsValid(name));
}
