using DvServerless.Core.Security;
using DvServerless.MediaWorker.Security;
using Microsoft.Extensions.Time.Testing;

namespace DvServerless.MediaWorker.Tests.Security;

public sealed class MediaTokenReplayGuardTests
{
    [Fact]
    public void A_token_is_accepted_once_and_refused_when_presented_again()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 2, 10, 0, 0, TimeSpan.Zero));
        var guard = new MediaTokenReplayGuard(time);
        var expires = time.GetUtcNow().AddMinutes(2);

        Assert.True(guard.TryConsume("token-a", expires));
        Assert.False(guard.TryConsume("token-a", expires));
        Assert.True(guard.TryConsume("token-b", expires));
    }

    [Fact]
    public void Expired_tokens_are_forgotten_so_the_set_stays_bounded()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 2, 10, 0, 0, TimeSpan.Zero));
        var guard = new MediaTokenReplayGuard(time);
        guard.TryConsume("old", time.GetUtcNow().AddMinutes(2));

        time.Advance(TimeSpan.FromMinutes(3));
        guard.TryConsume("new", time.GetUtcNow().AddMinutes(2));

        Assert.Equal(1, guard.Count);
    }

    [Fact]
    public void A_validated_token_is_consumed_by_its_id_and_only_a_valid_one_can_be()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 2, 10, 0, 0, TimeSpan.Zero));
        var tokens = new MediaTokenService(new byte[32], time);
        var guard = new MediaTokenReplayGuard(time);
        var validation = tokens.Validate(tokens.Issue("call-1", TimeSpan.FromMinutes(2), MediaTokenPurpose.CallControl), MediaTokenPurpose.CallControl, "call-1");

        Assert.False(guard.WasConsumed(validation));
        Assert.True(guard.TryConsume(validation));
        Assert.True(guard.WasConsumed(validation));
        Assert.False(guard.TryConsume(validation));
        Assert.Throws<ArgumentException>(() => guard.TryConsume(tokens.Validate("x.y", MediaTokenPurpose.CallControl)));
    }
}
