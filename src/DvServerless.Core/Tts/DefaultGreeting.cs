namespace DvServerless.Core.Tts;

/// <summary>
/// The greeting every call hears the moment media connects unless the deployment says otherwise (setting
/// <c>Agent:Greeting</c>, environment <c>Agent__Greeting</c>): not set gives <see cref="Text"/>, an explicitly empty value
/// (<c>Agent__Greeting=""</c>) turns the greeting off, any other value replaces the text.
/// </summary>
public static class DefaultGreeting
{
    /// <summary>What the agent says when <c>Agent:Greeting</c> is not set.</summary>
    public const string Text = "Hello, thanks for calling. How can I help you?";

    /// <summary>
    /// The greeting text for the configured value <paramref name="configured"/> (null when the key is absent): the
    /// default when absent, null (off) when empty or blank, else the value trimmed.
    /// </summary>
    public static string? Resolve(string? configured) =>
        configured is null ? Text : string.IsNullOrWhiteSpace(configured) ? null : configured.Trim();
}
