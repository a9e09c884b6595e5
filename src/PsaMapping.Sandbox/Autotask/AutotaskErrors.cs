using System.Text.Json.Serialization;

namespace PsaMapping.Sandbox.Autotask
{
    /// <summary>
    /// Autotask's two error shapes: {"errors":["..."]} from the API itself (validation failures are
    /// usually HTTP 500), and ASP.NET Web API's {"Message":"..."} for routing and method errors.
    /// </summary>
    internal static class AutotaskErrors
    {
        public static IResult Errors(int status, string message) => SandboxJson.Result(new ErrorsBody([message]), status);

        public static IResult Routing(int status, string message) => SandboxJson.Result(new MessageBody(message), status);

        public static IResult NoRoute(HttpContext context) => Routing(StatusCodes.Status404NotFound,
            $"No HTTP resource was found that matches the request URI '{context.Request.Scheme}://{context.Request.Host}{context.Request.Path}{context.Request.QueryString}'.");

        public static IResult MethodNotAllowed(HttpContext context, params string[] allowed)
        {
            context.Response.Headers.Allow = string.Join(", ", allowed);
            return Routing(StatusCodes.Status405MethodNotAllowed,
                $"The requested resource does not support http method '{context.Request.Method}'.");
        }

        /// <summary>
        /// For the fault middleware: injected faults look like the real service's. A 4xx is the API's own
        /// {"errors":[...]}; a server failure is what ASP.NET Web API answers for an unhandled exception,
        /// {"Message":"An error has occurred."}, which clients must tell apart from a validation 500.
        /// </summary>
        public static Task Write(HttpContext context, int status, string message) =>
            (status >= 500 ? Routing(status, "An error has occurred.") : Errors(status, message)).ExecuteAsync(context);

        private sealed record ErrorsBody(IReadOnlyList<string> Errors);

        private sealed record MessageBody([property: JsonPropertyName("Message")] string Message);
    }
}
