using System;
using PsaMapping.Engine.Store.Tables;

namespace PsaMapping.Engine.Store
{
    /// <summary>
    /// The store a user saved with Connect-PsaMappingStore -Save, kept in the credentials file (the table's
    /// secret protected like the other saved credentials): an Azure table, or the folder (-Local -Save).
    /// </summary>
    public sealed class SavedStore
    {
        private SavedStore(TableStoreSettings? table) => Table = table;

        /// <summary>The folder on this machine, chosen explicitly.</summary>
        public static SavedStore Folder { get; } = new SavedStore(null);

        public static SavedStore ForTable(TableStoreSettings table) => new SavedStore(table ?? throw new ArgumentNullException(nameof(table)));

        /// <summary>Null for the folder.</summary>
        public TableStoreSettings? Table { get; }
    }
}
