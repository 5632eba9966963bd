using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ReApiWeb.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class AccountTotals : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "AccountId",
                table: "Ledger",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "Booked",
                table: "BalanceReadings",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            // The totals are made anew rather than rebuilt in place (SQLite would copy the table to change its key):
            // they are derived from the ledger, and AccountTotalsBackfill has them rebuilt from it at the next start.
            migrationBuilder.DropTable(name: "CreditTotals");

            migrationBuilder.CreateTable(
                name: "CreditTotals",
                columns: table => new
                {
                    UserId = table.Column<Guid>(type: "TEXT", nullable: false),
                    AccountId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Period = table.Column<int>(type: "INTEGER", nullable: false),
                    PeriodStart = table.Column<long>(type: "INTEGER", nullable: false),
                    Consumed = table.Column<long>(type: "INTEGER", nullable: false),
                    Reserved = table.Column<long>(type: "INTEGER", nullable: false),
                    Spent = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CreditTotals", x => new { x.UserId, x.AccountId, x.Period, x.PeriodStart });
                });

            migrationBuilder.CreateIndex(
                name: "IX_CreditTotals_Period_PeriodStart_UserId",
                table: "CreditTotals",
                columns: new[] { "Period", "PeriodStart", "UserId" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "AccountId",
                table: "Ledger");

            migrationBuilder.DropColumn(
                name: "Booked",
                table: "BalanceReadings");

            migrationBuilder.DropTable(name: "CreditTotals");

            migrationBuilder.CreateTable(
                name: "CreditTotals",
                columns: table => new
                {
                    UserId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Period = table.Column<int>(type: "INTEGER", nullable: false),
                    PeriodStart = table.Column<long>(type: "INTEGER", nullable: false),
                    Consumed = table.Column<long>(type: "INTEGER", nullable: false),
                    Reserved = table.Column<long>(type: "INTEGER", nullable: false),
                    Spent = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CreditTotals", x => new { x.UserId, x.Period, x.PeriodStart });
                });

            migrationBuilder.CreateIndex(
                name: "IX_CreditTotals_Period_PeriodStart_UserId",
                table: "CreditTotals",
                columns: new[] { "Period", "PeriodStart", "UserId" });

            // Rebuilt from the ledger at the next start.
            migrationBuilder.Sql("DELETE FROM Settings WHERE Key = 'Credits.Totals.Zone';");
        }
    }
}
