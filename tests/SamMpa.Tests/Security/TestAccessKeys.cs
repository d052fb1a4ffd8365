using SamMpa.Hosting.Security;

namespace SamMpa.Tests.Security;

/// <summary>The bootstrap admin key the test clusters are configured with, and the client filter that presents it.</summary>
internal static class TestAccessKeys
{
    public const string Admin = "smk_test-admin-key-for-the-test-clusters-only";

    /// <summary>Silo settings: <see cref="Admin"/> as the one bootstrap admin key.</summary>
    public static KeyValuePair<string, string?> AdminKeySetting => new("Security:AdminKeys:0", Admin);

    /// <summary>A test cluster's client that calls as the admin.</summary>
    public static IClientBuilder WithAdminKey(this IClientBuilder client) =>
        client.AddOutgoingGrainCallFilter(new AccessKeyOutgoingFilter(Admin));
}
