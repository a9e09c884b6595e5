using PsaMapping.Engine.Sync;

namespace PsaMapping.Engine.Tests.Sync
{
    public sealed class UsageMonthTests
    {
        [Theory]
        [InlineData("2026-12-06T03:00:00+00:00", 2026, 11)]
        [InlineData("2027-01-01T00:30:00+00:00", 2026, 12)] // just after midnight UTC on New Year's Day: December is the month just ended
        [InlineData("2026-12-31T23:30:00-05:00", 2026, 12)] // already January 1st in UTC
        public void The_default_month_is_the_previous_calendar_month_in_UTC(string now, int year, int month) =>
            Assert.Equal((year, month), UsageSyncRequest.UsageMonth(null, null, DateTimeOffset.Parse(now, System.Globalization.CultureInfo.InvariantCulture)));

        [Fact]
        public void The_default_effective_date_is_the_first_day_of_the_following_month()
        {
            Assert.Equal(new DateTime(2026, 12, 1), UsageSyncRequest.DefaultEffectiveDate(2026, 11));
            Assert.Equal(new DateTime(2027, 1, 1), UsageSyncRequest.DefaultEffectiveDate(2026, 12));
        }

        [Fact]
        public void A_year_without_a_month_is_refused_with_its_error_id()
        {
            var error = Assert.Throws<PsaMappingException>(() => UsageSyncRequest.UsageMonth(2026, null, DateTimeOffset.UtcNow));
            Assert.Equal("SyncMonthIncomplete", error.ErrorId);
            Assert.Equal((2026, 3), UsageSyncRequest.UsageMonth(2026, 3, DateTimeOffset.UtcNow));
        }
    }
}
