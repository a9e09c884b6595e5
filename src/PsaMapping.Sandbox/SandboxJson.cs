using System.Text.Json;

namespace PsaMapping.Sandbox
{
    internal static class SandboxJson
    {
        /// <summary>camelCase names, as the real APIs send them.</summary>
        public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

        public static IResult Result(object body, int status = StatusCodes.Status200OK) =>
            Results.Json(body, Options, statusCode: status);
    }
}
