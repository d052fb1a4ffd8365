namespace SamMpa.Grains.Security;

/// <summary>What the access-keys grain persists: each key's SHA-256, never its secret.</summary>
[GenerateSerializer]
[Alias("sammpa.AccessKeysState")]
public sealed class AccessKeysState
{
    [Id(0)]
    public List<AccessKeyRecord> Keys { get; set; } = [];
}

[GenerateSerializer]
[Alias("sammpa.AccessKeyRecord")]
public sealed class AccessKeyRecord
{
    [Id(0)]
    public string Id { get; set; } = string.Empty;

    /// <summary>SHA-256 of the secret, lower-case hex.</summary>
    [Id(1)]
    public string Hash { get; set; } = string.Empty;

    [Id(2)]
    public string Principal { get; set; } = string.Empty;

    [Id(3)]
    public bool Admin { get; set; }

    [Id(4)]
    public DateTimeOffset Created { get; set; }

    [Id(5)]
    public bool Revoked { get; set; }

    /// <summary>A front door's key, which may act on behalf of other principals (never as an admin).</summary>
    [Id(6)]
    public bool Delegate { get; set; }

    public AccessKeyInfo Info() => new() { Id = Id, Principal = Principal, Admin = Admin, Created = Created, Revoked = Revoked, Delegate = Delegate };
}
