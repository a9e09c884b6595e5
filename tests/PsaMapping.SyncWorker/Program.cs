using System.Security;
using PsaMapping.Engine;
using PsaMapping.Engine.Autotask;
using PsaMapping.Engine.Mapping;
using PsaMapping.Engine.Sophos;
using PsaMapping.Engine.Sync;

// A separate process that runs one usage sync (what Sync-PsaUsage runs, without asking), so that a test can kill
// it at any moment:
//   STORE SOPHOS_URI AUTOTASK_API_URI LOCK_SECONDS   (credentials in PSAMAPPING_WORKER_* environment variables)
// Prints "done" with the count of adjusted lines, or the error id of a refusal (SyncLocked, ...).
if (args.Length != 4) return Usage();
var env = Environment.GetEnvironmentVariables();
string Env(string name) => (string?)env["PSAMAPPING_WORKER_" + name] ?? throw new ArgumentException("Set PSAMAPPING_WORKER_" + name);

var sophos = new SophosCentralClient(new ClientCredential(Env("SOPHOS_ID"), Secure(Env("SOPHOS_SECRET"))), new Uri(args[1]), new Uri(args[1]));
var autotask = new AutotaskClient(new AutotaskCredential(Env("AUTOTASK_USER"), Secure(Env("AUTOTASK_SECRET")), Secure(Env("AUTOTASK_CODE"))), apiUri: new Uri(args[2]));
try
{
    await sophos.ConnectAsync(CancellationToken.None);
    await autotask.ConnectAsync(CancellationToken.None);
    var store = new FolderMappingStore(args[0]);
    MappingSnapshot saved = await store.LoadAsync();
    var subjects = saved.Mappings.Where(m => m.SyncEnabled).Select(m => new SyncSubject(m.SophosCustomerId, m.SophosCustomerName, m, Named: false)).ToList();
    (int year, int month) = UsageSyncRequest.PreviousMonth(DateTimeOffset.UtcNow);
    var request = new UsageSyncRequest(year, month, UsageSyncRequest.DefaultEffectiveDate(year, month), subjects, addMissingService: true, whatIf: false);
    var sync = new UsageSync(sophos, new AutotaskDirectory(autotask), store, "sync-worker", lockDuration: TimeSpan.FromSeconds(double.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture)));
    UsageSyncResult result = await sync.RunAsync(request, null, CancellationToken.None);
    Console.WriteLine("done " + result.Lines.Count(l => l.Status == SyncLineStatus.Adjusted));
    return 0;
}
catch (PsaMappingException ex)
{
    Console.WriteLine(ex.ErrorId);
    return 2;
}

static SecureString Secure(string text)
{
    var secure = new SecureString();
    foreach (char c in text) secure.AppendChar(c);
    secure.MakeReadOnly();
    return secure;
}

static int Usage()
{
    Console.Error.WriteLine("PsaMapping.SyncWorker STORE SOPHOS_URI AUTOTASK_API_URI LOCK_SECONDS");
    return 1;
}
