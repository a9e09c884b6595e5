using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using PsaMapping.Engine;
using PsaMapping.Engine.Sophos;

namespace PsaMapping.Commands
{
    /// <summary>Get-SophosCustomer: the partner's customers (tenants), by name with wildcards, or by id.</summary>
    [Cmdlet(VerbsCommon.Get, "SophosCustomer", DefaultParameterSetName = ByName)]
    [OutputType(typeof(SophosCustomer))]
    public sealed class GetSophosCustomerCommand : PsaMappingCmdlet
    {
        public const string ByName = "ByName";
        public const string ById = "ById";

        private SophosCentralClient? _client;
        private int _singleLookups;

        [Parameter(ParameterSetName = ByName, Position = 0)]
        [SupportsWildcards]
        [ArgumentCompleter(typeof(SophosCustomerNameCompleter))]
        [ValidateNotNullOrEmpty]
        public string[]? Name { get; set; }

        [Parameter(ParameterSetName = ById, Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [Alias("SophosCustomerId")]
        public Guid[] Id { get; set; } = Array.Empty<Guid>();

        /// <summary>Fetch the list again instead of using the one cached in this session.</summary>
        [Parameter]
        public SwitchParameter Refresh { get; set; }

        protected override void BeginProcessing()
        {
            _client = RequireSophos();
            if (Refresh && ParameterSetName == ById)
                Run((observer, token) => _client.GetCustomersAsync(true, observer, token));
        }

        protected override void ProcessRecord()
        {
            SophosCentralClient client = _client!;
            if (ParameterSetName == ByName)
            {
                IReadOnlyList<SophosCustomer> all = Run((observer, token) => client.GetCustomersAsync(Refresh, observer, token));
                WriteByName(all);
                return;
            }

            foreach (Guid id in Id)
            {
                SophosCustomer? customer = RequestBudget.ListAllCustomersBefore(++_singleLookups)
                    ? Run((observer, token) => client.GetCustomersAsync(false, observer, token)).FirstOrDefault(c => c.SophosCustomerId == id)
                    : Run((observer, token) => client.GetCustomerAsync(id, token));

                if (customer != null)
                    WriteObject(customer);
                else
                    WriteItemError(new PsaMappingException(ErrorIds.SophosCustomerNotFound, PsaErrorKind.NotFound,
                        $"The partner has no Sophos Central customer with id {id}. Run Get-SophosCustomer to list the customers.")
                    { Target = id });
            }
        }

        protected override void EndProcessing()
        {
            WriteRequestSummary();
        }

        private void WriteByName(IReadOnlyList<SophosCustomer> all)
        {
            if (Name == null || Name.Length == 0)
            {
                WriteObject(all, enumerateCollection: true);
                return;
            }

            NameFilter filter = Guard(() => NameFilter.Create(Name, all.Select(c => c.SophosCustomerName)));
            foreach (SophosCustomer customer in all)
                if (filter.IsMatch(customer.SophosCustomerName))
                    WriteObject(customer);

            // As Get-Process does: a plain name that matched nothing is an error, a wildcard that matched nothing is not.
            foreach (var name in filter.Names.Where(n => !n.Matched && !n.IsPattern))
                WriteItemError(new PsaMappingException(ErrorIds.SophosCustomerNotFound, PsaErrorKind.NotFound,
                    $"No Sophos Central customer is named {UserText.Quoted(name.Name)}. Use wildcards (for example {UserText.QuotedPrefixPattern(name.Name)}) or run Get-SophosCustomer to list them all.")
                { Target = name.Name });
        }
    }
}
