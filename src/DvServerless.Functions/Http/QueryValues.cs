using System.Globalization;

namespace DvServerless.Functions.Http;

/// <summary>Reads optional query values the way the API documents them.</summary>
internal static class QueryValues
{
    /// <summary>The value of <paramref name="name"/>, or null when absent or empty.</summary>
    public static string? Text(HttpRequest request, string name) =>
        request.Query.TryGetValue(name, out var values) && !string.IsNullOrEmpty(values.ToString()) ? values.ToString() : null;

    /// <summary>An optional integer: null when absent; false when present but not an integer.</summary>
    public static bool TryInt(HttpRequest request, string name, out int? value)
    {
        value = null;
        var text = Text(request, name);
        if (text is null)
        {
            return true;
        }

        if (int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed))
        {
            value = parsed;
            return true;
        }

        return false;
    }

    /// <summary>An optional boolean (<c>true</c>/<c>false</c>): null when absent; false when present but not a boolean.</summary>
    public static bool TryBool(HttpRequest request, string name, out bool? value)
    {
        value = null;
        var text = Text(request, name);
        if (text is null)
        {
            return true;
        }

        if (bool.TryParse(text, out var parsed))
        {
            value = parsed;
            return true;
        }

        return false;
    }
}
