using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ReApiWeb.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class ArchiveClaims : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "ArchiveClaimedBy",
                table: "JobOutputs",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "ArchiveClaimedUntil",
                table: "JobOutputs",
                type: "timestamp with time zone",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "ArchiveClaimedBy",
                table: "JobOutputs");

            migrationBuilder.DropColumn(
                name: "ArchiveClaimedUntil",
                table: "JobOutputs");
        }
    }
}
