using System;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Threading.Tasks;
using Newtonsoft.Json.Linq;
using PsaMapping.Engine.Http;

namespace PsaMapping.Engine.Autotask
{
    /// <summary>
    /// Reading Autotask's answers: which failures deserve another try, and what each definitive error means
    /// to the user. Autotask reports validation and authentication problems as HTTP 500 with
    /// {"errors":[...]}, so a 500 is only retried when it does not carry such an answer.
    /// </summary>
    internal static class AutotaskErrors
    {
        private static readonly string[] TransientHints = { "thread", "threshold", "timeout", "timed out", "try again", "deadlock", "temporarily" };

        public static async Task<bool> IsTransientAsync(HttpResponseMessage response)
        {
            int status = (int)response.StatusCode;
            if (status != 500) return ResilientHttpClient.IsTransientStatus(response.StatusCode);

            // Only the API's own {"errors":[...]} is a definitive answer. Anything else (ASP.NET's
            // {"Message":"An error has occurred."}, an HTML page, nothing) is a failing server or proxy.
            JObject? body = await JsonBody.TryReadObjectAsync(response).ConfigureAwait(false);
            if (!(body?.GetValue("errors", StringComparison.OrdinalIgnoreCase) is JArray errors) || errors.Count == 0) return true;
            return errors.Any(e => TransientHints.Any(hint => e.ToString().IndexOf(hint, StringComparison.OrdinalIgnoreCase) >= 0));
        }

        private static readonly string[] NotProcessedHints = { "thread", "threshold" };

        /// <summary>
        /// Whether a failed answer proves Autotask refused the request before processing it: 429 (its thread
        /// limit and hourly threshold), or its thread-limit refusal under another status (Itgenatr005). Only
        /// these may be repeated for a write; a timeout or an unexplained failure may hide a write that happened.
        /// </summary>
        public static async Task<bool> WasNotProcessedAsync(HttpResponseMessage response)
        {
            if ((int)response.StatusCode == 429) return true;
            if (response.IsSuccessStatusCode) return false;
            string[]? errors = await ErrorsOfAsync(response).ConfigureAwait(false);
            return errors != null && errors.Any(e => NotProcessedHints.Any(hint => e.IndexOf(hint, StringComparison.OrdinalIgnoreCase) >= 0)
                                                     || e.IndexOf("Itgenatr005", StringComparison.OrdinalIgnoreCase) >= 0);
        }

        /// <summary>The messages of an {"errors":[...]} (or {"Message":...}) body; null when the body is not one.</summary>
        public static async Task<string[]?> ErrorsOfAsync(HttpResponseMessage response)
        {
            JObject? body = await JsonBody.TryReadObjectAsync(response).ConfigureAwait(false);
            if (body == null) return null;
            JToken? errors = body.GetValue("errors", StringComparison.OrdinalIgnoreCase);
            if (errors is JArray array) return array.Select(e => e.Type == JTokenType.String ? (string)e! : e.ToString()).ToArray();
            JToken? message = body.GetValue("message", StringComparison.OrdinalIgnoreCase);
            return message == null ? null : new[] { message.ToString() };
        }

        public static async Task<PsaMappingException> ZoneErrorAsync(HttpResponseMessage response, string userName)
        {
            string detail = await DetailAsync(response).ConfigureAwait(false);
            if ((int)response.StatusCode == 500 || response.StatusCode == HttpStatusCode.NotFound)
                return new PsaMappingException(ErrorIds.AutotaskUnknownUser, PsaErrorKind.AuthenticationFailed,
                    $"Autotask does not know the API user '{userName}' ({detail}). Check the user name: it is the API user's e-mail-like user name " +
                    "from Autotask (Admin, Resources (Users), the API User (system) resource).")
                { Target = userName };
            return Unexpected(response, "the zone lookup", detail);
        }

        /// <summary>What a failed credential check means: which of user, secret and integration code was refused.</summary>
        public static async Task<PsaMappingException> CredentialErrorAsync(HttpResponseMessage response, AutotaskCredential credential, bool zoneLookedUp)
        {
            string userName = credential.UserName;
            string detail = await DetailAsync(response, credential).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.Unauthorized)
                return new PsaMappingException(ErrorIds.AutotaskSecretRejected, PsaErrorKind.AuthenticationFailed,
                    $"Autotask rejected the secret of the API user '{userName}' ({detail}). If the secret was changed in Autotask, " +
                    "run Update-AutotaskCredential with the new one.")
                { Target = userName };

            if ((int)response.StatusCode == 500)
            {
                bool mentionsUser = detail.IndexOf("user", StringComparison.OrdinalIgnoreCase) >= 0;
                bool mentionsCode = detail.IndexOf("integration", StringComparison.OrdinalIgnoreCase) >= 0
                                    || detail.IndexOf("tracking", StringComparison.OrdinalIgnoreCase) >= 0;
                // The zone lookup already proved the user exists, so then the integration code is what was refused.
                if (mentionsCode || (zoneLookedUp && !mentionsUser))
                    return new PsaMappingException(ErrorIds.AutotaskIntegrationCodeRejected, PsaErrorKind.AuthenticationFailed,
                        $"Autotask rejected the integration code given for the API user '{userName}' ({detail}). Use the tracking identifier " +
                        "(integration code) of the API user's integration vendor from Autotask.")
                    { Target = userName };
                if (mentionsUser)
                    return new PsaMappingException(ErrorIds.AutotaskUnknownUser, PsaErrorKind.AuthenticationFailed,
                        $"Autotask does not know the API user '{userName}' ({detail}). Check the user name.")
                    { Target = userName };
                return new PsaMappingException(ErrorIds.AutotaskAuthenticationFailed, PsaErrorKind.AuthenticationFailed,
                    $"Autotask refused the API user '{userName}' or the integration code ({detail}). Check both.")
                { Target = userName };
            }

            if (response.StatusCode == HttpStatusCode.Forbidden)
                return new PsaMappingException(ErrorIds.AutotaskForbidden, PsaErrorKind.Forbidden,
                    $"Autotask refused access for the API user '{userName}' ({detail}). The user needs the security level API User (system).")
                { Target = userName };

            return Unexpected(response, "the credential check", detail);
        }

        /// <summary>Throws the meaning of a failed query; returns when the answer was a success.</summary>
        public static async Task EnsureSuccessAsync(HttpResponseMessage response, string what, AutotaskCredential credential)
        {
            if (response.IsSuccessStatusCode) return;
            string detail = await DetailAsync(response, credential).ConfigureAwait(false);
            switch ((int)response.StatusCode)
            {
                case 401:
                    throw new PsaMappingException(ErrorIds.AutotaskSecretRejected, PsaErrorKind.AuthenticationFailed,
                        $"Autotask no longer accepts the API user's secret ({detail}). If it was changed in Autotask, run Update-AutotaskCredential with the new one.");
                case 403:
                    throw new PsaMappingException(ErrorIds.AutotaskForbidden, PsaErrorKind.Forbidden,
                        $"Autotask refused the {what} ({detail}). The API user needs the security level API User (system).");
                case 404:
                    throw new PsaMappingException(ErrorIds.AutotaskNotFound, PsaErrorKind.NotFound, $"Autotask found nothing for the {what} ({detail}).");
                default:
                    throw Unexpected(response, "the " + what, detail);
            }
        }

        private static PsaMappingException Unexpected(HttpResponseMessage response, string what, string detail) =>
            new PsaMappingException(ErrorIds.AutotaskRequestFailed, PsaErrorKind.InvalidResponse,
                $"Autotask answered {what} with HTTP {(int)response.StatusCode} ({detail}). Run the command again; if it persists, check the Autotask API status.");

        /// <summary>The server's own words, shortened, with the secret and integration code blanked should it echo them.</summary>
        private static async Task<string> DetailAsync(HttpResponseMessage response, AutotaskCredential? credential = null)
        {
            string[]? errors = await ErrorsOfAsync(response).ConfigureAwait(false);
            string text = errors != null && errors.Length > 0 ? string.Join("; ", errors) : (int)response.StatusCode + " " + response.ReasonPhrase;
            if (credential != null)
                foreach (string secret in new[] { credential.RevealSecret(), credential.RevealIntegrationCode() })
                    if (secret.Length > 0) text = text.Replace(secret, "***");
            return text.Length > 300 ? text.Substring(0, 300) + "..." : text;
        }
    }
}
