using DvServerless.Core.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DvServerless.MediaWorker.Hosting;

/// <summary>
/// Stops the worker when the process that started it dies (<see cref="MediaWorkerOptions.ExitWhenStdinEnds"/>). Linux gives
/// .NET no safe "die with my parent" (PR_SET_PDEATHSIG belongs to the forking thread, which the runtime does not expose),
/// but a pipe works: the launcher holds the write end of the worker's stdin and never writes to it, and the OS closes that
/// end when the launcher ends, however it ends (SIGKILL included), so the worker's read of stdin returns end-of-file. The
/// worker then stops as on SIGTERM (calls cut and cleaned); should that stop hang, the process exits
/// <see cref="Backstop"/> after stdin ended.
/// </summary>
public sealed partial class ParentExitWatcher : IHostedService
{
    /// <summary>How long the graceful stop may take, once stdin ended, before the process exits regardless.</summary>
    public static readonly TimeSpan Backstop = TimeSpan.FromSeconds(10);

    /// <summary>The exit code of a worker the backstop ended (a graceful stop exits 0).</summary>
    public const int BackstopExitCode = 3;

    private readonly IOptions<MediaWorkerOptions> _options;
    private readonly IConfiguration _configuration;
    private readonly IHostApplicationLifetime _lifetime;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<ParentExitWatcher> _logger;
    private readonly Func<Stream> _openStdin;
    private readonly Action<int> _exit;

    /// <summary>The watcher of this process's stdin; <paramref name="configuration"/> tells whether the worker runs in Azure.</summary>
    public ParentExitWatcher(IOptions<MediaWorkerOptions> options, IConfiguration configuration, IHostApplicationLifetime lifetime,
        TimeProvider timeProvider, ILogger<ParentExitWatcher> logger)
        : this(options, configuration, lifetime, timeProvider, logger, Console.OpenStandardInput, Environment.Exit)
    {
    }

    /// <summary>A watcher of <paramref name="openStdin"/>'s stream that ends the process through <paramref name="exit"/> (tests).</summary>
    internal ParentExitWatcher(IOptions<MediaWorkerOptions> options, IConfiguration configuration, IHostApplicationLifetime lifetime,
        TimeProvider timeProvider, ILogger<ParentExitWatcher> logger, Func<Stream> openStdin, Action<int> exit)
    {
        _options = options;
        _configuration = configuration;
        _lifetime = lifetime;
        _timeProvider = timeProvider;
        _logger = logger;
        _openStdin = openStdin;
        _exit = exit;
    }

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!_options.Value.ExitWhenStdinEnds)
        {
            return Task.CompletedTask;
        }

        // Read here, not at construction: hosts and tests add configuration sources after the services are registered.
        if (AzureHostDetection.IsInAzure(key => _configuration[key]))
        {
            // A container's stdin is whatever the platform gives it (often nothing): its end says nothing about a parent.
            LogIgnoredInAzure();
            return Task.CompletedTask;
        }

        var stdin = _openStdin();
        // A thread of its own: the read blocks for the life of the process, which would hold a pool thread for good.
        new Thread(() => Watch(stdin)) { IsBackground = true, Name = "Parent exit watcher" }.Start();
        LogWatching();
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private void Watch(Stream stdin)
    {
        var reason = "end of input";
        try
        {
            var buffer = new byte[256];
            // The launcher never writes: anything read (someone typing into a terminal) is dropped.
            while (stdin.Read(buffer) > 0)
            {
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or NotSupportedException)
        {
            // An input that cannot be read cannot tell the parent's death either: stopping beats an orphan.
            reason = e.GetType().Name + ": " + e.Message;
        }

        // The backstop starts before the stop is asked for, so a stop that hangs at its first step is covered too.
        var backstop = Task.Delay(Backstop, _timeProvider);
        LogParentGone(reason, Backstop.TotalSeconds);
        _lifetime.StopApplication();

        // This thread has nothing else to do; a graceful stop ends the process before the wait is over.
        backstop.GetAwaiter().GetResult();
        LogBackstop(Backstop.TotalSeconds, BackstopExitCode);
        _exit(BackstopExitCode);
    }

    [LoggerMessage(EventId = 9360, Level = LogLevel.Information, Message = "Watching stdin: the worker stops when the process that started it ends")]
    private partial void LogWatching();

    [LoggerMessage(EventId = 9361, Level = LogLevel.Warning, Message = "Stdin ended ({Reason}): the process that started the worker is gone; stopping (the process exits in at most {BackstopSeconds} s)")]
    private partial void LogParentGone(string reason, double backstopSeconds);

    [LoggerMessage(EventId = 9362, Level = LogLevel.Error, Message = "The stop did not end the process within {BackstopSeconds} s of the parent's end: exiting with {ExitCode}")]
    private partial void LogBackstop(double backstopSeconds, int exitCode);

    [LoggerMessage(EventId = 9363, Level = LogLevel.Warning, Message = "MediaWorker:ExitWhenStdinEnds is ignored in Azure: a container's stdin is not a parent process")]
    private partial void LogIgnoredInAzure();
}
