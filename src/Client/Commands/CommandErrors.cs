using SamMpa.Imaging.Evaluation;
using SamMpa.Imaging.Images;
using SamMpa.Imaging.Registration;
using SamMpa.Imaging.Sam;

namespace SamMpa.Client.Commands;

/// <summary>Turns the errors a user can fix into one clear message and an exit code, without a stack trace.</summary>
internal static class CommandErrors
{
    public static async Task<int> RunAsync(Func<Task<int>> action)
    {
        try
        {
            return await action();
        }
        catch (Exception e) when (e is DatasetException or InvalidImageException or RegistrationToolMissingException
                                      or IOException or UnauthorizedAccessException or ArgumentException
                                      or SamPackageException or InvalidDataException or InvalidOperationException
                                      or KeyNotFoundException or OrleansException or TimeoutException)
        {
            System.Console.Error.WriteLine($"error: {e.Message}");
            return ExitCodes.InvalidInput;
        }
    }
}
