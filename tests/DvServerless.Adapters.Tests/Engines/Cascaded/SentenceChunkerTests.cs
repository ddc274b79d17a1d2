using DvServerless.Adapters.Engines.Cascaded;

namespace DvServerless.Adapters.Tests.Engines.Cascaded;

public sealed class SentenceChunkerTests
{
    [Fact]
    public void Abbreviations_initials_and_decimals_do_not_end_a_sentence()
    {
        var pieces = Chunk("Dr. Smith and J. R. Tolkien met at 3.30 p.m. on Main St. today, e.g. for tea. Bring your card!  Thanks.", firstChunkMinChars: 200);

        Assert.Equal(["Dr. Smith and J. R. Tolkien met at 3.30 p.m. on Main St. today, e.g. for tea.", "Bring your card!", "Thanks."], pieces);
    }

    [Fact]
    public void The_first_piece_ends_at_a_clause_once_long_enough_and_later_pieces_wait_for_a_sentence_end()
    {
        var pieces = Chunk("Well, having looked at your account in some detail, I can see the payment of 1,000 dollars, which arrived late, and the fee. That is all.");

        Assert.Equal(["Well, having looked at your account in some detail,", "I can see the payment of 1,000 dollars, which arrived late, and the fee.", "That is all."], pieces);
    }

    [Fact]
    public void A_sentence_without_an_end_is_cut_at_a_space_when_too_long()
    {
        var words = string.Join(' ', Enumerable.Repeat("word", 30));

        var pieces = Chunk(words, firstChunkMinChars: 20, maxChunkChars: 50);

        Assert.All(pieces, p => Assert.True(p.Length <= 50, p));
        Assert.Equal(words, string.Join(' ', pieces));
        Assert.All(pieces, p => Assert.DoesNotContain("wor ", p + " ", StringComparison.Ordinal));
    }

    [Fact]
    public void A_sentence_end_is_only_taken_once_the_next_character_confirms_it()
    {
        var chunker = new SentenceChunker();
        var pieces = new List<string>();

        chunker.Append("It costs 3.", pieces);
        Assert.Empty(pieces);
        chunker.Append("5 euros. Next", pieces);

        Assert.Equal(["It costs 3.5 euros."], pieces);
        Assert.Equal("Next", chunker.Flush());
        Assert.Null(chunker.Flush());
    }

    /// <summary>Streams <paramref name="text"/> in 3-character tokens, as a model would, and flushes at the end.</summary>
    private static List<string> Chunk(string text, int firstChunkMinChars = 40, int maxChunkChars = 240)
    {
        var chunker = new SentenceChunker(firstChunkMinChars, maxChunkChars);
        var pieces = new List<string>();
        for (var i = 0; i < text.Length; i += 3)
        {
            chunker.Append(text.Substring(i, Math.Min(3, text.Length - i)), pieces);
        }

        if (chunker.Flush() is { } rest)
        {
            pieces.Add(rest);
        }

        return pieces;
    }
}
