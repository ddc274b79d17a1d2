using System.Text.Json;
using DvServerless.Cli.Calls;

namespace DvServerless.EndToEnd.Tests;

/// <summary><c>dvs call</c> run as a user runs it: its own process, its exit code, its JSON summary and WAV.</summary>
public sealed class CliCallTests
{
    [SkippableFact]
    public async Task Dvs_call_places_the_demo_call_and_writes_the_summary_and_the_agent_wav()
    {
        Prerequisites.Require();
        var folder = Directory.CreateTempSubdirectory("dvs-cli-e2e-");
        try
        {
            var json = Path.Combine(folder.FullName, "summary.json");
            var wav = Path.Combine(folder.FullName, "agent.wav");
            var dvs = ProcessRunner.FindBuiltAssembly("src/DvServerless.Cli", "DvServerless.Cli.dll");
            await using var process = ProcessRunner.Start(dvs, ["call", "--json", json, "--out", wav, "--timeout", "90"],
                new Dictionary<string, string?>(), Testing.RepositoryPaths.RequireRoot());
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
            await process.Process.WaitForExitAsync(timeout.Token);

            Assert.True(process.Process.ExitCode == 0, $"dvs call exited {process.Process.ExitCode}:\n{process.Output}");
            Assert.Contains("Realtime simulator", process.Output, StringComparison.Ordinal);

            var summary = JsonSerializer.Deserialize<CallSummary>(await File.ReadAllTextAsync(json), JsonSerializerOptions.Web)!;
            Assert.Equal("Ended", summary.FinalState);
            Assert.True(summary.Simulated);
            Assert.Equal(1, summary.AnswerRequests);
            Assert.Empty(summary.ProtocolErrors);
            var bargeIn = Assert.Single(summary.BargeIns);
            Assert.NotNull(bargeIn.TruncateAudioEndMs);
            Assert.NotNull(bargeIn.CallerHeardMs);
            Assert.InRange(bargeIn.TruncateAudioEndMs!.Value, bargeIn.CallerHeardMs!.Value - 60, bargeIn.CallerHeardMs.Value + 60);
            Assert.Equal(0, summary.AgentFramesAfterStopAudio);
            Assert.Equal(["agent", "caller", "agent", "caller", "agent"], summary.Turns.Select(t => t.Speaker).ToArray());
            Assert.Equal(DemoConversation.Greeting, summary.Turns[0].Text);
            Assert.NotNull(summary.AnswerToFirstAgentAudioMs);

            // The WAV holds what the caller heard of the agent: a valid 24 kHz PCM file as long as the summary says.
            var heard = Core.Audio.WavFile.Read(await File.ReadAllBytesAsync(wav));
            Assert.Equal(24_000, heard.Format.SampleRate);
            Assert.InRange(heard.Duration.TotalMilliseconds, summary.AgentAudioHeardMs - 100, summary.AgentAudioHeardMs + 100);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
