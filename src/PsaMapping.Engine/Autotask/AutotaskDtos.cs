using System.Collections.Generic;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace PsaMapping.Engine.Autotask
{
    // Wire shapes of the Autotask REST API (see shared/reference/autotask.md).

    internal sealed class ZoneInformationDto
    {
        public string? ZoneName { get; set; }

        [JsonProperty(Required = Required.Always)]
        public string Url { get; set; } = "";

        public string? WebUrl { get; set; }
    }

    internal sealed class QueryPageDto
    {
        [JsonProperty(Required = Required.Always)]
        public List<AutotaskRecord> Items { get; set; } = new List<AutotaskRecord>();

        public PageDetailsDto? PageDetails { get; set; }
    }

    internal sealed class PageDetailsDto
    {
        public int? Count { get; set; }
        public int? RequestCount { get; set; }
        public string? PrevPageUrl { get; set; }
        public string? NextPageUrl { get; set; }
    }

    internal sealed class QueryCountDto
    {
        [JsonProperty(Required = Required.Always)]
        public long QueryCount { get; set; }
    }

    internal sealed class EntityFieldsDto
    {
        [JsonProperty(Required = Required.Always)]
        public List<FieldDto> Fields { get; set; } = new List<FieldDto>();
    }

    internal sealed class FieldDto
    {
        [JsonProperty(Required = Required.Always)]
        public string Name { get; set; } = "";

        public bool IsPickList { get; set; }

        public List<PicklistValueDto>? PicklistValues { get; set; }
    }

    internal sealed class PicklistValueDto
    {
        [JsonProperty(Required = Required.Always)]
        public string Value { get; set; } = "";

        public string? Label { get; set; }

        public bool? IsActive { get; set; }
    }
}
