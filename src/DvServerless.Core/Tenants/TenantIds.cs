namespace DvServerless.Core.Tenants;

/// <summary>The rules for tenant ids, which end up in blob names, JWT claims and URLs.</summary>
public static class TenantIds
{
    /// <summary>The longest tenant id accepted.</summary>
    public const int MaxLength = 64;

    /// <summary>
    /// The id of work no tenant owns (calls before tenants were configured, the admin's default). Reserved: a configured
    /// tenant may not take it, or it would see that unowned work as its own.
    /// </summary>
    public const string Default = "default";

    /// <summary>Whether <paramref name="id"/> is the reserved <see cref="Default"/> id (compared ignoring case).</summary>
    public static bool IsReserved(string? id) => string.Equals(id, Default, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Whether <paramref name="id"/> is a valid tenant id: 1–64 ASCII letters, digits, <c>-</c> or <c>_</c>, starting
    /// with a letter or digit (so it is safe in a blob path and cannot collide with the <c>_</c>-prefixed audit names).
    /// </summary>
    public static bool IsValid(string? id)
    {
        if (id is not { Length: > 0 and <= MaxLength } || !char.IsAsciiLetterOrDigit(id[0]))
        {
            return false;
        }

        foreach (var c in id)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '-' && c != '_')
            {
                return false;
            }
        }

        return true;
    }
}
