namespace DvServerless.Adapters.Speech.Offline;

/// <summary>The files one pocketsphinx decoder loads, resolved from <see cref="PocketSphinxOptions"/>.</summary>
/// <param name="AcousticModel">The acoustic model folder (<c>-hmm</c>).</param>
/// <param name="Dictionary">The pronunciation dictionary (<c>-dict</c>).</param>
/// <param name="LanguageModel">The n-gram language model (<c>-lm</c>), used when there is no grammar.</param>
/// <param name="Grammar">A JSGF grammar text that replaces the language model, or null for open vocabulary.</param>
internal sealed record PocketSphinxModelPaths(string AcousticModel, string Dictionary, string LanguageModel, string? Grammar);
