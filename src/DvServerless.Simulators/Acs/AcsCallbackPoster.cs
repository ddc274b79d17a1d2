using System.Text;
using System.Threading.Channels;

namespace DvServerless.Simulators.Acs;

/// <summary>
/// Posts one call's Call Automation callbacks as ACS does: one at a time, in the order they arose, each with a fresh
/// 5-minute JWT, and keeps a record of every delivery.
/// </summary>
internal sealed class AcsCallbackPoster
{
    private readonly AcsSimulator _simulator;
    private readonly TimeProvider _time;
    private readonly Channel<(string Type, string Body, Uri Uri)> _queue =
        Channel.CreateUnbounded<(string, string, Uri)>(new UnboundedChannelOptions { SingleReader = true });
    private readonly List<CallbackDelivery> _delivered = [];

    public AcsCallbackPoster(AcsSimulator simulator, TimeProvider timeProvider)
    {
        _simulator = simulator;
        _time = timeProvider;
    }

    /// <summary>Every callback posted so far, in order.</summary>
    public CallbackDelivery[] Delivered
    {
        get
        {
            lock (_delivered)
            {
                return _delivered.ToArray();
            }
        }
    }

    /// <summary>Queues <paramref name="body"/> (a CloudEvent array of type <paramref name="type"/>) for <paramref name="uri"/>.</summary>
    public void Enqueue(string type, string body, Uri uri) => _queue.Writer.TryWrite((type, body, uri));

    /// <summary>No more callbacks: <see cref="RunAsync"/> ends once the queued ones are posted.</summary>
    public void Complete() => _queue.Writer.TryComplete();

    /// <summary>Posts the queued callbacks until <see cref="Complete"/>.</summary>
    public async Task RunAsync()
    {
        await foreach (var (type, body, uri) in _queue.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            int? status = null;
            string? error = null;
            var sentAt = _time.GetUtcNow();
            try
            {
                using var message = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
                message.Headers.TryAddWithoutValidation("Authorization", "Bearer " + _simulator.Tokens.CreateCallbackToken());
                using var response = await _simulator.Http.SendAsync(message).ConfigureAwait(false);
                status = (int)response.StatusCode;
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
            {
                error = exception.Message;
                AcsSimulatorLog.CallbackFailed(_simulator.Logger, type, uri.GetLeftPart(UriPartial.Path), exception.Message);
            }

            lock (_delivered)
            {
                _delivered.Add(new CallbackDelivery(type, uri, body, status, error, sentAt));
            }
        }
    }
}
