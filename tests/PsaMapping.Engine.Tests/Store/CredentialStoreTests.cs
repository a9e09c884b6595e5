using PsaMapping.Engine.Store;

namespace PsaMapping.Engine.Tests
{
    public sealed class CredentialStoreTests : IDisposable
    {
        private readonly string _folder = Path.Combine(Path.GetTempPath(), "psamapping-tests-" + Guid.NewGuid().ToString("N"), "store");

        public void Dispose()
        {
            string parent = Path.GetDirectoryName(_folder)!;
            if (Directory.Exists(parent)) Directory.Delete(parent, recursive: true);
        }

        private static AutotaskCredential Autotask(string secret = "at-secret", string code = "CODE") =>
            new("api@example.test", SophosCentralClientTests.Secure(secret), SophosCentralClientTests.Secure(code));

        [Fact]
        public void Saved_credentials_load_back_for_both_services()
        {
            var store = new CredentialStore(_folder);
            store.Save(new SavedSophosCredential(new ClientCredential("client", SophosCentralClientTests.Secure("s3cret")), new Uri("https://id.example.test/"), new Uri("https://api.example.test/")));
            store.Save(new SavedAutotaskCredential(Autotask(), new Uri("https://zone.example.test/"), null));

            var sophos = new CredentialStore(_folder).LoadSophos()!;
            var autotask = new CredentialStore(_folder).LoadAutotask()!;

            Assert.Equal("client", sophos.Credential.Id);
            Assert.Equal("s3cret", sophos.Credential.RevealSecret());
            Assert.Equal(new Uri("https://api.example.test/"), sophos.ApiUri);
            Assert.Equal("api@example.test", autotask.Credential.UserName);
            Assert.Equal("at-secret", autotask.Credential.RevealSecret());
            Assert.Equal("CODE", autotask.Credential.RevealIntegrationCode());
            Assert.Equal(new Uri("https://zone.example.test/"), autotask.ZoneUri);
            Assert.Null(autotask.ApiUri);
        }

        [Fact]
        public void Nothing_saved_loads_as_nothing()
        {
            Assert.Null(new CredentialStore(_folder).LoadSophos());
            Assert.Null(new CredentialStore(_folder).LoadAutotask());
        }

        [Fact]
        public void On_Unix_the_file_is_0600_in_a_0700_folder()
        {
            if (!UnixPermissions.IsUnix) return;
            var store = new CredentialStore(_folder);
            store.Save(new SavedAutotaskCredential(Autotask(), null, new Uri("https://api.example.test/")));

            Assert.Equal(0x180, UnixPermissions.Get(store.FilePath));
            Assert.Equal(0x1C0, UnixPermissions.Get(_folder));
            Assert.Empty(Directory.GetFiles(_folder, "*.tmp"));
        }

        [Fact]
        public void A_file_others_can_read_is_refused_and_left_untouched()
        {
            if (!UnixPermissions.IsUnix) return;
            var store = new CredentialStore(_folder);
            store.Save(new SavedAutotaskCredential(Autotask(), null, new Uri("https://api.example.test/")));
            UnixPermissions.Set(store.FilePath, 0x1A4); // 0644
            string before = File.ReadAllText(store.FilePath);

            var error = Assert.Throws<PsaMappingException>(() => store.LoadAutotask());

            Assert.Equal("CredentialFileInsecure", error.ErrorId);
            Assert.Contains("chmod 600", error.Message);
            Assert.Throws<PsaMappingException>(() => store.Save(new SavedAutotaskCredential(Autotask("other"), null, new Uri("https://api.example.test/"))));
            Assert.Equal(before, File.ReadAllText(store.FilePath));
        }

        [Theory]
        [InlineData("{ not json", "not valid JSON")]
        [InlineData("{\"schemaVersion\": 99, \"sophos\": {}}", "newer PsaMapping")]
        public void A_file_it_cannot_understand_is_reported_and_never_overwritten(string content, string expected)
        {
            Directory.CreateDirectory(_folder);
            var store = new CredentialStore(_folder);
            File.WriteAllText(store.FilePath, content);
            if (UnixPermissions.IsUnix) UnixPermissions.Set(store.FilePath, 0x180);

            var load = Assert.Throws<PsaMappingException>(() => store.LoadSophos());
            var save = Assert.Throws<PsaMappingException>(() => store.Save(new SavedAutotaskCredential(Autotask(), null, new Uri("https://api.example.test/"))));

            Assert.Equal("CredentialFileUnreadable", load.ErrorId);
            Assert.Contains(expected, load.Message);
            Assert.Equal("CredentialFileUnreadable", save.ErrorId);
            Assert.Equal(content, File.ReadAllText(store.FilePath));
        }

        [Fact]
        public void A_damaged_address_in_the_file_is_reported_as_unreadable()
        {
            Directory.CreateDirectory(_folder);
            var store = new CredentialStore(_folder);
            File.WriteAllText(store.FilePath, "{\"schemaVersion\": 1, \"sophos\": {\"clientId\": \"c\", \"secret\": \"x\", \"authUri\": \"not an address\", \"apiUri\": \"https://api.example.test/\"}}");
            if (UnixPermissions.IsUnix) UnixPermissions.Set(store.FilePath, 0x180);

            var error = Assert.Throws<PsaMappingException>(() => store.LoadSophos());

            Assert.Equal("CredentialFileUnreadable", error.ErrorId);
            Assert.Contains("'authUri' ('not an address') is not an address", error.Message);
        }

        [Fact]
        public void Forgetting_one_service_keeps_the_other()
        {
            var store = new CredentialStore(_folder);
            store.Save(new SavedSophosCredential(new ClientCredential("client", SophosCentralClientTests.Secure("s")), new Uri("https://id.example.test/"), new Uri("https://api.example.test/")));
            store.Save(new SavedAutotaskCredential(Autotask(), null, new Uri("https://api.example.test/")));

            Assert.True(store.Forget(CredentialService.Autotask));
            Assert.False(store.Forget(CredentialService.Autotask));

            Assert.Null(store.LoadAutotask());
            Assert.NotNull(store.LoadSophos());
        }

        [Fact]
        public void Forgetting_the_saved_table_store_removes_its_secret_from_the_file_and_keeps_the_other_credentials()
        {
            const string key = "U2VjcmV0VGFibGVLZXlGb3JnZXRNZTEyMzQ1Njc4OTA=";
            var store = new CredentialStore(_folder);
            store.Save(new SavedAutotaskCredential(Autotask(), null, new Uri("https://api.example.test/")));
            store.Save(SavedStore.ForTable(PsaMapping.Engine.Store.Tables.TableStoreSettings.FromConnectionString(SophosCentralClientTests.Secure(
                $"DefaultEndpointsProtocol=https;AccountName=contoso;AccountKey={key};EndpointSuffix=core.windows.net"), "PsaMapping")));
            string savedSecret = (string)Newtonsoft.Json.Linq.JObject.Parse(File.ReadAllText(store.FilePath))["store"]!["secret"]!;

            Assert.True(store.Forget(CredentialService.MappingStore));
            Assert.False(store.Forget(CredentialService.MappingStore));

            string text = File.ReadAllText(store.FilePath);
            Assert.DoesNotContain(savedSecret, text);
            Assert.DoesNotContain(key, text);
            Assert.Null(store.LoadStore()); // the folder again
            Assert.NotNull(store.LoadAutotask());
        }

        [Fact]
        public void Concurrent_saves_from_many_threads_leave_a_readable_file()
        {
            var store = new CredentialStore(_folder);
            Parallel.For(0, 20, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i => new CredentialStore(_folder).Save(new SavedAutotaskCredential(Autotask("secret-" + i), null, new Uri("https://api.example.test/"))));

            string secret = store.LoadAutotask()!.Credential.RevealSecret();
            Assert.StartsWith("secret-", secret);
            Assert.Empty(Directory.GetFiles(_folder, "*.tmp"));
        }
    }
}
