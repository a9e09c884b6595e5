using System;
using System.IO;
using System.Runtime.InteropServices;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Win32.SafeHandles;

namespace PsaMapping.Engine.Store
{
    /// <summary>
    /// A lock shared by every process on the machine, on a lock file next to the data. The operating system releases
    /// it when the holder exits, even by a crash.
    /// <para>
    /// A waiter blocks in the operating system until the lock is free (flock on Linux and macOS, LockFileEx on
    /// Windows), so it is woken the moment the holder lets go instead of polling and sleeping while others take the
    /// lock in between. Each holder counts its turn in the file, and a waiter gives up only when the same holder has
    /// held the lock for the whole timeout: while the lock keeps changing hands, the work is moving and it waits on.
    /// Other systems fall back to trying again with a short sleep.
    /// </para>
    /// </summary>
    public sealed class FileLock : IDisposable
    {
        private readonly LockFile _file;

        private FileLock(LockFile file) => _file = file;

        /// <exception cref="PsaMappingException">StoreLocked when one holder keeps the lock for longer than <paramref name="timeout"/>.</exception>
        public static FileLock Acquire(string lockPath, TimeSpan timeout, CancellationToken cancellationToken = default)
        {
            LockFile? file = LockFile.Open(lockPath);
            if (file == null) return new FileLock(PollingLock(lockPath, timeout, cancellationToken));

            var waiter = new Waiter(file);
            long turn = file.Turns();
            DateTime deadline = DateTime.UtcNow + timeout;
            try
            {
                while (true)
                {
                    double left = (deadline - DateTime.UtcNow).TotalMilliseconds;
                    // WhenAny: finished either way, the lock taken or the call failed (GetResult below throws its error).
                    if (Task.WhenAny(waiter.Task).Wait((int)Math.Min(int.MaxValue, Math.Max(0, left)), cancellationToken))
                    {
                        waiter.Task.GetAwaiter().GetResult(); // an error of the operating system's lock call
                        file.TakeTurn();
                        return new FileLock(file);
                    }

                    long now = file.Turns();
                    if (now == turn) throw Held(lockPath, timeout, null);
                    turn = now; // someone else had a turn: the lock is moving, wait another full timeout
                    deadline = DateTime.UtcNow + timeout;
                }
            }
            catch
            {
                waiter.Abandon();
                throw;
            }
        }

        public void Dispose() => _file.Dispose();

        private static PsaMappingException Held(string lockPath, TimeSpan timeout, Exception? inner) =>
            new PsaMappingException(ErrorIds.StoreLocked, PsaErrorKind.Unavailable,
                $"Another PsaMapping command has held '{lockPath}' for over {timeout.TotalSeconds:0} seconds. Wait for it to finish, then run the command again.", inner)
            { Target = lockPath };

        /// <summary>Where the operating system's blocking lock is not used: an exclusively opened file, tried again until the deadline.</summary>
        private static ExclusiveFile PollingLock(string lockPath, TimeSpan timeout, CancellationToken cancellationToken)
        {
            DateTime deadline = DateTime.UtcNow + timeout;
            int wait = 5;
            while (true)
            {
                try
                {
                    return new ExclusiveFile(new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None));
                }
                catch (IOException) when (DateTime.UtcNow < deadline)
                {
                    if (cancellationToken.WaitHandle.WaitOne(wait)) cancellationToken.ThrowIfCancellationRequested();
                    wait = Math.Min(wait * 2, 100);
                }
                catch (IOException ex)
                {
                    throw Held(lockPath, timeout, ex);
                }
            }
        }

        /// <summary>
        /// The blocking lock call, on a thread of its own so that the caller can stop waiting (timeout, Ctrl+C). A waiter
        /// given up on still gets the lock in the end, and then lets it go at once.
        /// </summary>
        private sealed class Waiter
        {
            private readonly object _gate = new object();
            private readonly LockFile _file;
            private bool _abandoned;
            private bool _done;

            public Waiter(LockFile file)
            {
                _file = file;
                Task = Task.Factory.StartNew(Run, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
            }

            public Task Task { get; }

            public void Abandon()
            {
                lock (_gate)
                {
                    _abandoned = true;
                    if (_done) _file.Dispose();
                }
            }

            private void Run()
            {
                try
                {
                    _file.Lock();
                }
                finally
                {
                    lock (_gate)
                    {
                        _done = true;
                        if (_abandoned) _file.Dispose();
                    }
                }
            }
        }

        /// <summary>An open lock file: the lock itself, and the count of turns taken, which waiters read to see the lock move.</summary>
        private abstract class LockFile : IDisposable
        {
            /// <summary>The platform's blocking lock on <paramref name="path"/>; null where there is none (the polling fallback).</summary>
            public static LockFile? Open(string path)
            {
                if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows)) return WindowsLockFile.Create(path);
                // 64-bit only: the libc signatures below take off_t as 64 bits.
                if ((RuntimeInformation.IsOSPlatform(OSPlatform.Linux) || RuntimeInformation.IsOSPlatform(OSPlatform.OSX)) && Environment.Is64BitProcess)
                    return UnixLockFile.Create(path);
                return null;
            }

            /// <summary>Blocks until this process holds the lock.</summary>
            public abstract void Lock();

            public abstract long Turns();

            public void TakeTurn() => WriteTurns(unchecked(Turns() + 1));

            protected abstract void WriteTurns(long turns);

            public abstract void Dispose();
        }

        /// <summary>The fallback: holding the file open exclusively is the lock; no turns are counted.</summary>
        private sealed class ExclusiveFile : LockFile
        {
            private readonly FileStream _stream;

            public ExclusiveFile(FileStream stream) => _stream = stream;

            public override void Lock()
            {
            }

            public override long Turns() => 0;

            protected override void WriteTurns(long turns)
            {
            }

            public override void Dispose() => _stream.Dispose();
        }

        /// <summary>
        /// flock(2) on a descriptor opened by libc itself: .NET's own FileStream takes a non-blocking flock of its own
        /// on open, which would fail while the lock is held. flock is compatible with what earlier versions took (a
        /// FileStream opened with FileShare.None), so old and new processes still exclude each other.
        /// </summary>
        private sealed class UnixLockFile : LockFile
        {
            private const int ReadWrite = 2;
            private const int LockExclusive = 2;
            private const int Interrupted = 4;
            private static readonly int CloseOnExec = RuntimeInformation.IsOSPlatform(OSPlatform.OSX) ? 0x1000000 : 0x80000;

            private readonly object _gate = new object();
            private int _fd;

            private UnixLockFile(int fd) => _fd = fd;

            public static UnixLockFile Create(string path)
            {
                if (!File.Exists(path))
                {
                    try
                    {
                        using (new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite)) { }
                        UnixPermissions.Set(path, UnixPermissions.OwnerReadWrite);
                    }
                    catch (IOException)
                    {
                        // Created and locked by another process at the same moment: it exists now.
                    }
                }
                // Close-on-exec: a child process the holder starts must not inherit (and keep) the lock.
                int fd = open(path, ReadWrite | CloseOnExec);
                if (fd < 0) throw Failed("open", path);
                return new UnixLockFile(fd);
            }

            public override void Lock()
            {
                while (flock(_fd, LockExclusive) != 0)
                    if (Marshal.GetLastWin32Error() != Interrupted) throw Failed("flock", null);
            }

            public override long Turns()
            {
                var bytes = new byte[8];
                return pread(_fd, bytes, (IntPtr)bytes.Length, 0) == (IntPtr)bytes.Length ? BitConverter.ToInt64(bytes, 0) : 0;
            }

            protected override void WriteTurns(long turns)
            {
                byte[] bytes = BitConverter.GetBytes(turns);
                _ = pwrite(_fd, bytes, (IntPtr)bytes.Length, 0); // only a hint for waiters: a failed write costs nothing
            }

            public override void Dispose()
            {
                lock (_gate)
                {
                    if (_fd < 0) return;
                    // Closing releases the lock; it fails only for a descriptor that is not open, and then nothing is held.
                    _ = close(_fd);
                    _fd = -1;
                }
            }

            private static IOException Failed(string call, string? path) =>
                new IOException($"{call} failed (errno {Marshal.GetLastWin32Error()})" + (path == null ? "" : $" on '{path}'"));

            [DllImport("libc", SetLastError = true, BestFitMapping = false, ThrowOnUnmappableChar = true)]
            private static extern int open([MarshalAs(UnmanagedType.LPStr)] string path, int flags);

            [DllImport("libc", SetLastError = true)]
            private static extern int flock(int fd, int operation);

            [DllImport("libc", SetLastError = true)]
            private static extern IntPtr pread(int fd, byte[] buffer, IntPtr count, long offset);

            [DllImport("libc", SetLastError = true)]
            private static extern IntPtr pwrite(int fd, byte[] buffer, IntPtr count, long offset);

            [DllImport("libc", SetLastError = true)]
            private static extern int close(int fd);
        }

        /// <summary>
        /// LockFileEx on one byte far past the turn count, so that waiters can still read the count. A file opened
        /// exclusively by an earlier version (FileShare.None) is waited for as before.
        /// </summary>
        private sealed class WindowsLockFile : LockFile
        {
            private const uint Exclusive = 2; // LOCKFILE_EXCLUSIVE_LOCK, without LOCKFILE_FAIL_IMMEDIATELY: it blocks
            private const int LockedByteOffsetHigh = 1; // the byte at 4 GiB: past anything ever written

            private readonly FileStream _stream;
            private readonly object _gate = new object();
            private bool _locked;
            private bool _disposed;

            private WindowsLockFile(FileStream stream) => _stream = stream;

            public static WindowsLockFile? Create(string path)
            {
                try
                {
                    return new WindowsLockFile(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.None));
                }
                catch (IOException)
                {
                    return null; // held open exclusively by an earlier version: the polling fallback waits for it
                }
            }

            public override void Lock()
            {
                var overlapped = new NativeOverlapped { OffsetHigh = LockedByteOffsetHigh };
                if (!LockFileEx(_stream.SafeFileHandle, Exclusive, 0, 1, 0, ref overlapped))
                    throw new IOException($"LockFileEx failed (error {Marshal.GetLastWin32Error()})");
                _locked = true;
            }

            public override long Turns()
            {
                var bytes = new byte[8];
                lock (_gate)
                {
                    if (_disposed) return 0;
                    _stream.Seek(0, SeekOrigin.Begin);
                    return _stream.Read(bytes, 0, 8) == 8 ? BitConverter.ToInt64(bytes, 0) : 0;
                }
            }

            protected override void WriteTurns(long turns)
            {
                lock (_gate)
                {
                    _stream.Seek(0, SeekOrigin.Begin);
                    _stream.Write(BitConverter.GetBytes(turns), 0, 8);
                    _stream.Flush();
                }
            }

            public override void Dispose()
            {
                lock (_gate)
                {
                    if (_disposed) return;
                    _disposed = true;
                    if (_locked)
                    {
                        var overlapped = new NativeOverlapped { OffsetHigh = LockedByteOffsetHigh };
                        _ = UnlockFileEx(_stream.SafeFileHandle, 0, 1, 0, ref overlapped); // closing the file releases it too
                    }
                    _stream.Dispose();
                }
            }

            [DllImport("kernel32.dll", SetLastError = true)]
            private static extern bool LockFileEx(SafeFileHandle file, uint flags, uint reserved, uint bytesLow, uint bytesHigh, ref NativeOverlapped overlapped);

            [DllImport("kernel32.dll", SetLastError = true)]
            private static extern bool UnlockFileEx(SafeFileHandle file, uint reserved, uint bytesLow, uint bytesHigh, ref NativeOverlapped overlapped);
        }
    }
}
