namespace Fillwise.Domain.Instruments;

/// <summary>
/// Which venue and which of its instruments: ("kalshi", "KXTEST-1-T50.YES"), ("aster", "ZECUSDT"),
/// ("lighter", "ZEC"). The symbol is the venue adapter's own name for the instrument; the engine
/// only compares ids, it never takes a symbol apart.
/// </summary>
public readonly record struct InstrumentId
{
    public InstrumentId(string venue, string symbol)
    {
        Venue = Values.Identifier.Validate(venue, "venue name");
        Symbol = Values.Identifier.Validate(symbol, "instrument symbol");
    }

    public string Venue { get; }

    public string Symbol { get; }

    /// <summary>"kalshi:KXTEST-1-T50.YES": the form used in logs, the journal and the control API.</summary>
    public override string ToString() => $"{Venue}:{Symbol}";

    public static InstrumentId Parse(string text) =>
        TryParse(text, out var id, out var error) ? id : throw new FormatException(error);

    public static bool TryParse(string? text, out InstrumentId id, out string error)
    {
        id = default;
        var colon = text?.IndexOf(':', StringComparison.Ordinal) ?? -1;
        if (text is null || colon <= 0 || colon == text.Length - 1)
        {
            error = $"instrument '{text}' is not of the form venue:symbol";
            return false;
        }
        try
        {
            id = new InstrumentId(text[..colon], text[(colon + 1)..]);
            error = string.Empty;
            return true;
        }
        catch (DomainException e)
        {
            error = e.Message;
            return false;
        }
    }
}
