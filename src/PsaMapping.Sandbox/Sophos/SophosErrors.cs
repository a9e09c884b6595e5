using System.Globalization;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.WebUtilities;

namespace PsaMapping.Sandbox.Sophos
{
    /// <summary>The two error shapes of Sophos Central: id.sophos.com's OAuth body and the API body.</summary>
    internal sealed class SophosErrors
    {
        private readonly TimeProvider _time;

        public SophosErrors(TimeProvider time) => _time = time;

        /// <summary>
        /// The partner/whoami API error body:
        /// {"error","message","correlationId","code","createdAt","requestId","docUrl"}.
        /// </summary>
        public IResult Api(int status, string message, string? code = null) =>
            SandboxJson.Result(new ApiError(
                Error: ReasonPhrases.GetReasonPhrase(status).Replace(" ", ""),
                Message: message,
                CorrelationId: Guid.NewGuid(),
                Code: code ?? DefaultCode(status),
                CreatedAt: _time.GetUtcNow().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
                RequestId: Guid.NewGuid(),
                DocUrl: "https://developer.sophos.com/getting-started"), status);

        /// <summary>The token endpoint's body: {"errorCode","message","trackingId"}.</summary>
        public static IResult OAuth(int status, string errorCode, string message) =>
            SandboxJson.Result(new OAuthError(errorCode, message, Guid.NewGuid()), status);

        public Task WriteApi(HttpContext context, int status, string message) => Api(status, message).ExecuteAsync(context);

        public static Task WriteOAuth(HttpContext context, int status, string message) =>
            OAuth(status, status switch
            {
                StatusCodes.Status429TooManyRequests => "rate_limit.exceeded",
                >= 500 => "server.error",
                _ => "oauth.request_failed",
            }, message).ExecuteAsync(context);

        private static string DefaultCode(int status) => status switch
        {
            400 => "badRequest",
            401 => "unauthorized",
            403 => "forbidden",
            404 => "resourceNotFound",
            429 => "tooManyRequests",
            >= 500 => "internalServerError",
            _ => "error",
        };

        private sealed record ApiError(
            string Error, string Message, Guid CorrelationId, string Code, string CreatedAt, Guid RequestId, string DocUrl);

        private sealed record OAuthError(
            [property: JsonPropertyName("errorCode")] string ErrorCode,
            [property: JsonPropertyName("message")] string Message,
            [property: JsonPropertyName("trackingId")] Guid TrackingId);
    }
}
