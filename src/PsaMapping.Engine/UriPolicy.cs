using System;

namespace PsaMapping.Engine
{
    /// <summary>Where credentials and tokens may be sent.</summary>
    public static class UriPolicy
    {
        /// <summary>
        /// Returns <paramref name="uri"/> as a base address (ending in a slash). Refuses anything but https,
        /// except plain http to this machine (the sandbox): secrets must never cross a network in clear text.
        /// </summary>
        public static Uri RequireSecureBase(Uri uri, string what)
        {
            if (uri == null) throw new ArgumentNullException(nameof(uri));
            if (!uri.IsAbsoluteUri || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
                throw new PsaMappingException(ErrorIds.InvalidUri, PsaErrorKind.InvalidArgument,
                    $"{what} '{uri}' is not an absolute http(s) address. Give a full address such as https://api.central.sophos.com.")
                { Target = uri };
            if (uri.Scheme == Uri.UriSchemeHttp && !uri.IsLoopback)
                throw new PsaMappingException(ErrorIds.InsecureUri, PsaErrorKind.InvalidArgument,
                    $"{what} '{uri}' uses plain http, which would send credentials unencrypted. Use https (plain http is accepted only for this machine, such as the sandbox).")
                { Target = uri };
            string text = uri.GetLeftPart(UriPartial.Path);
            return new Uri(text.EndsWith("/", StringComparison.Ordinal) ? text : text + "/");
        }
    }
}
