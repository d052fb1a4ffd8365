using Azure.Storage.Blobs;
using SamMpa.Storage;
using SamMpa.Tests.Infrastructure;

namespace SamMpa.Tests.Storage;

/// <summary>
/// The blob store contract against Azurite, in a container of its own per test (created by the store on first use,
/// deleted afterwards). Refusing unsafe names needs no service, so that test runs without Azurite too.
/// </summary>
public sealed class AzureBlobStoreTests : BlobStoreContract, IAsyncLifetime
{
    private readonly string _containerName = $"sammpa-test-{Guid.NewGuid():N}";
    private readonly AzureBlobStore _store;

    public AzureBlobStoreTests()
    {
        _store = AzureBlobStore.FromConnectionString(Azurite.ConnectionString, _containerName);
    }

    protected override IBlobStore Store => _store;

    public Task InitializeAsync()
    {
        Azurite.ThrowIfExpectedButMissing();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        // Without Azurite only the name checks ran, and they create nothing.
        if (Azurite.IsRunning())
        {
            await new BlobContainerClient(Azurite.ConnectionString, _containerName).DeleteIfExistsAsync();
        }
    }

    [AzuriteFact]
    public override Task A_written_blob_reads_back() => base.A_written_blob_reads_back();

    [AzuriteFact]
    public override Task A_missing_blob_reads_as_null() => base.A_missing_blob_reads_as_null();

    [AzuriteFact]
    public override Task A_bounded_read_gives_a_blob_up_to_the_limit_and_null_for_a_missing_one() =>
        base.A_bounded_read_gives_a_blob_up_to_the_limit_and_null_for_a_missing_one();

    [AzuriteFact]
    public override Task A_bounded_read_refuses_a_longer_blob_naming_it_and_its_length() =>
        base.A_bounded_read_refuses_a_longer_blob_naming_it_and_its_length();

    [AzuriteFact]
    public override Task Create_if_absent_writes_once_and_keeps_the_first_content() =>
        base.Create_if_absent_writes_once_and_keeps_the_first_content();

    [AzuriteFact]
    public override Task Concurrent_creates_of_one_blob_have_exactly_one_winner() =>
        base.Concurrent_creates_of_one_blob_have_exactly_one_winner();

    [AzuriteFact]
    public override Task Listing_a_prefix_gives_its_blobs_in_ordinal_order_and_nothing_else() =>
        base.Listing_a_prefix_gives_its_blobs_in_ordinal_order_and_nothing_else();

    [AzuriteFact]
    public override Task Deleting_removes_the_blob_once() => base.Deleting_removes_the_blob_once();

    [AzuriteFact]
    public override Task Create_if_absent_from_a_stream_writes_once_and_keeps_the_first_content() =>
        base.Create_if_absent_from_a_stream_writes_once_and_keeps_the_first_content();

    [AzuriteFact]
    public override Task A_stream_that_fails_midway_leaves_no_blob() => base.A_stream_that_fails_midway_leaves_no_blob();

    [AzuriteFact]
    public async Task The_container_is_created_on_first_use()
    {
        var container = new BlobContainerClient(Azurite.ConnectionString, _containerName);
        Assert.False((await container.ExistsAsync()).Value);

        Assert.Null(await _store.ReadAsync("datasets/x/images/a.png", CancellationToken.None));

        Assert.True((await container.ExistsAsync()).Value);
    }

    [AzuriteFact]
    public async Task A_blob_written_over_is_replaced_and_a_name_in_a_sibling_folder_is_not_listed()
    {
        await _store.WriteAsync("datasets/d7/images/a.png", "old"u8.ToArray(), CancellationToken.None);
        await _store.WriteAsync("datasets/d7/images/a.png", "new"u8.ToArray(), CancellationToken.None);
        await _store.WriteAsync("datasets/d70/images/a.png", "other"u8.ToArray(), CancellationToken.None);

        Assert.Equal("new"u8.ToArray(), await _store.ReadAsync("datasets/d7/images/a.png", CancellationToken.None));
        var names = new List<string>();
        await foreach (var name in _store.ListAsync("datasets/d7/", CancellationToken.None))
        {
            names.Add(name);
        }

        Assert.Equal(["datasets/d7/images/a.png"], names);
    }

    // No Azurite needed: nothing listens on port 1, and the store must say which account, container and blob it
    // could not reach rather than leak a bare socket error.
    [Fact]
    public async Task Unreachable_storage_is_reported_with_the_account_the_container_and_the_blob()
    {
        var unreachable = Azurite.ConnectionString.Replace("127.0.0.1:10000", "127.0.0.1:1", StringComparison.Ordinal);
        var options = new BlobClientOptions();
        options.Retry.MaxRetries = 0;
        var store = new AzureBlobStore(new BlobContainerClient(unreachable, "sammpa-unreachable", options));

        var error = await Assert.ThrowsAsync<IOException>(
            () => store.ReadAsync("datasets/d8/images/a.png", CancellationToken.None));

        Assert.Contains("devstoreaccount1", error.Message, StringComparison.Ordinal);
        Assert.Contains("sammpa-unreachable", error.Message, StringComparison.Ordinal);
        Assert.Contains("datasets/d8/images/a.png", error.Message, StringComparison.Ordinal);
    }
}
