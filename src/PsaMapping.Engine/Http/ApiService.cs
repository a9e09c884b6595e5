namespace PsaMapping.Engine.Http
{
    /// <summary>Which API a client talks to: its name in messages and the ids of the errors its requests can end in.</summary>
    public sealed class ApiService
    {
        public static readonly ApiService SophosCentral = new ApiService("Sophos Central",
            ErrorIds.SophosUnavailable, ErrorIds.SophosInvalidResponse, ErrorIds.SophosResponseTooLarge,
            ErrorIds.SophosThresholdExceeded, ErrorIds.SophosCertificateRejected, ErrorIds.SophosOutcomeUnknown);

        public static readonly ApiService Autotask = new ApiService("Autotask",
            ErrorIds.AutotaskUnavailable, ErrorIds.AutotaskInvalidResponse, ErrorIds.AutotaskResponseTooLarge,
            ErrorIds.AutotaskThresholdExceeded, ErrorIds.AutotaskCertificateRejected, ErrorIds.AutotaskOutcomeUnknown);

        private ApiService(string name, string unavailable, string invalidResponse, string responseTooLarge,
            string thresholdExceeded, string certificateRejected, string outcomeUnknown)
        {
            Name = name;
            UnavailableId = unavailable;
            InvalidResponseId = invalidResponse;
            ResponseTooLargeId = responseTooLarge;
            ThresholdExceededId = thresholdExceeded;
            CertificateRejectedId = certificateRejected;
            OutcomeUnknownId = outcomeUnknown;
        }

        /// <summary>"Sophos Central", "Autotask": as users know the service.</summary>
        public string Name { get; }

        /// <summary>Could not be reached, or kept failing through every retry.</summary>
        public string UnavailableId { get; }

        /// <summary>Answered something unreadable.</summary>
        public string InvalidResponseId { get; }

        /// <summary>Answered more than the module reads.</summary>
        public string ResponseTooLargeId { get; }

        /// <summary>Its request limit is used up past the call's deadline.</summary>
        public string ThresholdExceededId { get; }

        /// <summary>Its TLS certificate was not accepted.</summary>
        public string CertificateRejectedId { get; }

        /// <summary>A request may or may not have been processed.</summary>
        public string OutcomeUnknownId { get; }

        public override string ToString() => Name;
    }
}
