namespace SamMpa.Gateway.Errors;

/// <summary>A request, or one file of it, is longer than the gateway's limit; answered 413 with the message, which names the item.</summary>
public sealed class PayloadTooLargeException(string message) : Exception(message);
