using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using PsaMapping.Engine;
using PsaMapping.Engine.Autotask;
using PsaMapping.Engine.Http;
using PsaMapping.Engine.Mapping;
using PsaMapping.Engine.Sophos;
using PsaMapping.Engine.Store;
using SharpFuzz;

namespace PsaMapping.Fuzz
{
    /// <summary>
    /// The contract being fuzzed: any input either parses or throws PsaMappingException. Any other exception
    /// escaping a target is a finding.
    ///   PsaMapping.Fuzz &lt;target&gt;                          run under afl-fuzz (stdin / shared memory)
    ///   PsaMapping.Fuzz &lt;target&gt; --file &lt;path&gt;            run one input in-process, print what escapes
    ///   PsaMapping.Fuzz mutate &lt;target&gt; &lt;seeds&gt; &lt;iterations&gt; [seed] [out]
    ///                                                       deterministic in-process byte mutator (no AFL needed)
    /// </summary>
    public static class Program
    {
        private static readonly Dictionary<string, Action<byte[]>> Targets = new Dictionary<string, Action<byte[]>>(StringComparer.Ordinal)
        {
            ["sophos-tenants"] = SophosTenants,
            ["autotask-page"] = AutotaskPage,
            ["mapping-store"] = MappingStoreTarget,
            ["credentials"] = Credentials,
        };

        private static string? _folder;

        public static int Main(string[] args)
        {
            if (args.Length >= 1 && args[0] == "mutate") return Mutate(args.Skip(1).ToArray());
            if (args.Length < 1 || !Targets.TryGetValue(args[0], out Action<byte[]>? target))
            {
                Console.Error.WriteLine("usage: PsaMapping.Fuzz <" + string.Join("|", Targets.Keys) + "> [--file <path>]");
                Console.Error.WriteLine("       PsaMapping.Fuzz mutate <target> <seed-folder> <iterations> [random-seed] [crash-folder]");
                return 2;
            }

            if (args.Length >= 3 && args[1] == "--file")
            {
                try
                {
                    Guarded(target, File.ReadAllBytes(args[2]));
                    Console.WriteLine("ok");
                    return 0;
                }
                catch (Exception ex)
                {
                    Console.WriteLine(ex);
                    return 1;
                }
            }

            Fuzzer.OutOfProcess.Run(stream =>
            {
                using (var copy = new MemoryStream())
                {
                    stream.CopyTo(copy);
                    Guarded(target, copy.ToArray());
                }
            });
            return 0;
        }

        /// <summary>Runs a target; swallows only PsaMappingException, so anything else reaches the fuzzer as a crash.</summary>
        private static void Guarded(Action<byte[]> target, byte[] input)
        {
            try
            {
                target(input);
            }
            catch (PsaMappingException)
            {
            }
        }

        private static string Text(byte[] input) => new UTF8Encoding(false).GetString(input);

        private static void SophosTenants(byte[] input)
        {
            PageDto<TenantDto> page = JsonBody.Parse<PageDto<TenantDto>>(Text(input), ApiService.SophosCentral, "/partner/v1/tenants", 200);
            foreach (TenantDto tenant in page.Items) if (tenant != null) tenant.ToCustomer();
        }

        private static void AutotaskPage(byte[] input)
        {
            QueryPageDto page = JsonBody.Parse<QueryPageDto>(Text(input), ApiService.Autotask, "/V1.0/Companies/query", 200);
            GC.KeepAlive(page.Items.Count);
        }

        private static string Folder()
        {
            if (_folder == null)
            {
                _folder = Path.Combine(Path.GetTempPath(), "psamapping-fuzz-" + Environment.ProcessId);
                Directory.CreateDirectory(_folder);
                UnixPermissions.Set(_folder, UnixPermissions.OwnerOnlyFolder);
            }
            return _folder;
        }

        private static void MappingStoreTarget(byte[] input)
        {
            string folder = Folder();
            File.WriteAllBytes(Path.Combine(folder, FolderMappingStore.FileName), input);
            File.WriteAllBytes(Path.Combine(folder, FolderMappingStore.AuditFileName), input);
            File.WriteAllBytes(Path.Combine(folder, FolderMappingStore.SyncLogFileName), input);
            var store = new FolderMappingStore(folder);
            try
            {
                store.LoadAsync().GetAwaiter().GetResult();
            }
            catch (PsaMappingException)
            {
            }
            store.ReadHistoryAsync(HistoryQuery.All).GetAwaiter().GetResult();
            store.ReadProductHistoryAsync(HistoryQuery.All).GetAwaiter().GetResult();
            store.ReadSyncLogAsync(SyncLogQuery.All).GetAwaiter().GetResult();
        }

        private static void Credentials(byte[] input)
        {
            string folder = Folder();
            string path = Path.Combine(folder, CredentialStore.FileName);
            File.WriteAllBytes(path, input);
            UnixPermissions.Set(path, UnixPermissions.OwnerReadWrite);
            var store = new CredentialStore(folder);
            try
            {
                store.LoadSophos();
            }
            catch (PsaMappingException)
            {
            }
            store.LoadAutotask();
        }

        // ---- fallback: in-process deterministic mutator ------------------------------------------------

        private static readonly string[] Tokens =
        {
            "{", "}", "[", "]", ":", ",", "\"", "null", "true", "false", "0", "-1", "1e999", "99999999999999999999999",
            "1.5", "\"\"", "{}", "[]", "\"x\"", "\"items\"", "\"id\"", "\"schemaVersion\"", "\"sophos\"", "\"autotask\"",
            "\"secret\"", "\"plain:x\"", "\"mappings\"", "\"kind\"", "\"when\"", "\"revision\"", "\\u0000", "\uFEFF", "\n",
        };

        private static int Mutate(string[] args)
        {
            if (args.Length < 3 || !Targets.TryGetValue(args[0], out Action<byte[]>? target))
            {
                Console.Error.WriteLine("usage: PsaMapping.Fuzz mutate <target> <seed-folder> <iterations> [random-seed] [crash-folder]");
                return 2;
            }
            List<byte[]> corpus = Directory.GetFiles(args[1]).OrderBy(f => f, StringComparer.Ordinal).Select(File.ReadAllBytes).ToList();
            if (corpus.Count == 0) corpus.Add(Encoding.UTF8.GetBytes("{}"));
            long iterations = long.Parse(args[2], CultureInfo.InvariantCulture);
            var random = new Random(args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 12345);
            string? crashes = args.Length > 4 ? args[4] : null;
            if (crashes != null) Directory.CreateDirectory(crashes);

            var found = new Dictionary<string, int>(StringComparer.Ordinal);
            var started = DateTime.UtcNow;
            for (long i = 0; i < iterations; i++)
            {
                byte[] input = MutateOnce(corpus[random.Next(corpus.Count)], corpus, random);
                try
                {
                    Guarded(target, input);
                }
                catch (Exception ex)
                {
                    string frame = ex.StackTrace?.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.Contains("PsaMapping.Engine")) ?? "";
                    string key = ex.GetType().FullName + " @ " + frame;
                    if (!found.TryGetValue(key, out int n))
                    {
                        Console.WriteLine($"FINDING #{found.Count + 1} at iteration {i}: {key}");
                        Console.WriteLine("  message: " + ex.Message);
                        Console.WriteLine("  input:   " + Convert.ToBase64String(input));
                        Console.WriteLine("  text:    " + Encoding.UTF8.GetString(input).Replace("\n", "\\n"));
                        if (crashes != null) File.WriteAllBytes(Path.Combine(crashes, $"crash-{found.Count + 1}.bin"), input);
                    }
                    found[key] = n + 1;
                }
            }
            double seconds = (DateTime.UtcNow - started).TotalSeconds;
            Console.WriteLine($"{args[0]}: {iterations} executions in {seconds:F0}s ({iterations / Math.Max(seconds, 0.001):F0}/s), {found.Count} distinct finding(s)");
            foreach (var pair in found) Console.WriteLine($"  {pair.Value,8} x {pair.Key}");
            return found.Count == 0 ? 0 : 1;
        }

        private static byte[] MutateOnce(byte[] seed, List<byte[]> corpus, Random random)
        {
            var bytes = new List<byte>(seed);
            int rounds = 1 + random.Next(4);
            for (int r = 0; r < rounds; r++)
            {
                int at = bytes.Count == 0 ? 0 : random.Next(bytes.Count);
                switch (random.Next(7))
                {
                    case 0: if (bytes.Count > 0) bytes[at] = (byte)random.Next(256); break;
                    case 1: if (bytes.Count > 0) bytes[at] ^= (byte)(1 << random.Next(8)); break;
                    case 2: if (bytes.Count > 0) bytes.RemoveRange(at, Math.Min(bytes.Count - at, 1 + random.Next(8))); break;
                    case 3: bytes.InsertRange(at, Encoding.UTF8.GetBytes(Tokens[random.Next(Tokens.Length)])); break;
                    case 4:
                    {
                        // Replace a span with a token: often turns a value into another type.
                        int len = bytes.Count == 0 ? 0 : Math.Min(bytes.Count - at, 1 + random.Next(12));
                        bytes.RemoveRange(at, len);
                        bytes.InsertRange(at, Encoding.UTF8.GetBytes(Tokens[random.Next(Tokens.Length)]));
                        break;
                    }
                    case 5:
                    {
                        // Splice a piece of another seed.
                        byte[] other = corpus[random.Next(corpus.Count)];
                        if (other.Length == 0) break;
                        int from = random.Next(other.Length);
                        int len = Math.Min(other.Length - from, 1 + random.Next(40));
                        bytes.InsertRange(at, other.Skip(from).Take(len));
                        break;
                    }
                    default:
                        if (bytes.Count > 0) bytes.Insert(at, bytes[at]);
                        break;
                }
            }
            return bytes.ToArray();
        }
    }
}
