namespace PsaMapping.Engine
{
    /// <summary>
    /// How long-running engine work tells the caller what it is doing. Calls come from any thread; the
    /// cmdlets forward them to the pipeline thread, where PowerShell allows writing.
    /// </summary>
    public interface IOperationObserver
    {
        void Verbose(string message);

        void Progress(OperationProgress progress);
    }

    public sealed class OperationProgress
    {
        public OperationProgress(string activity, string status, int completed, int total)
        {
            Activity = activity;
            Status = status;
            Completed = completed;
            Total = total;
        }

        public string Activity { get; }
        public string Status { get; }
        public int Completed { get; }
        public int Total { get; }
        public int PercentComplete => Total <= 0 ? 0 : (int)(100L * Completed / Total);
    }

    /// <summary>An observer that ignores everything, for callers that do not report.</summary>
    public sealed class NullObserver : IOperationObserver
    {
        public static readonly NullObserver Instance = new NullObserver();
        public void Verbose(string message) { }
        public void Progress(OperationProgress progress) { }
    }
}
