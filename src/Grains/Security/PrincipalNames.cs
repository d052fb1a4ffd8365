namespace SamMpa.Grains.Security;

/// <summary>What a principal's name may be: a certificate subject, a user name or a front end's name; no control characters.</summary>
public static class PrincipalNames
{
    public const int MaxLength = 256;

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

        return principal;
    }
}
