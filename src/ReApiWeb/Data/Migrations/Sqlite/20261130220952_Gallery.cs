using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ReApiWeb.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Gallery : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "ThumbnailPath",
                table: "JobOutputs",
                type: "TEXT",
                maxLength: 400,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "Collections",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 120, nullable: false),
                    OwnerId = table.Column<Guid>(type: "TEXT", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    TeamRole = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    CoverOutputId = table.Column<Guid>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Collections", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Collections_JobOutputs_CoverOutputId",
                        column: x => x.CoverOutputId,
                        principalTable: "JobOutputs",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                    table.ForeignKey(
                        name: "FK_Collections_Users_OwnerId",
                        column: x => x.OwnerId,
                        principalTable: "Users",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "Favourites",
                columns: table => new
                {
                    UserId = table.Column<Guid>(type: "TEXT", nullable: false),
                    OutputId = table.Column<Guid>(type: "TEXT", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Favourites", x => new { x.UserId, x.OutputId });
                    table.ForeignKey(
                        name: "FK_Favourites_JobOutputs_OutputId",
                        column: x => x.OutputId,
                        principalTable: "JobOutputs",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_Favourites_Users_UserId",
                        column: x => x.UserId,
                        principalTable: "Users",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "CollectionItems",
                columns: table => new
                {
                    CollectionId = table.Column<Guid>(type: "TEXT", nullable: false),
                    OutputId = table.Column<Guid>(type: "TEXT", nullable: false),
                    AddedById = table.Column<Guid>(type: "TEXT", nullable: false),
                    AddedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CollectionItems", x => new { x.CollectionId, x.OutputId });
                    table.ForeignKey(
                        name: "FK_CollectionItems_Collections_CollectionId",
                        column: x => x.CollectionId,
                        principalTable: "Collections",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_CollectionItems_JobOutputs_OutputId",
                        column: x => x.OutputId,
                        principalTable: "JobOutputs",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "CollectionShares",
                columns: table => new
                {
                    CollectionId = table.Column<Guid>(type: "TEXT", nullable: false),
                    GroupId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Role = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CollectionShares", x => new { x.CollectionId, x.GroupId });
                    table.ForeignKey(
                        name: "FK_CollectionShares_Collections_CollectionId",
                        column: x => x.CollectionId,
                        principalTable: "Collections",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_CollectionShares_Groups_GroupId",
                        column: x => x.GroupId,
                        principalTable: "Groups",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Jobs_CreatedAt",
                table: "Jobs",
                column: "CreatedAt");

            migrationBuilder.CreateIndex(
                name: "IX_Jobs_Visibility_CreatedAt",
                table: "Jobs",
                columns: new[] { "Visibility", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_CollectionItems_OutputId",
                table: "CollectionItems",
                column: "OutputId");

            migrationBuilder.CreateIndex(
                name: "IX_Collections_CoverOutputId",
                table: "Collections",
                column: "CoverOutputId");

            migrationBuilder.CreateIndex(
                name: "IX_Collections_OwnerId_UpdatedAt",
                table: "Collections",
                columns: new[] { "OwnerId", "UpdatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_CollectionShares_GroupId",
                table: "CollectionShares",
                column: "GroupId");

            migrationBuilder.CreateIndex(
                name: "IX_Favourites_OutputId",
                table: "Favourites",
                column: "OutputId");

            // Search over prompts (PromptSearch): an FTS5 table beside Jobs, kept in step by triggers, filled once here.
            // It holds its own copy of the prompt (not external content: Jobs has no stable integer rowid).
            migrationBuilder.Sql("""
                CREATE VIRTUAL TABLE JobSearch USING fts5(Prompt, JobId UNINDEXED, tokenize = 'unicode61 remove_diacritics 2');
                """);
            migrationBuilder.Sql("INSERT INTO JobSearch (Prompt, JobId) SELECT Prompt, Id FROM Jobs;");
            migrationBuilder.Sql("""
                CREATE TRIGGER JobSearch_Insert AFTER INSERT ON Jobs BEGIN
                    INSERT INTO JobSearch (Prompt, JobId) VALUES (new.Prompt, new.Id);
                END;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER JobSearch_Update AFTER UPDATE OF Prompt ON Jobs BEGIN
                    DELETE FROM JobSearch WHERE JobId = old.Id;
                    INSERT INTO JobSearch (Prompt, JobId) VALUES (new.Prompt, new.Id);
                END;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER JobSearch_Delete AFTER DELETE ON Jobs BEGIN
                    DELETE FROM JobSearch WHERE JobId = old.Id;
                END;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TRIGGER JobSearch_Delete;");
            migrationBuilder.Sql("DROP TRIGGER JobSearch_Update;");
            migrationBuilder.Sql("DROP TRIGGER JobSearch_Insert;");
            migrationBuilder.Sql("DROP TABLE JobSearch;");

            migrationBuilder.DropTable(
                name: "CollectionItems");

            migrationBuilder.DropTable(
                name: "CollectionShares");

            migrationBuilder.DropTable(
                name: "Favourites");

            migrationBuilder.DropTable(
                name: "Collections");

            migrationBuilder.DropIndex(
                name: "IX_Jobs_CreatedAt",
                table: "Jobs");

            migrationBuilder.DropIndex(
                name: "IX_Jobs_Visibility_CreatedAt",
                table: "Jobs");

            migrationBuilder.DropColumn(
                name: "ThumbnailPath",
                table: "JobOutputs");
        }
    }
}
