using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;

namespace DvServerless.Adapters.Llm.Offline;

/// <summary>
/// What the offline responder answers (configuration section <c>Agent:Offline</c>). Intents are read from
/// <c>Agent:Offline:Intents:{name}</c>: <c>Keywords</c> is either one string, taken as a regular expression, or a list of
/// keywords and phrases matched as whole words; <c>Reply</c> is the answer. A configured intent with a built-in's name
/// changes that intent; other names are tried before the built-ins, in configuration order.
/// </summary>
public sealed class OfflineResponderOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Agent:Offline";

    private static readonly TimeSpan MatchTimeout = TimeSpan.FromMilliseconds(100);

    /// <summary>The intents in the order they are tried; the first that matches answers.</summary>
    public IList<OfflineIntent> Intents { get; } = [.. BuiltInIntents()];

    /// <summary>The answer when no intent matches; <c>{heard}</c> is what the recognizer understood.</summary>
    public string FallbackReply { get; set; } = "I heard: {heard}. Could you say that another way?";

    /// <summary>The answer when the caller's turn had no words.</summary>
    public string EmptyInputReply { get; set; } = "Sorry, I didn't catch that. Could you say it again?";

    /// <summary>Reads <c>Agent:Offline</c>; built-in intents are kept unless <c>UseBuiltInIntents</c> is false.</summary>
    /// <exception cref="InvalidOperationException">An intent's keyword pattern is not a valid regular expression.</exception>
    public static OfflineResponderOptions FromConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(SectionName);
        var options = new OfflineResponderOptions();
        options.FallbackReply = section["FallbackReply"] ?? options.FallbackReply;
        options.EmptyInputReply = section["EmptyInputReply"] ?? options.EmptyInputReply;
        if (string.Equals(section["UseBuiltInIntents"], "false", StringComparison.OrdinalIgnoreCase))
        {
            options.Intents.Clear();
        }

        var insertAt = 0;
        foreach (var intent in section.GetSection("Intents").GetChildren())
        {
            var existing = options.Intents.Select((item, index) => (item, index)).FirstOrDefault(p => string.Equals(p.item.Name, intent.Key, StringComparison.OrdinalIgnoreCase));
            var pattern = PatternOf(intent.GetSection("Keywords"), intent.Key) ?? existing.item?.Pattern;
            var reply = intent["Reply"] ?? existing.item?.Reply;
            if (pattern is null || string.IsNullOrWhiteSpace(reply))
            {
                throw new InvalidOperationException($"{SectionName}:Intents:{intent.Key} needs Keywords and a Reply.");
            }

            if (existing.item is not null)
            {
                options.Intents[existing.index] = new OfflineIntent(existing.item.Name, pattern, reply);
            }
            else
            {
                options.Intents.Insert(insertAt++, new OfflineIntent(intent.Key, pattern, reply));
            }
        }

        return options;
    }

    /// <summary>A phone agent's usual intents, most specific first ("cancel my reservation" is a cancellation, not a booking).</summary>
    public static IReadOnlyList<OfflineIntent> BuiltInIntents() =>
    [
        Intent("human", @"\b(human|person|operator|agent|representative|someone|somebody|manager)\b",
            "Let me transfer you to a member of our team. Please hold."),
        Intent("cancel", @"\bcancel\w*\b",
            "I can cancel that for you. Could you tell me the name the reservation is under?"),
        Intent("book", @"\b(book|booking|appointment|schedule|reserve|reservation)\b",
            "I can book an appointment for you. What day and time would suit you?"),
        Intent("hours", @"\b(hours|open|opening|close|closing|what time)\b",
            "We are open Monday to Friday from nine in the morning to five in the afternoon, and Saturday from ten to two."),
        Intent("balance", @"\b(balance|account|how much money)\b",
            "To tell you your account balance I first need to verify who you are. Please say your account number."),
        Intent("repeat", @"\b(repeat|again|pardon|didn't (catch|hear))\b",
            "I said: {last}"),
        Intent("goodbye", @"\b(thank you|thanks|bye|goodbye|that's all|that is all)\b",
            "Thank you for calling. Goodbye!"),
        Intent("yes", @"\b(yes|yeah|yep|sure|correct|okay|ok|please do)\b",
            "Great. Is there anything else I can help you with?"),
        Intent("no", @"\b(no|nope|not really)\b",
            "No problem. Is there anything else I can help you with?"),
        Intent("greeting", @"\b(hello|hi|hey|good (morning|afternoon|evening))\b",
            "Hello! How can I help you today?"),
    ];

    private static Regex? PatternOf(IConfigurationSection keywords, string intent)
    {
        try
        {
            if (keywords.Value is { Length: > 0 } expression)
            {
                return new Regex(expression, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, MatchTimeout);
            }

            var phrases = keywords.GetChildren().Select(k => k.Value).Where(v => !string.IsNullOrWhiteSpace(v)).Select(v => Regex.Escape(v!.Trim())).ToList();
            return phrases.Count == 0 ? null : new Regex($@"\b({string.Join('|', phrases)})\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, MatchTimeout);
        }
        catch (ArgumentException ex)
        {
            throw new InvalidOperationException($"{SectionName}:Intents:{intent}:Keywords is not a valid regular expression: {ex.Message}", ex);
        }
    }

    private static OfflineIntent Intent(string name, string pattern, string reply) =>
        new(name, new Regex(pattern, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, MatchTimeout), reply);
}
