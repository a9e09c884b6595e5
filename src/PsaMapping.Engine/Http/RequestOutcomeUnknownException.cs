using System;

namespace PsaMapping.Engine.Http
{
    /// <summary>
    /// A request that must not be repeated blindly (a write that bills) may or may not have been processed: it
    /// left, and no definitive answer came back (a timeout, a dropped connection, a server failure without
    /// the service's own error body). Sending it again could apply it twice; the caller must read back what
    /// the service holds before deciding anything.
    /// </summary>
    public sealed class RequestOutcomeUnknownException : PsaMappingException
    {
        public RequestOutcomeUnknownException(ApiService service, string endpoint, string why, Exception? innerException)
            : base(service.OutcomeUnknownId, PsaErrorKind.Unavailable,
                $"{service.Name} may or may not have carried out {ResilientHttpClient.Label(endpoint)}: {UserText.Clause(why)}. It was not sent again, because " +
                "repeating it could apply it twice. Check what the service holds now before trying again.", innerException)
        {
            Target = endpoint;
            Endpoint = endpoint;
        }

        public string Endpoint { get; }
    }
}
