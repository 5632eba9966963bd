using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ReApiWeb.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Batches : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "BatchId",
                table: "Jobs",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "BatchIndex",
                table: "Jobs",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<Guid>(
                name: "SourceJobId",
                table: "Jobs",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "Batches",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    OwnerId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Kind = table.Column<int>(type: "INTEGER", nullable: false),
                    Title = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    CancelledAt = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Batches", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Batches_Users_OwnerId",
                        column: x => x.OwnerId,
                        principalTable: "Users",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Jobs_BatchId_BatchIndex",
                table: "Jobs",
                columns: new[] { "BatchId", "BatchIndex" });

            migrationBuilder.CreateIndex(
                name: "IX_Jobs_SourceJobId",
                table: "Jobs",
                column: "SourceJobId");

            migrationBuilder.CreateIndex(
                name: "IX_Batches_OwnerId_CreatedAt",
                table: "Batches",
                columns: new[] { "OwnerId", "CreatedAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "Batches");

            migrationBuilder.DropIndex(
                name: "IX_Jobs_BatchId_BatchIndex",
                table: "Jobs");

            migrationBuilder.DropIndex(
                name: "IX_Jobs_SourceJobId",
                table: "Jobs");

            migrationBuilder.DropColumn(
                name: "BatchId",
                table: "Jobs");

            migrationBuilder.DropColumn(
                name: "BatchIndex",
                table: "Jobs");

            migrationBuilder.DropColumn(
                name: "SourceJobId",
                table: "Jobs");
        }
    }
}
