using PsaMapping.Engine.Store;

namespace PsaMapping.Engine.Tests
{
    /// <summary>
    /// Inputs found by fuzzing (fuzz/PsaMapping.Fuzz, see fuzz/README.md) that let an exception other than
    /// PsaMappingException escape a parser. The contract: any input either loads or throws PsaMappingException.
    /// </summary>
    public sealed class FuzzRegressionTests : IDisposable
    {
        private readonly string _folder = Path.Combine(Path.GetTempPath(), "psamapping-tests-" + Guid.NewGuid().ToString("N"), "store");

        public void Dispose()
        {
            string parent = Path.GetDirectoryName(_folder)!;
            if (Directory.Exists(parent)) Directory.Delete(parent, recursive: true);
        }

        private const string Sophos = "\"sophos\": {\"clientId\": \"abc\", \"secret\": \"plain:x\", \"authUri\": \"https://a.example.test/\", \"apiUri\": \"https://b.example.test/\"}";
        private const string Autotask = "\"autotask\": {\"userName\": \"api@example.test\", \"secret\": \"plain:pw\", \"integrationCode\": \"plain:code\", \"zoneUri\": null, \"apiUri\": null}";

        public static TheoryData<string, string> CredentialFindings => new()
        {
            // FormatException: (int?) of a text schemaVersion.
            { "schemaVersion is text", "{\"schemaVersion\": \"when\", " + Sophos + ", " + Autotask + "}" },
            // OverflowException: (int?) of a number beyond Int32.
            { "schemaVersion overflows", "{\"schemaVersion\": 11e999, " + Sophos + "}" },
            // OverflowException: an integer beyond Int32.
            { "schemaVersion is a huge integer", "{\"schemaVersion\": 99999999999999999999, " + Sophos + "}" },
            // ArgumentException "Can not convert Object to Int32.": schemaVersion is an object.
            { "schemaVersion is an object", "{\"schemaVersion\": {\"a\": 1}, " + Sophos + ", " + Autotask + "}" },
            // ArgumentException "Can not convert Array to String.": an address is a list.
            { "authUri is a list", "{\"schemaVersion\": 1, \"sophos\": {\"clientId\": \"abc\", \"secret\": \"plain:x\", \"authUri\": [], \"apiUri\": \"https://b.example.test/\"}}" },
            // ArgumentException "Can not convert Object to String.": a secret is an object.
            { "secret is an object", "{\"schemaVersion\": 1, \"autotask\": {\"userName\": \"api@example.test\", \"secret\": {}, \"integrationCode\": \"plain:code\"}}" },
            // ArgumentException from ClientCredential: a client id that is only white space.
            { "clientId is white space", "{\"schemaVersion\": 1, \"sophos\": {\"clientId\": \"\\n\", \"secret\": \"plain:x\", \"authUri\": \"https://a.example.test/\", \"apiUri\": \"https://b.example.test/\"}}" },
            // ArgumentException from AutotaskCredential: an empty integration code.
            { "integrationCode is empty", "{\"schemaVersion\": 1, \"autotask\": {\"userName\": \"api@example.test\", \"secret\": \"plain:pw\", \"integrationCode\": \"plain:\", \"zoneUri\": null, \"apiUri\": null}}" },
        };

        [Theory]
        [MemberData(nameof(CredentialFindings))]
        public void Credentials_file_found_by_fuzzing_gives_a_PsaMappingException(string finding, string content)
        {
            Assert.NotEmpty(finding);
            Directory.CreateDirectory(_folder);
            var store = new CredentialStore(_folder);
            File.WriteAllText(store.FilePath, content);
            if (UnixPermissions.IsUnix) UnixPermissions.Set(store.FilePath, UnixPermissions.OwnerReadWrite);

            // Each finding breaks at least one of the two loads; neither may throw anything but PsaMappingException.
            Exception? sophos = Record.Exception(() => store.LoadSophos());
            Exception? autotask = Record.Exception(() => store.LoadAutotask());

            Assert.True(sophos != null || autotask != null, "the damaged file loaded without an error");
            if (sophos != null) Assert.IsType<PsaMappingException>(sophos);
            if (autotask != null) Assert.IsType<PsaMappingException>(autotask);
            Assert.Equal(content, File.ReadAllText(store.FilePath));
        }
    }
}
