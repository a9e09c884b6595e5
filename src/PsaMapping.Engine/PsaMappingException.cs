using System;

namespace PsaMapping.Engine
{
    /// <summary>What went wrong, in terms the cmdlets can turn into a PowerShell error category.</summary>
    public enum PsaErrorKind
    {
        NotConnected,
        AuthenticationFailed,
        WrongCredentialType,
        Forbidden,
        NotFound,
        InvalidArgument,
        InvalidResponse,
        Unavailable,

        /// <summary>The connection's security failed (a TLS certificate that is not trusted): not transient.</summary>
        SecurityError,
    }

    /// <summary>
    /// The one exception the engine throws for anything a user can act on. <see cref="ErrorId"/> is stable
    /// (it becomes the FullyQualifiedErrorId), and the message always says what to do next. Messages never
    /// contain secrets or tokens.
    /// </summary>
    public class PsaMappingException : Exception
    {
        public PsaMappingException(string errorId, PsaErrorKind kind, string message, Exception? innerException = null)
            : base(message, innerException)
        {
            ErrorId = errorId;
            Kind = kind;
        }

        public string ErrorId { get; }

        public PsaErrorKind Kind { get; }

        /// <summary>The item the error is about, when there is one (a customer id, a URI, ...).</summary>
        public object? Target { get; set; }
    }
}
