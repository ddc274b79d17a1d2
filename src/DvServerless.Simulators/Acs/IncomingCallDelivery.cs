using System.Globalization;
using System.Text;

namespace DvServerless.Simulators.Acs;

/// <summary>
/// Delivers a call's IncomingCall event to the app as Event Grid does: the requested number of concurrent copies, each
/// redelivered on the request's schedule while the app does not acknowledge it, until the call ends.
/// </summary>
internal sealed class IncomingCallDelivery
{
    private readonly AcsSimulator _simulator;
    private readonly SimulatedCall _call;
    private readonly SimulatedCallRequest _request;
    private readonly List<int?> _statuses = [];

    public IncomingCallDelivery(AcsSimulator simulator, SimulatedCall call, SimulatedCallRequest request)
    {
        _simulator = simulator;
        _call = call;
        _request = request;
    }

    /// <summary>The status of every delivery attempt so far (null: the request failed), in the order they finished.</summary>
    public int?[] Statuses
    {
        get
        {
            lock (_statuses)
            {
                return _statuses.ToArray();
            }
        }
    }

    /// <summary>True when no attempt so far was acknowledged with a 2xx.</summary>
    public bool AllFailed
    {
        get
        {
            lock (_statuses)
            {
                return _statuses.All(status => status is null or < 200 or > 299);
            }
        }
    }

    /// <summary>Delivers every copy; completes when each was acknowledged, refused for good, or given up on.</summary>
    public async Task RunAsync(Task ended, CancellationToken cancellationToken)
    {
        var time = _simulator.Options.TimeProvider;
        var body = AcsEventJson.IncomingCall(_request.EventSchema, _simulator.Topic, _request, _call.IncomingCallContext, _call.ServerCallId,
            _call.CorrelationId, time.GetUtcNow());
        var copies = Enumerable.Range(0, Math.Max(1, _request.Deliveries)).Select(copy => DeliverCopyAsync(body, copy, ended, cancellationToken)).ToArray();
        await Task.WhenAll(copies).ConfigureAwait(false);
    }

    /// <summary>One delivery of the IncomingCall and, as Event Grid does, its redeliveries while the app does not acknowledge it.</summary>
    private async Task DeliverCopyAsync(string body, int copy, Task ended, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var status = await SendAsync(body, copy + attempt, cancellationToken).ConfigureAwait(false);
            lock (_statuses)
            {
                _statuses.Add(status);
            }

            _call.Note("incoming call delivered (" + (status?.ToString(CultureInfo.InvariantCulture) ?? "failed") + ")");
            if (status is >= 200 and <= 299 or 400 or 401 or 403 or 413 || attempt >= _request.RedeliveryDelays.Count)
            {
                return;
            }

            await Task.WhenAny(Task.Delay(_request.RedeliveryDelays[attempt], _simulator.Options.TimeProvider, cancellationToken), ended).ConfigureAwait(false);
            if (ended.IsCompleted || cancellationToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    private async Task<int?> SendAsync(string body, int deliveryCount, CancellationToken cancellationToken)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, _request.IncomingCallUrl);
        var mediaType = _request.EventSchema == IncomingCallEventSchema.EventGrid ? "application/json" : "application/cloudevents+json";
        message.Content = new StringContent(body, Encoding.UTF8, mediaType);
        message.Headers.TryAddWithoutValidation("aeg-event-type", "Notification");
        message.Headers.TryAddWithoutValidation("aeg-subscription-name", "DVS-INCOMING-CALL");
        message.Headers.TryAddWithoutValidation("aeg-delivery-count", deliveryCount.ToString(CultureInfo.InvariantCulture));
        message.Headers.TryAddWithoutValidation("aeg-data-version", "1.0");
        message.Headers.TryAddWithoutValidation("aeg-metadata-version", "1");
        try
        {
            using var response = await _simulator.Http.SendAsync(message, cancellationToken).ConfigureAwait(false);
            return (int)response.StatusCode;
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            _call.Note("incoming call delivery failed: " + exception.Message);
            return null;
        }
    }
}
