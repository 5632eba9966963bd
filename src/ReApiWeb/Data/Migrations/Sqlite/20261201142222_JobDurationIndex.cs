using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ReApiWeb.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class JobDurationIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_Jobs_ModelId_Status_FinishedAt",
                table: "Jobs",
                columns: new[] { "ModelId", "Status", "FinishedAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Jobs_ModelId_Status_FinishedAt",
                table: "Jobs");
        }
    }
}
