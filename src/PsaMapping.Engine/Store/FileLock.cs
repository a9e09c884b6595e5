using System;
using System.IO;
using System.Threading;

namespace PsaMapping.Engine.Store
{
    /// <summary>
    /// A lock shared by every process on the machine: an exclusively opened lock file next to the data.
    /// The operating system releases it when the holder exits, even by a crash.
    /// </summary>
    public sealed class FileLock : IDisposable
    {
        private readonly FileStream _stream;

        private FileLock(FileStream stream) => _stream = stream;

        public static FileLock Acquire(string lockPath, TimeSpan timeout, CancellationToken cancellationToken = default)
        {
            DateTime deadline = DateTime.UtcNow + timeout;
            int wait = 5;
            while (true)
            {
                try
                {
                    return new FileLock(new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None));
                }
                catch (IOException) when (DateTime.UtcNow < deadline)
                {
                    if (cancellationToken.WaitHandle.WaitOne(wait)) cancellationToken.ThrowIfCancellationRequested();
                    wait = Math.Min(wait * 2, 100);
                }
                catch (IOException ex)
                {
                    throw new PsaMappingException("StoreLocked", PsaErrorKind.Unavailable,
                        $"Another PsaMapping command has held '{lockPath}' for over {timeout.TotalSeconds:0} seconds. Wait for it to finish, then run the command again.", ex)
                    { Target = lockPath };
                }
            }
        }

        public void Dispose() => _stream.Dispose();
    }
}
