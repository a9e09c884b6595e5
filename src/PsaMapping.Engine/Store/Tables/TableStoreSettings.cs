using System;
using System.Security;
using System.Text.RegularExpressions;
using Azure.Data.Tables;

namespace PsaMapping.Engine.Store.Tables
{
    /// <summary>How a table store is reached: a storage account's connection string, or a table endpoint with a SAS token.</summary>
    public enum TableCredentialKind
    {
        ConnectionString,
        SasToken,
    }

    /// <summary>
    /// Where an Azure Table Storage store lives and the secret that opens it. The secret stays a
    /// <see cref="SecureString"/> until a client is built; <see cref="ToString"/>, the endpoint and every error
    /// say where the store is, never the secret.
    /// </summary>
    public sealed class TableStoreSettings
    {
        public const string DefaultTableName = "PsaMapping";

        // Azure's rule for table names: 3 to 63 letters and digits, starting with a letter.
        private static readonly Regex TableNamePattern = new Regex("^[A-Za-z][A-Za-z0-9]{2,62}$", RegexOptions.CultureInvariant);

        // The one holder of secrets in the engine: copied, read-only, revealed only to build a client.
        private readonly ClientCredential _secret;

        private TableStoreSettings(TableCredentialKind kind, Uri endpoint, string tableName, SecureString secret)
        {
            Kind = kind;
            Endpoint = endpoint;
            TableName = tableName;
            _secret = new ClientCredential("table store", secret);
        }

        public TableCredentialKind Kind { get; }

        /// <summary>The account's table service endpoint, for example https://contoso.table.core.windows.net/.</summary>
        public Uri Endpoint { get; }

        public string TableName { get; }

        /// <summary>From a storage account connection string (Azure portal: the account's Access keys).</summary>
        /// <exception cref="PsaMappingException">MappingStoreConnectionStringInvalid, MappingStoreTableNameInvalid, InsecureUri.</exception>
        public static TableStoreSettings FromConnectionString(SecureString connectionString, string? tableName = null)
        {
            if (connectionString == null) throw new ArgumentNullException(nameof(connectionString));
            string name = CheckTableName(tableName);
            Uri endpoint;
            try
            {
                // Parsed by the client library itself, so every form it accepts (EndpointSuffix, TableEndpoint,
                // UseDevelopmentStorage) is accepted here. Its messages are not passed on: they could quote the string.
                endpoint = new TableServiceClient(new ClientCredential("table store", connectionString).RevealSecret()).Uri;
            }
            catch (Exception ex) when (ex is FormatException || ex is ArgumentException || ex is InvalidOperationException)
            {
                throw new PsaMappingException(ErrorIds.MappingStoreConnectionStringInvalid, PsaErrorKind.InvalidArgument,
                    "The connection string is not a storage account connection string. Copy it from the Azure portal " +
                    "(the storage account, Security + networking, Access keys, Connection string) and connect again.");
            }
            UriPolicy.RequireSecureBase(endpoint, "The table endpoint of the connection string");
            return new TableStoreSettings(TableCredentialKind.ConnectionString, endpoint, name, connectionString);
        }

        /// <summary>From the account's table endpoint and a SAS token with table permissions.</summary>
        /// <exception cref="PsaMappingException">MappingStoreTableNameInvalid, InsecureUri, InvalidUri.</exception>
        public static TableStoreSettings FromSasToken(Uri tableEndpoint, SecureString sasToken, string? tableName = null)
        {
            if (tableEndpoint == null) throw new ArgumentNullException(nameof(tableEndpoint));
            if (sasToken == null) throw new ArgumentNullException(nameof(sasToken));
            string name = CheckTableName(tableName);
            if (!string.IsNullOrEmpty(tableEndpoint.IsAbsoluteUri ? tableEndpoint.Query.TrimStart('?') : null))
                throw new PsaMappingException(ErrorIds.InvalidUri, PsaErrorKind.InvalidArgument,
                    "The table endpoint has a query string. Give the endpoint alone (https://ACCOUNT.table.core.windows.net/) and the SAS token in -SasToken.")
                { Target = tableEndpoint.GetLeftPart(UriPartial.Path) };
            UriPolicy.RequireSecureBase(tableEndpoint, "The table endpoint");
            // Without a trailing slash: the client appends "/Tables" and "/name(...)" itself.
            var endpoint = new Uri(tableEndpoint.GetLeftPart(UriPartial.Path).TrimEnd('/'));
            if (sasToken.Length == 0)
                throw new PsaMappingException(ErrorIds.MappingStoreSasTokenInvalid, PsaErrorKind.InvalidArgument,
                    "The SAS token is empty. Create one for the storage account's Table service (Shared access signature in the Azure portal) and connect again.");
            return new TableStoreSettings(TableCredentialKind.SasToken, endpoint, name, sasToken);
        }

        /// <summary>Rebuilds settings read back from the saved credentials file.</summary>
        internal static TableStoreSettings FromSaved(TableCredentialKind kind, Uri endpoint, string tableName, SecureString secret) =>
            kind == TableCredentialKind.ConnectionString ? FromConnectionString(secret, tableName) : FromSasToken(endpoint, secret, tableName);

        /// <summary>The secret in clear, only to build a client or to protect it for saving.</summary>
        internal string RevealSecret() => _secret.RevealSecret();

        internal TableClient CreateClient(TableClientOptions options)
        {
            return Kind == TableCredentialKind.ConnectionString
                ? new TableClient(RevealSecret(), TableName, options)
                : new TableServiceClient(Endpoint, new Azure.AzureSasCredential(RevealSecret()), options).GetTableClient(TableName);
        }

        public override string ToString() => $"{Endpoint.ToString().TrimEnd('/')}/{TableName}";

        private static string CheckTableName(string? tableName)
        {
            string name = string.IsNullOrWhiteSpace(tableName) ? DefaultTableName : tableName!.Trim();
            if (!TableNamePattern.IsMatch(name) || name.Equals("tables", StringComparison.OrdinalIgnoreCase))
                throw new PsaMappingException(ErrorIds.MappingStoreTableNameInvalid, PsaErrorKind.InvalidArgument,
                    $"'{name}' is not a valid table name: use 3 to 63 letters and digits, starting with a letter (for example {DefaultTableName}).")
                { Target = name };
            return name;
        }
    }
}
