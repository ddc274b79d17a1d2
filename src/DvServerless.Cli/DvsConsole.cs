using Spectre.Console;

namespace DvServerless.Cli;

/// <summary>
/// The consoles <c>dvs</c> writes to: results on standard output, errors on standard error. Output that goes to a file
/// or a pipe is not wrapped at 80 columns (the width a console library assumes when there is no terminal to ask), so a
/// saved transcript keeps one line per turn.
/// </summary>
public static class DvsConsole
{
    /// <summary>The width used when the output is not a terminal: wide enough that no line of a call's printout wraps.</summary>
    public const int RedirectedWidth = 4096;

    /// <summary>Standard output.</summary>
    public static IAnsiConsole Out { get; } = Create(Console.Out, Console.IsOutputRedirected);

    /// <summary>Standard error.</summary>
    public static IAnsiConsole Error { get; } = Create(Console.Error, Console.IsErrorRedirected);

    /// <summary>A console on <paramref name="writer"/>; <paramref name="redirected"/> turns wrapping off.</summary>
    public static IAnsiConsole Create(TextWriter writer, bool redirected)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(writer) });
        if (redirected)
        {
            console.Profile.Width = RedirectedWidth;
        }

        return console;
    }
}
