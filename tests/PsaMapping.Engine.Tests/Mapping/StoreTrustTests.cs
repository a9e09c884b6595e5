using System.Diagnostics;
using PsaMapping.Engine.Mapping;
using PsaMapping.Engine.Store;

namespace PsaMapping.Engine.Tests
{
    /// <summary>
    /// The folder store does not trust what it finds (links, folders where files belong, a folder others can
    /// write), and turns what the operating system refuses into store errors with nothing half saved.
    /// </summary>
    public sealed class StoreTrustTests : IDisposable
    {
        private readonly string _parent = Path.Combine(Path.GetTempPath(), "psamapping-trust-" + Guid.NewGuid().ToString("N"));
        private readonly string _folder;
        private readonly List<string> _immutable = new();

        public StoreTrustTests()
        {
            _folder = Path.Combine(_parent, "store");
        }

        public void Dispose()
        {
            foreach (string path in _immutable) Run("chattr", "-i", path);
            if (Directory.Exists(_parent))
            {
                foreach (string path in Directory.EnumerateFileSystemEntries(_parent, "*", SearchOption.AllDirectories)) UnixPermissions.Set(path, 0x1C0);
                Directory.Delete(_parent, recursive: true);
            }
        }

        private FolderMappingStore Store() => new(_folder);

        private static CustomerMapping Map(int n, bool sync = true) =>
            new(new Guid($"00000000-0000-0000-0000-{n:D12}"), $"Customer {n}", 1000 + n, $"Company {n}", 500 + n, $"Contract {n}", sync);

        private static MappingEdit[] Upsert(params CustomerMapping[] mappings) => mappings.Select(MappingEdit.Upsert).ToArray();

        private static PsaMappingException Refused(Action action) => Assert.Throws<PsaMappingException>(action);

        [Theory]
        [InlineData(FolderMappingStore.FileName)]
        [InlineData(FolderMappingStore.BackupFileName)]
        [InlineData(FolderMappingStore.AuditFileName)]
        public void A_store_file_that_is_a_link_is_refused_and_its_target_left_alone(string name)
        {
            var store = Store();
            store.Save(Upsert(Map(1)), "a");
            store.Save(Upsert(Map(2)), "a"); // so the backup exists too
            string target = Path.Combine(_parent, "elsewhere.txt");
            File.WriteAllText(target, "someone else's file");
            string path = Path.Combine(_folder, name);
            File.Move(path, path + ".moved");
            File.CreateSymbolicLink(path, target);

            var error = Refused(() => store.Save(Upsert(Map(3)), "a"));

            Assert.Equal("MappingStoreLinkRefused", error.ErrorId);
            Assert.Equal(PsaErrorKind.Forbidden, error.Kind);
            Assert.Equal(path, error.Target);
            Assert.Contains("Replace the link", error.Message);
            Assert.Equal("someone else's file", File.ReadAllText(target));
            File.Delete(path);
            File.Move(path + ".moved", path);
            Assert.Equal(2, store.Load().Mappings.Count); // nothing was saved
        }

        [Fact]
        public void A_symlinked_audit_log_is_refused_when_reading_the_history_too()
        {
            Directory.CreateDirectory(_folder);
            string target = Path.Combine(_parent, "elsewhere.jsonl");
            File.WriteAllText(target, "");
            File.CreateSymbolicLink(Path.Combine(_folder, FolderMappingStore.AuditFileName), target);

            Assert.Equal("MappingStoreLinkRefused", Refused(() => Store().ReadHistory()).ErrorId);
        }

        [Fact]
        public void The_saved_credentials_file_as_a_link_is_refused()
        {
            Directory.CreateDirectory(_folder);
            string target = Path.Combine(_parent, "credentials-elsewhere.json");
            File.WriteAllText(target, "{}");
            File.CreateSymbolicLink(Path.Combine(_folder, CredentialStore.FileName), target);

            Assert.Equal("MappingStoreLinkRefused", Refused(() => new CredentialStore(_folder).LoadSophos()).ErrorId);
        }

        [Fact]
        public void A_mapping_file_that_is_a_folder_is_an_error_on_load_and_on_save_not_an_empty_store()
        {
            Directory.CreateDirectory(Path.Combine(_folder, FolderMappingStore.FileName));
            var store = Store();

            var onLoad = Refused(() => store.Load());
            var onSave = Refused(() => store.Save(Upsert(Map(1)), "a"));

            Assert.Equal("MappingFileUnreadable", onLoad.ErrorId);
            Assert.Contains("is a folder", onLoad.Message);
            Assert.Equal("MappingFileUnreadable", onSave.ErrorId);
            Assert.False(File.Exists(store.AuditPath));
        }

        [Fact]
        public void An_audit_log_that_is_a_folder_fails_the_save_before_the_mappings_are_saved()
        {
            var store = Store();
            store.Save(Upsert(Map(1)), "a");
            File.Delete(store.AuditPath);
            Directory.CreateDirectory(store.AuditPath);
            byte[] before = File.ReadAllBytes(store.FilePath);

            var error = Refused(() => store.Save(Upsert(Map(2)), "a"));

            Assert.Equal("MappingStoreFileInvalid", error.ErrorId);
            Assert.Equal(store.AuditPath, error.Target);
            Assert.Equal(before, File.ReadAllBytes(store.FilePath)); // no half-done save: the mapping is not saved without its entry
        }

        [Fact]
        public void A_read_only_store_folder_is_an_access_error_naming_the_folder_and_nothing_changes()
        {
            if (!UnixPermissions.IsUnix) return;
            var store = Store();
            store.Save(Upsert(Map(1)), "a");
            byte[] before = File.ReadAllBytes(store.FilePath);
            File.Delete(Path.Combine(_folder, ".mappings.lock")); // as after a reboot: the lock file has to be created again
            MakeReadOnly(_folder);

            var error = Refused(() => store.Save(Upsert(Map(2)), "a"));

            Assert.Equal("MappingStoreAccessDenied", error.ErrorId);
            Assert.Equal(PsaErrorKind.Forbidden, error.Kind);
            Assert.Equal(_folder, error.Target);
            Assert.Contains(_folder, error.Message);
            Assert.DoesNotContain(".tmp", error.Message);
            Assert.Equal(before, File.ReadAllBytes(store.FilePath));
            Assert.Single(store.Load().Mappings);
        }

        [Fact]
        public void A_read_only_mapping_file_does_not_make_later_saves_fail_on_its_backup()
        {
            if (!UnixPermissions.IsUnix) return;
            var store = Store();
            store.Save(Upsert(Map(1)), "a");
            UnixPermissions.Set(store.FilePath, 0x100); // chmod 400

            store.Save(Upsert(Map(2)), "a");
            store.Save(Upsert(Map(3)), "a");
            store.Save(Upsert(Map(4)), "a");

            Assert.Equal(4, store.Load().Mappings.Count);
            Assert.Equal(0x180, UnixPermissions.Get(store.FilePath));
            Assert.Equal(0x180, UnixPermissions.Get(store.BackupPath));
        }

        [Fact]
        public void A_store_folder_others_can_use_is_made_private_when_saving_mappings_or_credentials()
        {
            if (!UnixPermissions.IsUnix) return;
            Directory.CreateDirectory(_folder);
            UnixPermissions.Set(_folder, 0x1FF); // 0777
            Store().Save(Upsert(Map(1)), "a");
            Assert.Equal(0x1C0, UnixPermissions.Get(_folder));

            UnixPermissions.Set(_folder, 0x1FF);
            new CredentialStore(_folder).Save(new SavedSophosCredential(new ClientCredential("client", Secure("secret")), new Uri("https://id.sophos.com"), new Uri("https://api.central.sophos.com")));
            Assert.Equal(0x1C0, UnixPermissions.Get(_folder));

            UnixPermissions.Set(_folder, 0x1FF);
            Store().Load();
            Assert.Equal(0x1C0, UnixPermissions.Get(_folder));
        }

        [Fact]
        public void A_shared_store_folder_like_tmp_is_refused_and_never_changed()
        {
            if (!UnixPermissions.IsUnix) return;
            Directory.CreateDirectory(_folder);
            UnixPermissions.Set(_folder, 0x3FF); // 1777, as /tmp

            var error = Refused(() => Store().Save(Upsert(Map(1)), "a"));

            Assert.Equal("MappingStoreFolderInsecure", error.ErrorId);
            Assert.Contains("chmod 700", error.Message);
            Assert.Equal(0x3FF, UnixPermissions.Get(_folder));
            Assert.False(File.Exists(Path.Combine(_folder, FolderMappingStore.FileName)));
        }

        private static System.Security.SecureString Secure(string text)
        {
            var secure = new System.Security.SecureString();
            foreach (char c in text) secure.AppendChar(c);
            return secure;
        }

        /// <summary>chmod 500; as root (who ignores modes) the immutable attribute does the same.</summary>
        private void MakeReadOnly(string folder)
        {
            if (Environment.UserName != "root")
            {
                UnixPermissions.Set(folder, 0x140);
                return;
            }
            Assert.True(Run("chattr", "+i", folder), "running as root, the test needs chattr to make a folder read-only");
            _immutable.Add(folder);
        }

        private static bool Run(string file, params string[] arguments)
        {
            try
            {
                var start = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true };
                foreach (string argument in arguments) start.ArgumentList.Add(argument);
                using Process process = Process.Start(start)!;
                process.WaitForExit();
                return process.ExitCode == 0;
            }
            catch (System.ComponentModel.Win32Exception)
            {
                return false;
            }
        }
    }
}
