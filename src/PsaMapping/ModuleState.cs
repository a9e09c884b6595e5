using System.Management.Automation.Runspaces;
using System.Runtime.CompilerServices;
using PsaMapping.Engine.Autotask;
using PsaMapping.Engine.Mapping;
using PsaMapping.Engine.Sophos;

namespace PsaMapping
{
    /// <summary>
    /// What the module keeps for one PowerShell session (runspace): its connections and their caches.
    /// Keyed by runspace so that two sessions in one process (jobs, hosted tests) never share a connection.
    /// </summary>
    internal sealed class ModuleState
    {
        private static readonly ConditionalWeakTable<Runspace, ModuleState> ByRunspace = new ConditionalWeakTable<Runspace, ModuleState>();
        private static readonly ModuleState NoRunspace = new ModuleState();

        public SophosCentralClient? Sophos { get; set; }

        public AutotaskDirectory? Autotask { get; set; }

        /// <summary>The store this session chose (Connect-PsaMappingStore); null: the folder store.</summary>
        public IMappingStore? Store { get; set; }

        public static ModuleState Current
        {
            get
            {
                Runspace? runspace = Runspace.DefaultRunspace;
                return runspace == null ? NoRunspace : ByRunspace.GetValue(runspace, _ => new ModuleState());
            }
        }
    }
}
