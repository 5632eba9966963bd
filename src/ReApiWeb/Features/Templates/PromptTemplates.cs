using Microsoft.EntityFrameworkCore;
using ReApiWeb.Data;
using ReApiWeb.Features.Admin;
using ReApiWeb.Features.Auth;

namespace ReApiWeb.Features.Templates;

/// <summary>A template as one person sees it.</summary>
public sealed record TemplateView(Guid Id, string Name, string Text, bool Shared, Guid OwnerId, string OwnerName, bool IsMine, bool CanEdit, DateTimeOffset UpdatedAt)
{
    public IReadOnlyList<string> Placeholders => TemplateText.Placeholders(Text);

    public string UseUrl => $"/jobs/new?template={Id}";
}

/// <summary>The outcome of saving or deleting a template: done (with its id), or why not.</summary>
public sealed record TemplateChange(bool Done, string? Error = null, Guid Id = default)
{
    public static TemplateChange Refused(string error) => new(false, error);
}

/// <summary>
/// Saved prompts with placeholders. A person sees their own and the team's shared ones; only the owner changes a
/// template, and an admin may also change or delete a shared one (what the whole team sees). Changes to shared
/// templates are audited; personal ones stay private, admins included.
/// </summary>
public sealed class PromptTemplates(IDbContextFactory<AppDbContext> dbFactory, AuditLog audit, TimeProvider time)
{
    private const string Missing = "This template does not exist (any more) or is not shared with you.";

    /// <summary>The person's own templates and the team's shared ones, by name.</summary>
    public async Task<IReadOnlyList<TemplateView>> ListAsync(CurrentUser user, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var rows = await Visible(db, user).AsNoTracking().Include(t => t.Owner).ToListAsync(cancellationToken);
        return [.. rows.Select(t => View(user, t)).OrderBy(t => t.Name, StringComparer.CurrentCultureIgnoreCase).ThenBy(t => t.OwnerName, StringComparer.CurrentCultureIgnoreCase)];
    }

    /// <summary>One template the person may use; null when it does not exist or is someone else's personal one.</summary>
    public async Task<TemplateView?> GetAsync(CurrentUser user, Guid id, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var template = await Visible(db, user).AsNoTracking().Include(t => t.Owner).SingleOrDefaultAsync(t => t.Id == id, cancellationToken);
        return template is null ? null : View(user, template);
    }

    /// <summary>Creates a template (<paramref name="id"/> null) or changes one the person may change.</summary>
    public async Task<TemplateChange> SaveAsync(CurrentUser user, Guid? id, string? name, string? text, bool shared, CancellationToken cancellationToken)
    {
        if ((NameError(name) ?? TemplateText.Error(text)) is { } error)
        {
            return TemplateChange.Refused(error);
        }

        name = name!.Trim();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var now = time.GetUtcNow();
        PromptTemplate template;
        if (id is { } existing)
        {
            var found = await Visible(db, user).SingleOrDefaultAsync(t => t.Id == existing, cancellationToken);
            if (found is null)
            {
                return TemplateChange.Refused(Missing);
            }

            if (!CanEdit(user, found))
            {
                return TemplateChange.Refused("Only the person who made this template (or an admin, for a shared one) may change it; save a copy of your own instead.");
            }

            template = found;
        }
        else
        {
            template = new PromptTemplate { Name = name, Text = text!, OwnerId = user.Id, CreatedAt = now };
            db.PromptTemplates.Add(template);
        }

        var key = PromptTemplate.KeyOf(name);
        if (await db.PromptTemplates.AnyAsync(t => t.OwnerId == template.OwnerId && t.NameKey == key && t.Id != template.Id, cancellationToken))
        {
            return TemplateChange.Refused(NameTaken(name));
        }

        var wasShared = template.Shared;
        template.Name = name;
        template.NameKey = key;
        template.Text = text!;
        template.Shared = shared;
        template.UpdatedAt = now;
        if (shared || wasShared)
        {
            audit.Add(db, user.Actor, "template.save", $"Saved the {(shared ? "shared" : "no longer shared")} prompt template \"{name}\"");
        }

        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Two saves of the same name at once (a double click): the unique index let one through.
            if (await NameTakenAsync(template, key, cancellationToken))
            {
                return TemplateChange.Refused(NameTaken(name));
            }

            throw;
        }

        return new TemplateChange(true, Id: template.Id);
    }

    private static string NameTaken(string name) => $"There is already a template named “{name}”; choose another name.";

    private async Task<bool> NameTakenAsync(PromptTemplate template, string key, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.PromptTemplates.AnyAsync(t => t.OwnerId == template.OwnerId && t.NameKey == key && t.Id != template.Id, cancellationToken);
    }

    public async Task<TemplateChange> DeleteAsync(CurrentUser user, Guid id, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var template = await Visible(db, user).SingleOrDefaultAsync(t => t.Id == id, cancellationToken);
        if (template is null)
        {
            return TemplateChange.Refused(Missing);
        }

        if (!CanEdit(user, template))
        {
            return TemplateChange.Refused("Only the person who made this template (or an admin, for a shared one) may delete it.");
        }

        if (template.Shared)
        {
            audit.Add(db, user.Actor, "template.delete", $"Deleted the shared prompt template \"{template.Name}\"");
        }

        db.PromptTemplates.Remove(template);
        await db.SaveChangesAsync(cancellationToken);
        return new TemplateChange(true, Id: id);
    }

    public static string? NameError(string? name) =>
        string.IsNullOrWhiteSpace(name) ? "Give the template a name."
        : name.Trim().Length > PromptTemplate.MaxNameLength ? $"A template's name has at most {PromptTemplate.MaxNameLength} characters."
        : null;

    private static IQueryable<PromptTemplate> Visible(AppDbContext db, CurrentUser user) =>
        db.PromptTemplates.Where(t => t.OwnerId == user.Id || t.Shared);

    private static bool CanEdit(CurrentUser user, PromptTemplate template) => template.OwnerId == user.Id || (template.Shared && user.IsAdmin);

    private static TemplateView View(CurrentUser user, PromptTemplate t) =>
        new(t.Id, t.Name, t.Text, t.Shared, t.OwnerId, t.Owner?.DisplayName ?? "someone", t.OwnerId == user.Id, CanEdit(user, t), t.UpdatedAt);
}
