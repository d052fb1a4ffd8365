namespace SamMpa.Client.Gateway;

/// <summary>One file of an upload: its path on disk, the form field (images or truth) and the file name it is stored under.</summary>
internal sealed record UploadFile(string Path, string Field, string Name);
