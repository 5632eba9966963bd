using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ReApiWeb.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class AccountTotalsBackfill : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Apart from AccountTotals: SQLite rebuilds a table whose key changed at the end of a migration, and SQL
            // before that rebuild is warned about at every first start.

            // Every entry of a job names the account its job is on (for a hold moved by a failover, the final one).
            migrationBuilder.Sql("UPDATE Ledger SET AccountId = (SELECT j.AccountId FROM Jobs j WHERE j.Id = Ledger.JobId) WHERE JobId IS NOT NULL;");

            // Each reading takes the account's booked charges less refunds up to it, so reports compare readings alone.
            migrationBuilder.Sql("""
                UPDATE BalanceReadings SET Booked = COALESCE((
                    SELECT SUM(CASE e.Kind WHEN 'Charge' THEN e.Credits ELSE -e.Credits END) FROM Ledger e
                    WHERE e.Kind IN ('Charge', 'Refund') AND e.JobId IS NOT NULL AND e.AccountId IS BalanceReadings.AccountId AND e.At <= BalanceReadings.At), 0);
                """);

            // The totals gain the accounts' rows: forgetting the zone they were cut in rebuilds them all at the next start.
            migrationBuilder.Sql("DELETE FROM Settings WHERE Key = 'Credits.Totals.Zone';");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // Nothing to undo: the columns filled here go with AccountTotals' Down.
        }
    }
}
