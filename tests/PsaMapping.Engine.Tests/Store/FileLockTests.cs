using PsaMapping.Engine.Store;

namespace PsaMapping.Engine.Tests.Store
{
    /// <summary>The store's cross-process lock: exclusive, and fair enough that a busy store never times a waiter out.</summary>
    public sealed class FileLockTests : IDisposable
    {
        private readonly string _folder = Path.Combine(Path.GetTempPath(), "psamapping-lock-" + Guid.NewGuid().ToString("N"));

        public FileLockTests() => Directory.CreateDirectory(_folder);

        public void Dispose() => Directory.Delete(_folder, recursive: true);

        [Fact]
        public void Waiters_never_give_up_while_the_lock_keeps_changing_hands_and_never_hold_it_together()
        {
            // Six holders each taking the lock 30 times, holding it a moment each time: the lock is busy for several
            // timeouts in all, but no holder keeps it for a whole one. A polling waiter lost the race to whoever had just
            // let go and timed out; a waiter blocked in the operating system is woken at each release and sees the lock move.
            string path = Path.Combine(_folder, ".mappings.lock");
            var timeout = TimeSpan.FromSeconds(1);
            int inside = 0, most = 0, turns = 0;
            var failures = new System.Collections.Concurrent.ConcurrentBag<Exception>();
            var holders = Enumerable.Range(0, 6).Select(_ => new Thread(() =>
            {
                try
                {
                    for (int turn = 0; turn < 30; turn++)
                        using (FileLock.Acquire(path, timeout))
                        {
                            InterlockedMax(ref most, Interlocked.Increment(ref inside));
                            Thread.Sleep(15); // the work done under the lock
                            Interlocked.Decrement(ref inside);
                            Interlocked.Increment(ref turns);
                        }
                }
                catch (Exception ex)
                {
                    failures.Add(ex);
                }
            })).ToList();
            holders.ForEach(h => h.Start());
            holders.ForEach(h => h.Join());

            Assert.Empty(failures);
            Assert.Equal(1, most);
            Assert.Equal(180, turns);
        }

        [Fact]
        public void A_waiter_gives_up_with_StoreLocked_when_one_holder_keeps_the_lock_for_the_whole_timeout()
        {
            string path = Path.Combine(_folder, ".mappings.lock");
            using (FileLock.Acquire(path, TimeSpan.FromSeconds(1)))
            {
                var held = Assert.Throws<PsaMappingException>(() => RunElsewhere(() => FileLock.Acquire(path, TimeSpan.FromMilliseconds(200)).Dispose()));
                Assert.Equal("StoreLocked", held.ErrorId);
            }
            // Given up on, the waiter took nothing with it: the lock is free again.
            FileLock.Acquire(path, TimeSpan.FromSeconds(5)).Dispose();
        }

        [Fact]
        public void A_cancelled_waiter_stops_at_once_and_leaves_the_lock_free()
        {
            string path = Path.Combine(_folder, ".mappings.lock");
            using var stop = new CancellationTokenSource();
            using (FileLock.Acquire(path, TimeSpan.FromSeconds(1)))
            {
                stop.Cancel();
                Assert.ThrowsAny<OperationCanceledException>(() => RunElsewhere(() => FileLock.Acquire(path, TimeSpan.FromMinutes(5), stop.Token).Dispose()));
            }
            FileLock.Acquire(path, TimeSpan.FromSeconds(5)).Dispose();
        }

        private static void RunElsewhere(Action action)
        {
            Exception? error = null;
            var thread = new Thread(() =>
            {
                try
                {
                    action();
                }
                catch (Exception ex)
                {
                    error = ex;
                }
            });
            thread.Start();
            thread.Join();
            if (error != null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(error).Throw();
        }

        private static void InterlockedMax(ref int target, int value)
        {
            int seen;
            while (value > (seen = Volatile.Read(ref target)) && Interlocked.CompareExchange(ref target, value, seen) != seen)
            {
            }
        }
    }
}
