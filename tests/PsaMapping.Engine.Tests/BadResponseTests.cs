using System.Net;
using PsaMapping.Engine.Autotask;
using PsaMapping.Engine.Http;

namespace PsaMapping.Engine.Tests
{
    /// <summary>What a broken server or proxy can answer, and what the user is told: a clear error, never a crash.</summary>
    public sealed class BadResponseTests
    {
        private const string CompanyFields = "{\"fields\":[{\"name\":\"companyType\",\"isPickList\":true,\"picklistValues\":[{\"value\":\"1\",\"label\":\"Customer\"}]}]}";

        private static HttpResponseMessage Body(string body, HttpStatusCode status = HttpStatusCode.OK, string type = "application/json") =>
            new(status) { Content = new StringContent(body, System.Text.Encoding.UTF8, type) };

        private static AutotaskClient Client(StubHandler handler, long maxResponseBytes = 256L * 1024 * 1024) =>
            new(new AutotaskCredential("api@example.test", SophosCentralClientTests.Secure("secret"), SophosCentralClientTests.Secure("CODE")),
                null, new Uri("https://webservices99.autotask.example/ATServicesRest/"), handler,
                new ResilienceOptions { BaseDelay = TimeSpan.Zero, ConcurrencyScope = Guid.NewGuid().ToString(), MaxResponseBytes = maxResponseBytes });

        private static async Task<PsaMappingException> QueryFails(Func<HttpResponseMessage> answer, long maxResponseBytes = 256L * 1024 * 1024)
        {
            var handler = new StubHandler((request, _, _) => Task.FromResult(request.RequestUri!.AbsolutePath.EndsWith("fields", StringComparison.Ordinal) ? Body(CompanyFields) : answer()));
            using AutotaskClient client = Client(handler, maxResponseBytes);
            await client.ConnectAsync(CancellationToken.None);
            return await Assert.ThrowsAsync<PsaMappingException>(() =>
                new AutotaskDirectory(client).SearchCompaniesAsync("contoso", false, null, CancellationToken.None));
        }

        [Theory]
        [InlineData("<!DOCTYPE html><html><body>Maintenance</body></html>", "HTML page")]
        [InlineData("{\"items\":[{\"id\":1,\"companyName\":\"Con", "could not be read")]
        [InlineData("{\"items\":[{\"id\":null,\"companyName\":\"Contoso\"}]}", "without a usable 'id'")]
        [InlineData("{\"items\":[{\"id\":\"not a number\",\"companyName\":\"Contoso\"}]}", "without a usable 'id'")]
        [InlineData("{\"items\":[{\"id\":7,\"companyName\":\"Contoso\",\"isActive\":\"abc\"}]}", "without a usable 'isActive'")]
        [InlineData("{\"items\":[{\"id\":7,\"companyName\":\"Contoso\",\"parentCompanyID\":\"x\"}]}", "without a usable 'parentCompanyID'")]
        [InlineData("{\"items\":null}", "could not be read")]
        [InlineData("{\"items\":[null]}", "a row is null")]
        [InlineData("{\"items\":[[7,\"Contoso\"]]}", "a row is a list")]
        [InlineData("[1,2,3]", "could not be read")]
        [InlineData("", "empty")]
        public async Task An_unreadable_answer_is_a_clear_invalid_response_error(string body, string expected)
        {
            PsaMappingException error = await QueryFails(() => Body(body));

            Assert.Equal("AutotaskInvalidResponse", error.ErrorId);
            Assert.Contains(expected, error.Message);
        }

        [Fact]
        public async Task Unexpected_nulls_in_fields_that_are_not_needed_are_tolerated()
        {
            var handler = new StubHandler((request, _, _) => Task.FromResult(request.RequestUri!.AbsolutePath.EndsWith("fields", StringComparison.Ordinal)
                ? Body(CompanyFields)
                : Body("{\"items\":[{\"id\":7,\"companyName\":\"Contoso\",\"companyNumber\":null,\"companyType\":null,\"isActive\":null,\"unknownField\":{\"deep\":[1]}}],\"pageDetails\":null}")));
            using AutotaskClient client = Client(handler);
            await client.ConnectAsync(CancellationToken.None);

            var found = await new AutotaskDirectory(client).SearchCompaniesAsync("contoso", false, null, CancellationToken.None);

            AutotaskCompany company = Assert.Single(found).Item;
            Assert.Equal(7, company.AutotaskCompanyId);
            Assert.Null(company.CompanyType);
            Assert.True(company.IsActive);
        }

        [Fact]
        public async Task An_absurdly_large_answer_is_refused_without_reading_it_all_or_retrying_it()
        {
            string huge = "{\"items\":[" + string.Join(",", Enumerable.Repeat("{\"id\":1,\"companyName\":\"" + new string('x', 1000) + "\"}", 200)) + "]}";
            int calls = 0;
            PsaMappingException error = await QueryFails(() =>
            {
                Interlocked.Increment(ref calls);
                return Body(huge);
            }, maxResponseBytes: 64 * 1024);

            Assert.Equal("AutotaskResponseTooLarge", error.ErrorId);
            Assert.Contains("larger than", error.Message);
            Assert.Equal(1, calls);
        }
    }
}
