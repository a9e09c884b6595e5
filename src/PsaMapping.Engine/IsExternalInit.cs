namespace System.Runtime.CompilerServices
{
    /// <summary>
    /// Lets netstandard2.0 compile records and init-only properties (the type ships with .NET 5 and later);
    /// the compiler only needs it to exist.
    /// </summary>
    internal static class IsExternalInit
    {
    }
}
