namespace SamMpa.Imaging.Registration;

/// <summary>A registration (elastix) or mask warp (transformix) failed, timed out or produced no result.</summary>
public class RegistrationException : Exception
{
    public RegistrationException()
    {
    }

    public RegistrationException(string message)
        : base(message)
    {
    }

    public RegistrationException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>elastix or transformix cannot be found or executed.</summary>
public sealed class RegistrationToolMissingException : RegistrationException
{
    public RegistrationToolMissingException()
    {
    }

    public RegistrationToolMissingException(string message)
        : base(message)
    {
    }

    public RegistrationToolMissingException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
