using System.IO.Pipes;
using DvServerless.MediaWorker.Hosting;
using DvServerless.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace DvServerless.MediaWorker.Tests.Hosting;

/// <summary>
/// With <c>MediaWorker:ExitWhenStdinEnds</c>, the worker stops when its stdin ends (the launcher that held the pipe died),
/// and exits anyway if that stop hangs; off, or in Azure, stdin is left alone.
/// </summary>
public sealed class ParentExitWatcherTests
{
    // Only an upper bound for things that happen on the watcher's own thread; nothing here waits this long when it works.
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task When_the_stdin_pipe_closes_the_application_is_stopped()
    {
        using var parent = new AnonymousPipeServerStream(PipeDirection.Out);
        using var stdin = new AnonymousPipeClientStream(PipeDirection.In, parent.ClientSafePipeHandle);
        var host = new Host(stdin);
        await host.Watcher.StartAsync(CancellationToken.None);

        // The parent is alive (it holds the pipe, and even writes to it): the worker goes on.
        parent.Write("typed\n"u8);
        parent.Flush();
        await Task.Delay(300);
        Assert.False(host.Lifetime.Stopped.Task.IsCompleted);

        parent.Dispose();

        await host.Lifetime.Stopped.Task.WaitAsync(Bound);
        Assert.Contains(host.Logs.Messages, m => m.Contains("Stdin ended (end of input): the process that started the worker is gone", StringComparison.Ordinal));
        Assert.False(host.Exited.Task.IsCompleted);
    }

    [Fact]
    public async Task An_unreadable_stdin_stops_the_application_saying_why()
    {
        var host = new Host(new UnreadableStream());

        await host.Watcher.StartAsync(CancellationToken.None);

        await host.Lifetime.Stopped.Task.WaitAsync(Bound);
        Assert.Contains(host.Logs.Messages, m => m.Contains("Stdin ended (IOException: Bad file descriptor)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Off_by_default_stdin_is_never_opened()
    {
        var host = new Host(new UnreadableStream(), enabled: false);

        await host.Watcher.StartAsync(CancellationToken.None);
        await host.Watcher.StopAsync(CancellationToken.None);

        Assert.False(new MediaWorkerOptions().ExitWhenStdinEnds);
        Assert.Equal(0, host.StdinOpened);
        Assert.False(host.Lifetime.Stopped.Task.IsCompleted);
    }

    [Theory]
    [InlineData("CONTAINER_APP_NAME")]
    [InlineData("WEBSITE_SITE_NAME")]
    public async Task In_azure_the_option_is_ignored_with_a_warning(string azureVariable)
    {
        var host = new Host(new UnreadableStream(), azureVariable: azureVariable);

        await host.Watcher.StartAsync(CancellationToken.None);

        Assert.Equal(0, host.StdinOpened);
        Assert.Contains(host.Logs.Messages, m => m.Contains("ExitWhenStdinEnds is ignored in Azure", StringComparison.Ordinal));
        Assert.False(host.Lifetime.Stopped.Task.IsCompleted);
    }

    [Fact]
    public async Task When_the_stop_hangs_the_process_exits_after_the_backstop()
    {
        // StopApplication is asked for, and nothing comes of it.
        var host = new Host(new MemoryStream());
        await host.Watcher.StartAsync(CancellationToken.None);
        await host.Lifetime.Stopped.Task.WaitAsync(Bound);

        host.Clock.Advance(ParentExitWatcher.Backstop - TimeSpan.FromMilliseconds(1));
        await Task.Delay(200);
        Assert.False(host.Exited.Task.IsCompleted, "exited before the backstop");

        host.Clock.Advance(TimeSpan.FromMilliseconds(1));

        Assert.Equal(ParentExitWatcher.BackstopExitCode, await host.Exited.Task.WaitAsync(Bound));
        Assert.NotEqual(0, ParentExitWatcher.BackstopExitCode);
        Assert.Contains(host.Logs.Messages, m => m.Contains("exiting with " + ParentExitWatcher.BackstopExitCode, StringComparison.Ordinal));
    }

    /// <summary>A watcher over a fake lifetime, clock and exit.</summary>
    private sealed class Host
    {
        private int _stdinOpened;

        public Host(Stream stdin, bool enabled = true, string? azureVariable = null)
        {
            var settings = new Dictionary<string, string?>();
            if (azureVariable is not null)
            {
                settings[azureVariable] = "dvs-worker";
            }

            var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
            var factory = LoggerFactory.Create(logging => logging.AddProvider(Logs));
            Watcher = new ParentExitWatcher(Options.Create(new MediaWorkerOptions { ExitWhenStdinEnds = enabled }), configuration, Lifetime, Clock,
                factory.CreateLogger<ParentExitWatcher>(), () =>
                {
                    Interlocked.Increment(ref _stdinOpened);
                    return stdin;
                },
                code => Exited.TrySetResult(code));
        }

        public ParentExitWatcher Watcher { get; }

        public FakeLifetime Lifetime { get; } = new();

        public FakeTimeProvider Clock { get; } = new();

        public CapturingLoggerProvider Logs { get; } = new();

        public TaskCompletionSource<int> Exited { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int StdinOpened => Volatile.Read(ref _stdinOpened);
    }

    /// <summary>A lifetime whose stop is only recorded: a stop that never ends the process.</summary>
    private sealed class FakeLifetime : IHostApplicationLifetime
    {
        public TaskCompletionSource Stopped { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public CancellationToken ApplicationStarted => CancellationToken.None;

        public CancellationToken ApplicationStopping => CancellationToken.None;

        public CancellationToken ApplicationStopped => CancellationToken.None;

        public void StopApplication() => Stopped.TrySetResult();
    }

    /// <summary>A stdin whose descriptor is gone.</summary>
    private sealed class UnreadableStream : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => throw new IOException("Bad file descriptor");

        public override int Read(Span<byte> buffer) => throw new IOException("Bad file descriptor");

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
