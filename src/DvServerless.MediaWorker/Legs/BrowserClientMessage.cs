namespace DvServerless.MediaWorker.Legs;

/// <summary>One parsed command from the browser page (see <see cref="BrowserMessageCodec.TryParse"/>).</summary>
/// <param name="Kind">What the page asks for.</param>
/// <param name="Enabled">For <see cref="BrowserClientMessageKind.Audio"/>: whether caller audio flows.</param>
/// <param name="Text">For <see cref="BrowserClientMessageKind.Text"/>: the typed message, never empty.</param>
public readonly record struct BrowserClientMessage(BrowserClientMessageKind Kind, bool Enabled = false, string? Text = null);
