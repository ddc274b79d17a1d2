using DvServerless.Cli;

namespace DvServerless.Cli.Tests;

public sealed class DvsCommandLineTests
{
    [Fact]
    public void Call_accepts_its_documented_options()
    {
        var result = DvsCommandLine.Build().Parse(["call", "--wav", "caller.wav", "--transcripts", "a|b", "--out", "agent.wav", "--json", "s.json", "--format", "pcm16KMono", "--timeout", "30"]);
        Assert.Empty(result.Errors);
    }

    [Fact]
    public void Call_refuses_an_unknown_media_format()
    {
        var result = DvsCommandLine.Build().Parse(["call", "--format", "mp3"]);
        Assert.NotEmpty(result.Errors);
    }

    [Fact]
    public void Up_accepts_its_documented_options()
    {
        var result = DvsCommandLine.Build().Parse(["up", "--urls-file", "urls.json", "--transcripts", "a|b", "--greeting", "Hi", "--verbose"]);
        Assert.Empty(result.Errors);
    }

    [Fact]
    public void An_unknown_command_is_an_error()
    {
        Assert.NotEmpty(DvsCommandLine.Build().Parse(["dial"]).Errors);
    }
}
