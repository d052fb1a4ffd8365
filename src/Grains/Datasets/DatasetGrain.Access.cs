using SamMpa.Grains.Security;
using SamMpa.Storage;

namespace SamMpa.Grains.Datasets;

/// <summary>
/// Who may do what to the dataset: its owner (the principal that created it) everything, principals granted a role what
/// the role allows, admin keys everything. A call no client started (a reminder, the resumed job) is the silo's own.
/// </summary>
internal sealed partial class DatasetGrain
{
    public async Task GrantAsync(string principal, DatasetRole role)
    {
        RequireCreated();
        RequireRole(DatasetRole.Owner, "grant roles on");
        PrincipalNames.Require(principal, $"Granting a role on dataset '{Id}'");
        if (role is not (DatasetRole.Viewer or DatasetRole.Annotator or DatasetRole.Owner))
        {
            throw new ArgumentOutOfRangeException(nameof(role), $"Dataset '{Id}': role {(int)role} is not one to grant; use viewer, annotator or owner.");
        }

        if (principal == state.State.Owner || (state.State.Grants.TryGetValue(principal, out var held) && held == role))
        {
            return;
        }

        state.State.Grants[principal] = role;
        await SaveAsync();
    }

    public async Task RevokeAsync(string principal)
    {
        RequireCreated();
        RequireRole(DatasetRole.Owner, "revoke roles on");
        if (state.State.Grants.Remove(principal ?? string.Empty))
        {
            await SaveAsync();
        }
    }

    public async Task ReserveAsync()
    {
        ResourceId.Validate(Id, "dataset");
        var s = state.State;
        if (s.Phase != DatasetPhase.None || s.Owner is not null)
        {
            RequireRole(DatasetRole.Owner, "add images to");
            return;
        }

        if (CallerContext.Current is { Admin: false } caller)
        {
            s.Owner = caller.Name;
            await SaveAsync();
        }
    }

    public Task RequireViewerAsync()
    {
        // Not created (nor reserved) yet: nothing to read, and its creator may listen from the start (a README limit says what follows).
        if (state.State.Phase != DatasetPhase.None || state.State.Owner is not null)
        {
            RequireRole(DatasetRole.Viewer, "read");
        }

        return Task.CompletedTask;
    }

    public Task<DatasetAccess> RequireRoleAsync(DatasetRole needed)
    {
        ResourceId.Validate(Id, "dataset");
        if (needed is not (DatasetRole.Viewer or DatasetRole.Annotator or DatasetRole.Owner))
        {
            throw new ArgumentOutOfRangeException(nameof(needed), $"Dataset '{Id}': role {(int)needed} is not one to require; use viewer, annotator or owner.");
        }

        var s = state.State;
        if (s.Phase == DatasetPhase.None && s.Owner is null)
        {
            return Task.FromResult(new DatasetAccess { Exists = false });
        }

        // A reserved id is its reserving principal's, as a created dataset is its owner's.
        RequireRole(needed, needed switch
        {
            DatasetRole.Viewer => "read",
            DatasetRole.Annotator => "annotate",
            _ => "change",
        });
        if (s.Phase == DatasetPhase.None)
        {
            return Task.FromResult(new DatasetAccess { Exists = false, Owner = s.Owner });
        }

        return Task.FromResult(new DatasetAccess { Exists = true, ImagePrefix = s.ImagePrefix, TruthPrefix = s.TruthPrefix, Owner = s.Owner });
    }

    /// <summary>Throws <see cref="AccessDeniedException"/> unless the caller holds <paramref name="needed"/> (or more) on this dataset.</summary>
    private void RequireRole(DatasetRole needed, string what)
    {
        var caller = CallerContext.Current;
        if (caller is null || caller.Admin)
        {
            return;
        }

        var owner = state.State.Owner;
        if (owner is null)
        {
            throw new AccessDeniedException(
                $"Principal '{caller.Name}' may not {what} dataset '{Id}': it was created before datasets had owners, and only an admin key may touch it.",
                Id);
        }

        var held = caller.Name == owner ? DatasetRole.Owner : state.State.Grants.GetValueOrDefault(caller.Name);
        if (held < needed)
        {
            var has = held == DatasetRole.None ? "no role" : $"the {held.ToString().ToLowerInvariant()} role";
            throw new AccessDeniedException(
                $"Principal '{caller.Name}' may not {what} dataset '{Id}': that needs the {needed.ToString().ToLowerInvariant()} role, and it has {has}.",
                Id);
        }
    }
}
