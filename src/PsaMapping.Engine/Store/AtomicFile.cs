using System;
using System.IO;
using System.Text;

namespace PsaMapping.Engine.Store
{
    /// <summary>
    /// Replaces a file so that readers see either the old content or the new, never a mix, even if the
    /// process dies half way: write a temp file in the same folder, flush it to disk, then rename it over.
    /// </summary>
    public static class AtomicFile
    {
        /// <param name="unixMode">Permissions for the new file on Unix, set before any content is written.</param>
        /// <param name="backupPath">
        /// When given, the replaced file is kept there: File.Replace moves the old file to it (on Unix a hard link,
        /// then a rename), so an old backup that is read-only, or a link, is replaced rather than written through.
        /// </param>
        public static void WriteAllText(string path, string content, int? unixMode = null, string? backupPath = null)
        {
            string folder = Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".";
            string temp = Path.Combine(folder, "." + Path.GetFileName(path) + "." + Guid.NewGuid().ToString("N") + ".tmp");
            try
            {
                using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
                {
                    if (unixMode.HasValue) UnixPermissions.Set(temp, unixMode.Value);
                    byte[] bytes = new UTF8Encoding(false).GetBytes(content);
                    stream.Write(bytes, 0, bytes.Length);
                    stream.Flush(flushToDisk: true);
                }

                if (File.Exists(path))
                {
                    File.Replace(temp, path, backupPath);
                }
                else
                {
                    File.Move(temp, path);
                }
            }
            finally
            {
                if (File.Exists(temp)) File.Delete(temp);
            }
        }
    }
}
