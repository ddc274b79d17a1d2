using System.Collections.Frozen;

namespace DvServerless.Core.Sentiment;

/// <summary>
/// The words <see cref="LexiconSentimentScorer"/> knows: English words (whole, lower case) and Korean stems (the start of
/// a space-separated word, so <c>좋</c> covers 좋아요, 좋습니다, 좋은), each with a weight from −2 to 2; the words that
/// negate the next polar word; the words that strengthen it. Small on purpose: words a caller says about a service.
/// </summary>
internal static class SentimentLexicon
{
    public static FrozenDictionary<string, double> English { get; } = new Dictionary<string, double>(StringComparer.Ordinal)
    {
        ["good"] = 1, ["great"] = 2, ["excellent"] = 2, ["amazing"] = 2, ["wonderful"] = 2, ["perfect"] = 2, ["awesome"] = 2,
        ["fantastic"] = 2, ["happy"] = 1, ["glad"] = 1, ["love"] = 2, ["thanks"] = 1, ["thank"] = 1, ["helpful"] = 1,
        ["nice"] = 1, ["pleased"] = 1, ["satisfied"] = 1, ["appreciate"] = 1, ["easy"] = 1, ["fine"] = 0.5, ["kind"] = 1,
        ["bad"] = -1, ["terrible"] = -2, ["awful"] = -2, ["horrible"] = -2, ["worst"] = -2, ["hate"] = -2, ["angry"] = -2,
        ["upset"] = -1, ["annoyed"] = -1, ["annoying"] = -1, ["frustrated"] = -2, ["frustrating"] = -2, ["disappointed"] = -2,
        ["disappointing"] = -2, ["problem"] = -1, ["problems"] = -1, ["issue"] = -1, ["broken"] = -1, ["wrong"] = -1,
        ["late"] = -1, ["poor"] = -1, ["unhappy"] = -1, ["useless"] = -2, ["ridiculous"] = -2, ["complaint"] = -1,
        ["sad"] = -1, ["worried"] = -1, ["confusing"] = -1, ["unacceptable"] = -2, ["rude"] = -2, ["waste"] = -1,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>Korean stems, longest first so 불만 wins over nothing shorter and 불친절 over 친절.</summary>
    public static IReadOnlyList<KeyValuePair<string, double>> KoreanStems { get; } = new Dictionary<string, double>(StringComparer.Ordinal)
    {
        ["좋"] = 1, ["감사"] = 1, ["고마"] = 1, ["고맙"] = 1, ["최고"] = 2, ["훌륭"] = 2, ["만족"] = 1, ["행복"] = 1, ["기쁘"] = 1,
        ["기뻐"] = 1, ["기쁜"] = 1, ["친절"] = 1, ["편리"] = 1, ["완벽"] = 2, ["멋지"] = 1, ["멋있"] = 1, ["대박"] = 2, ["사랑"] = 2,
        ["싫"] = -1, ["나쁘"] = -1, ["나빠"] = -1, ["나쁜"] = -1, ["최악"] = -2, ["불만"] = -1, ["불친절"] = -2, ["불편"] = -1,
        ["화나"] = -2, ["화가"] = -2, ["짜증"] = -2, ["실망"] = -2, ["문제"] = -1, ["엉망"] = -2, ["답답"] = -1, ["별로"] = -1,
        ["걱정"] = -1, ["고장"] = -1, ["힘들"] = -1, ["늦"] = -1,
    }.OrderByDescending(kv => kv.Key.Length).ToArray();

    /// <summary>English words that negate a polar word up to three words after them.</summary>
    public static FrozenSet<string> EnglishNegators { get; } = new[]
    {
        "not", "no", "never", "nothing", "without", "hardly", "dont", "doesnt", "didnt", "isnt", "wasnt", "arent", "cant", "wont",
    }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>Korean words that negate the word after them (안 좋아요, 못 믿겠어요).</summary>
    public static FrozenSet<string> KoreanNegatorsBefore { get; } = new[] { "안", "못" }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>Starts of the Korean word after a polar word that negate it (좋지 않아요, 문제 없어요, 만족 못해요).</summary>
    public static IReadOnlyList<string> KoreanNegatorsAfter { get; } = ["않", "안", "없", "못"];

    /// <summary>Words that strengthen the polar word right after them, by half.</summary>
    public static FrozenSet<string> Intensifiers { get; } = new[]
    {
        "very", "really", "so", "extremely", "totally", "정말", "진짜", "너무", "아주", "매우", "완전", "정말로",
    }.ToFrozenSet(StringComparer.Ordinal);
}
