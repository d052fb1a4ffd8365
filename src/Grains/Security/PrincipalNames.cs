namespace SamMpa.Grains.Security;

/// <summary>What a principal's name may be: a certificate subject, a user name or a front end's name; no control characters.</summary>
public static class PrincipalNames
{
    public const int MaxLength = 256;

    /// <summary>Names with this prefix are the silos' own: no key is ever made for one.</summary>
    public const string ReservedPrefix = "sammpa:";

    /// <summary>The principal of a client's call to a grain that is not the product's (and of the calls that grain makes).</summary>
    public const string AnonymousClient = ReservedPrefix + "anonymous-client";

    public static string Require(string? principal, string what)
    {
        if (string.IsNullOrWhiteSpace(principal))
        {
            throw new ArgumentException($"{what}: the principal is empty; give a name (a certificate subject, a user, a front end).");
        }

        if (principal.Length > MaxLength || principal.Any(char.IsControl) || principal.Trim() != principal)
        {
            throw new ArgumentException($"{what}: principal '{principal}' is not a name: at most {MaxLength} characters, no control characters, no leading or trailing spaces.");
        }

        if (principal.StartsWith(ReservedPrefix, StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"{what}: principal '{principal}' is reserved: names starting with '{ReservedPrefix}' are the cluster's own.");
        }

        return principal;
    }

    /// <summary>
    /// What a delegate key may call on behalf of: a principal's name (<see cref="Require"/>), and never the bootstrap
    /// admin's, which owns what an admin key created.
    /// </summary>
    public static string RequireDelegable(string? principal, string what)
    {
        Require(principal, what);
        if (string.Equals(principal, AccessKeySecrets.BootstrapAdmin, StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"{what}: principal '{principal}' is the bootstrap admin's name, which no delegated caller takes.");
        }

        return principal!;
    }
}
