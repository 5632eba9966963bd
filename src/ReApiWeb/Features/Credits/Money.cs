using System.Globalization;

namespace ReApiWeb.Features.Credits;

/// <summary>Credits as dollars: reAPI counts 1 credit = $0.001.</summary>
public static class Money
{
    public static string Dollars(long credits) => (credits / 1000m).ToString("$#,0.00#", CultureInfo.InvariantCulture);
}
