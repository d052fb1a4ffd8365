using System.CommandLine;
using SamMpa.Client.Gateway;
using SamMpa.Grains.Security;
using SamMpa.Imaging.Evaluation;
using SamMpa.Imaging.Images;
using SamMpa.Imaging.Registration;
using SamMpa.Imaging.Sam;

namespace SamMpa.Client.Commands;

/// <summary>
/// Turns the errors a user can fix into one clear message and an exit code, without a stack trace; and a cancellation
/// (Ctrl-C, SIGTERM) into one line saying what was stopped.
/// </summary>
internal static class CommandErrors
{
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1068", Justification = "The command's body comes last at every call site, as a block.")]
    public static async Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken, Func<Task<int>> action)
    {
        ArgumentNullException.ThrowIfNull(parse);
        ArgumentNullException.ThrowIfNull(action);
        var error = parse.InvocationConfiguration.Error;
        try
        {
            return await action();
        }
        catch (CommandCancelledException e)
        {
            error.WriteLine($"Cancelled: {e.Message}");
            return ExitCodes.Cancelled;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            error.WriteLine("Cancelled.");
            return ExitCodes.Cancelled;
        }
        catch (AccessDeniedException e)
        {
            error.WriteLine($"access denied: {e.Message}");
            return ExitCodes.AccessDenied;
        }
        catch (SamMpa.Dicom.Web.DicomWebException e) when (e.StatusCode is System.Net.HttpStatusCode.Unauthorized or System.Net.HttpStatusCode.Forbidden)
        {
            error.WriteLine($"access denied: {e.Message}");
            return ExitCodes.AccessDenied;
        }
        catch (GatewayException e)
        {
            error.WriteLine(e.AccessDenied ? $"access denied: {e.Message}" : $"error: {e.Message}");
            return e.ExitCode;
        }
        catch (Exception e) when (e is DatasetException or InvalidImageException or RegistrationToolMissingException
                                      or IOException or UnauthorizedAccessException or ArgumentException
                                      or SamPackageException or InvalidDataException or InvalidOperationException
                                      or KeyNotFoundException or OrleansException or TimeoutException or SamMpa.Dicom.Web.DicomWebException)
        {
            error.WriteLine($"error: {e.Message}");
            return ExitCodes.InvalidInput;
        }
    }
}
