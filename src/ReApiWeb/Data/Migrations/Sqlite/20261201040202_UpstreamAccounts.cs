using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ReApiWeb.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class UpstreamAccounts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "AccountId",
                table: "Jobs",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "AccountId",
                table: "BalanceReadings",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "UpstreamAccounts",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 80, nullable: false),
                    BaseUrl = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    ProtectedKey = table.Column<string>(type: "TEXT", nullable: true),
                    KeyTestedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    KeyProblem = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    RequestsPerSecond = table.Column<int>(type: "INTEGER", nullable: false),
                    RateWindowMilliseconds = table.Column<int>(type: "INTEGER", nullable: false),
                    State = table.Column<int>(type: "INTEGER", nullable: false),
                    Position = table.Column<int>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_UpstreamAccounts", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "UpstreamAccountGroups",
                columns: table => new
                {
                    AccountId = table.Column<Guid>(type: "TEXT", nullable: false),
                    GroupId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Priority = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_UpstreamAccountGroups", x => new { x.AccountId, x.GroupId });
                    table.ForeignKey(
                        name: "FK_UpstreamAccountGroups_Groups_GroupId",
                        column: x => x.GroupId,
                        principalTable: "Groups",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_UpstreamAccountGroups_UpstreamAccounts_AccountId",
                        column: x => x.AccountId,
                        principalTable: "UpstreamAccounts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            // The single shared key of earlier versions becomes the account "Default" (its address is the configured
            // ReApi:BaseUrl, filled in at start), tested since it was in use; every existing job and every reading of
            // that key are assigned to it. Without a key, jobs and readings were the sandbox's and stay so (null).
            migrationBuilder.Sql("""
                INSERT INTO UpstreamAccounts (Id, Name, BaseUrl, ProtectedKey, KeyTestedAt, KeyProblem, RequestsPerSecond, RateWindowMilliseconds, State, Position, CreatedAt, UpdatedAt)
                SELECT '0193A5C0-0000-7000-8000-00000000D3FA', 'Default', '', Value, UpdatedAt, NULL, 10, 1050, 0, 0, UpdatedAt, UpdatedAt
                FROM Settings WHERE Key = 'ReApi.SharedKey';
                UPDATE Jobs SET AccountId = '0193A5C0-0000-7000-8000-00000000D3FA'
                WHERE EXISTS (SELECT 1 FROM UpstreamAccounts WHERE Id = '0193A5C0-0000-7000-8000-00000000D3FA');
                UPDATE BalanceReadings SET AccountId = '0193A5C0-0000-7000-8000-00000000D3FA'
                WHERE Account LIKE 'key %' AND EXISTS (SELECT 1 FROM UpstreamAccounts WHERE Id = '0193A5C0-0000-7000-8000-00000000D3FA');
                INSERT INTO Settings (Key, Value, UpdatedAt, UpdatedBy)
                SELECT 'ReApi.Accounts.Seeded', 'true', UpdatedAt, UpdatedBy FROM Settings WHERE Key = 'ReApi.SharedKey.Seeded';
                DELETE FROM Settings WHERE Key IN ('ReApi.SharedKey', 'ReApi.SharedKey.Seeded');
                """);

            migrationBuilder.DropIndex(
                name: "IX_BalanceReadings_Account_At",
                table: "BalanceReadings");

            migrationBuilder.DropColumn(
                name: "Account",
                table: "BalanceReadings");

            migrationBuilder.CreateIndex(
                name: "IX_BalanceReadings_AccountId_At",
                table: "BalanceReadings",
                columns: new[] { "AccountId", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_UpstreamAccountGroups_GroupId",
                table: "UpstreamAccountGroups",
                column: "GroupId");

            migrationBuilder.CreateIndex(
                name: "IX_UpstreamAccounts_Name",
                table: "UpstreamAccounts",
                column: "Name",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "UpstreamAccountGroups");

            migrationBuilder.DropTable(
                name: "UpstreamAccounts");

            migrationBuilder.DropIndex(
                name: "IX_BalanceReadings_AccountId_At",
                table: "BalanceReadings");

            migrationBuilder.DropColumn(
                name: "AccountId",
                table: "Jobs");

            migrationBuilder.DropColumn(
                name: "AccountId",
                table: "BalanceReadings");

            migrationBuilder.AddColumn<string>(
                name: "Account",
                table: "BalanceReadings",
                type: "TEXT",
                maxLength: 64,
                nullable: false,
                defaultValue: "");

            migrationBuilder.CreateIndex(
                name: "IX_BalanceReadings_Account_At",
                table: "BalanceReadings",
                columns: new[] { "Account", "At" });
        }
    }
}
