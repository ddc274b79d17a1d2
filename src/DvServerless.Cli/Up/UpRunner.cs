using System.Diagnostics;
using System.Text.Json;
using DvServerless.Cli.LocalStack;
using Spectre.Console;

namespace DvServerless.Cli.Up;

/// <summary>Runs <c>dvs up</c>: starts the local stack with a fresh tenant, reports where everything is, waits for Ctrl+C.</summary>
public sealed class UpRunner
{
    /// <summary>
    /// What the Realtime simulator "hears" by default, turn after turn (it cannot recognise speech; a real model is used
    /// when <c>OPENAI_API_KEY</c> is set).
    /// </summary>
    public static readonly IReadOnlyList<string> DefaultTranscripts =
    [
        "Hello, can you hear me?",
        "What can you do for me?",
        "What is the weather like in Paris?",
        "Thanks, that is all for today.",
    ];

    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };

    private readonly IAnsiConsole _console;

    /// <summary>Creates a runner that writes to <paramref name="console"/>.</summary>
    public UpRunner(IAnsiConsole console) => _console = console;

    /// <summary>Runs until <paramref name="cancellationToken"/> is cancelled (Ctrl+C); returns the exit code.</summary>
    public async Task<int> RunAsync(UpOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var clock = Stopwatch.StartNew();
        void Progress(string note) => _console.MarkupLineInterpolated($"[grey]{clock.Elapsed.TotalSeconds,6:0.00}s[/] {note}");

        LocalStack.LocalStack stack;
        try
        {
            stack = await LocalStack.LocalStack.StartAsync(
                new LocalStackOptions
                {
                    CreateTenant = true,
                    CallerTranscripts = options.Transcripts ?? DefaultTranscripts,
                    // A stack for trying the gateway greets like a deployment does (on unless Agent__Greeting="").
                    Greeting = options.Greeting ?? Environment.GetEnvironmentVariable("Agent__Greeting") ?? Core.Tts.DefaultGreeting.Text,
                    Verbose = options.Verbose,
                },
                Progress,
                cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return 130;
        }
        catch (Exception ex) when (ex is InvalidOperationException or IOException or System.ComponentModel.Win32Exception)
        {
            _console.MarkupLineInterpolated($"[red]The local stack did not start:[/] {ex.Message}");
            return 1;
        }

        await using (stack.ConfigureAwait(false))
        {
            // Stopped before the stack (declared after it): a call in progress ends with its line, not with the apps.
            await using var calls = await StackCallServer.StartAsync(stack, Progress, cancellationToken).ConfigureAwait(false);
            var urls = Describe(stack, calls.Url);
            Print(urls, stack.EngineDescription);
            if (options.UrlsFile is not null)
            {
                await WriteUrlsFileAsync(options.UrlsFile, urls, cancellationToken).ConfigureAwait(false);
                Progress($"wrote {options.UrlsFile.Name}");
            }

            _console.MarkupLine("[grey]Press Ctrl+C to stop.[/]");

            // The hosted apps take SIGINT/SIGTERM for their own shutdown and cancel the default, so the command line's
            // token alone would never fire: stop on the signal here too, and stop everything in order below.
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            using var signals = StopSignals.Cancel(stop);
            try
            {
                await Task.Delay(Timeout.Infinite, stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Ctrl+C: stop everything below.
            }

            Progress("stopping");
        }

        return 0;
    }

    /// <summary>The addresses of a running stack (its tenant must have been created) and of its <see cref="StackCallServer"/>.</summary>
    public static StackUrls Describe(LocalStack.LocalStack stack, Uri calls)
    {
        ArgumentNullException.ThrowIfNull(stack);
        ArgumentNullException.ThrowIfNull(calls);
        if (stack.TenantId is null || stack.TenantApiKey is null)
        {
            throw new InvalidOperationException("The stack was started without a tenant (LocalStackOptions.CreateTenant).");
        }

        return new StackUrls(
            Functions: Trim(stack.FunctionsBaseUrl),
            Worker: Trim(stack.MediaWorkerBaseUrl),
            Console: stack.ConsoleUrl.ToString(),
            Dashboard: new Uri(stack.MediaWorkerBaseUrl, "/dashboard").ToString(),
            Metrics: stack.MetricsUrl.ToString(),
            Calls: calls.ToString(),
            ApiKey: stack.TenantApiKey,
            Tenant: stack.TenantId);
    }

    private void Print(StackUrls urls, string engine)
    {
        var table = new Table().NoBorder().HideHeaders().AddColumn("what").AddColumn("where");
        table.AddRow("[bold]Console[/]", Markup.Escape(urls.Console));
        table.AddRow("[bold]Dashboard[/]", Markup.Escape(urls.Dashboard));
        table.AddRow("Functions API", Markup.Escape(urls.Functions));
        table.AddRow("Media worker", Markup.Escape(urls.Worker));
        table.AddRow("Metrics", Markup.Escape(urls.Metrics));
        table.AddRow("Phone line", Markup.Escape(urls.Calls));
        table.AddRow("Tenant", Markup.Escape(urls.Tenant));
        table.AddRow("API key", Markup.Escape(urls.ApiKey));
        table.AddRow("Engine", Markup.Escape(engine));
        _console.Write(table);
        _console.MarkupLine("Open the console, paste the API key and press [bold]Connect[/]; open the dashboard and sign in with the same key to watch calls live.");
        _console.MarkupLine("Place a phone call to the tenant's number with [bold]dvs call --stack[/] [italic]urls-file[/] (needs --urls-file).");
    }

    private static async Task WriteUrlsFileAsync(FileInfo file, StackUrls urls, CancellationToken cancellationToken)
    {
        file.Directory?.Create();
        var temp = file.FullName + ".tmp";
        var streamOptions = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            // It holds an API key.
            streamOptions.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        await using (var stream = new FileStream(temp, streamOptions))
        {
            await JsonSerializer.SerializeAsync(stream, urls, JsonOptions, cancellationToken).ConfigureAwait(false);
        }

        // Appear whole: a reader polling for the file never sees half of it.
        File.Move(temp, file.FullName, overwrite: true);
    }

    private static string Trim(Uri uri) => uri.ToString().TrimEnd('/');
}
