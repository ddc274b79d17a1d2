using System.Diagnostics.CodeAnalysis;
using System.Threading.Channels;
using DvServerless.Core.Calls;

namespace DvServerless.Functions.Records;

/// <summary>
/// Takes call ends off the callback's request path: the callback answers at once (ACS wants callbacks answered
/// quickly), and <see cref="MinutesOnCallEnded"/> — which may wait for the worker's end marker and call a language
/// model — runs here in the background, one call at a time.
/// </summary>
[SuppressMessage("Naming", "CA1711:Identifiers should not have incorrect suffix", Justification = "It is a queue: call ends wait in it for the background minutes run.")]
public sealed partial class CallEndedQueue : BackgroundService, ICallEndedHandler
{
    private readonly Channel<CallSession> _ended = Channel.CreateBounded<CallSession>(new BoundedChannelOptions(1000) { FullMode = BoundedChannelFullMode.DropOldest });
    private readonly MinutesOnCallEnded _minutes;
    private readonly ILogger<CallEndedQueue> _logger;

    /// <summary>Creates the queue.</summary>
    public CallEndedQueue(MinutesOnCallEnded minutes, ILogger<CallEndedQueue> logger)
    {
        _minutes = minutes;
        _logger = logger;
    }

    /// <inheritdoc />
    public Task OnCallEndedAsync(CallSession session, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        _ended.Writer.TryWrite(session);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var session in _ended.Reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
        {
            try
            {
                await _minutes.OnCallEndedAsync(session, stoppingToken).ConfigureAwait(false);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                LogFailed(e, session.CallId);
            }
        }
    }

    [LoggerMessage(EventId = 5114, Level = LogLevel.Error, Message = "Call {CallId}: rendering the minutes failed; the media worker's end or a redelivered CallDisconnected retries.")]
    private partial void LogFailed(Exception exception, string callId);
}
