using System;
using System.Net.Http;
using System.Threading.Tasks;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace PsaMapping.Engine.Http
{
    /// <summary>
    /// Reads JSON response bodies: case-insensitive, tolerant of fields we do not know, strict about the
    /// ones we need ([JsonProperty(Required = ...)] on the DTOs). Anything else becomes a clear error that
    /// names the service, the endpoint and what was wrong, never a bare parser exception.
    /// </summary>
    public static class JsonBody
    {
        private static readonly JsonSerializerSettings Settings = new JsonSerializerSettings
        {
            MissingMemberHandling = MissingMemberHandling.Ignore,
            DateParseHandling = DateParseHandling.None,
            MaxDepth = 64,
        };

        private static readonly JsonSerializer Serializer = JsonSerializer.Create(Settings);

        public static async Task<T> ReadAsync<T>(HttpResponseMessage response, ApiService service, string endpoint)
            where T : class
        {
            string text = response.Content == null ? string.Empty : await response.Content.ReadAsStringAsync().ConfigureAwait(false);
            return Parse<T>(text, service, endpoint, (int)response.StatusCode);
        }

        public static T Parse<T>(string text, ApiService service, string endpoint, int status) where T : class
        {
            string trimmed = text.TrimStart();
            if (trimmed.Length == 0)
                throw Invalid(service, endpoint, status, "the body was empty");
            if (trimmed[0] == '<')
                throw Invalid(service, endpoint, status, "it sent an HTML page instead of JSON (often a proxy or maintenance page)");

            try
            {
                using (var reader = new JsonTextReader(new System.IO.StringReader(text)) { MaxDepth = 64, DateParseHandling = DateParseHandling.None })
                {
                    T? value = Serializer.Deserialize<T>(reader);
                    if (value == null) throw Invalid(service, endpoint, status, "the body was null");
                    return value;
                }
            }
            catch (JsonException ex)
            {
                throw Invalid(service, endpoint, status, ex.Message, ex);
            }
        }

        /// <summary>Reads a JSON body leniently for error details; null when it is not JSON.</summary>
        public static async Task<JObject?> TryReadObjectAsync(HttpResponseMessage response)
        {
            try
            {
                string text = response.Content == null ? string.Empty : await response.Content.ReadAsStringAsync().ConfigureAwait(false);
                return text.TrimStart().StartsWith("{", StringComparison.Ordinal) ? JObject.Parse(text) : null;
            }
            catch (JsonException)
            {
                return null;
            }
        }

        private static PsaMappingException Invalid(ApiService service, string endpoint, int status, string why, Exception? inner = null) =>
            new PsaMappingException(service.InvalidResponseId, PsaErrorKind.InvalidResponse,
                $"{service.Name} answered {endpoint} (HTTP {status}) with a response that could not be read: {UserText.Clause(why)}. " +
                "Nothing was changed. Run the command again; if it persists, the service may be having problems.", inner)
            { Target = endpoint };
    }
}
