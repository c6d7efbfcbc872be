using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Fillwise.Domain.Instruments;
using Fillwise.Domain.Values;
using Fillwise.Domain.Venues;
using Fillwise.Engine.Journal;

namespace Fillwise.Engine.Funding;

/// <summary>
/// One venue's funding as the journal keeps it (engine metadata "funding-&lt;venue&gt;", key "state"):
/// how far payments were read, the ids of those booked within the overlap (so a read again books
/// nothing twice), the total paid per instrument and the part no lot held, and each open lot's total.
/// </summary>
internal sealed class FundingState
{
    public const string Key = "state";

    public DateTimeOffset? CheckedUntil { get; set; }

    /// <summary>When this state was last written (not journaled itself).</summary>
    public DateTimeOffset? SavedAt { get; set; }

    public Dictionary<string, DateTimeOffset> Recent { get; } = new(StringComparer.Ordinal);

    public Dictionary<InstrumentId, Money> Paid { get; } = [];

    public Dictionary<InstrumentId, Money> Unattributed { get; } = [];

    /// <summary>Each open lot's funding total, as read at start (a restart gives it back to the lot).</summary>
    public Dictionary<PositionId, Money> Lots { get; } = [];

    public string ToJson(IReadOnlyDictionary<PositionId, Money> openLots)
    {
        var recent = new JsonObject();
        foreach (var (id, at) in Recent.OrderBy(r => r.Key, StringComparer.Ordinal)) recent[id] = Time(at);
        return new JsonObject
        {
            ["checked_until"] = CheckedUntil is { } c ? Time(c) : null,
            ["recent"] = recent,
            ["paid"] = Amounts(Paid.ToDictionary(kv => kv.Key.ToString(), kv => kv.Value)),
            ["unattributed"] = Amounts(Unattributed.ToDictionary(kv => kv.Key.ToString(), kv => kv.Value)),
            ["lots"] = Amounts(openLots.ToDictionary(kv => kv.Key.Value, kv => kv.Value)),
        }.ToJsonString();
    }

    public static FundingState FromJson(string json)
    {
        try
        {
            var root = JsonNode.Parse(json)?.AsObject() ?? throw new JournalCorruptException("funding state is not a JSON object");
            var state = new FundingState
            {
                CheckedUntil = root["checked_until"]?.GetValue<string>() is { } c ? ParseTime(c) : null,
            };
            foreach (var (id, at) in root["recent"]?.AsObject() ?? []) state.Recent[id] = ParseTime(at!.GetValue<string>());
            foreach (var (instrument, paid) in root["paid"]?.AsObject() ?? []) state.Paid[InstrumentId.Parse(instrument)] = Money.Parse(paid!.GetValue<string>());
            foreach (var (instrument, paid) in root["unattributed"]?.AsObject() ?? []) state.Unattributed[InstrumentId.Parse(instrument)] = Money.Parse(paid!.GetValue<string>());
            foreach (var (lot, paid) in root["lots"]?.AsObject() ?? []) state.Lots[new PositionId(lot)] = Money.Parse(paid!.GetValue<string>());
            state.SavedAt = state.CheckedUntil;
            return state;
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException or Domain.DomainException)
        {
            throw new JournalCorruptException($"the journal's funding state cannot be read: {e.Message}");
        }
    }

    /// <summary>The engine event that records one booked payment and how it was split.</summary>
    public static JsonObject EventJson(string venue, FundingPaymentReport payment, FundingSplit split)
    {
        var lots = new JsonArray();
        foreach (var share in split.Shares) lots.Add(new JsonObject { ["position_id"] = share.Lot.Value, ["paid"] = share.Paid.ToString() });
        return new JsonObject
        {
            ["venue"] = venue,
            ["payment_id"] = payment.PaymentId,
            ["instrument"] = payment.Instrument.ToString(),
            ["paid"] = payment.Paid.ToString(),
            ["time"] = Time(payment.Time),
            ["position_quantity"] = payment.SignedPositionQuantity?.ToString(CultureInfo.InvariantCulture),
            ["rate"] = payment.Rate?.ToString(),
            ["lots"] = lots,
            ["unattributed"] = split.Unattributed.ToString(),
        };
    }

    private static JsonObject Amounts(Dictionary<string, Money> amounts)
    {
        var json = new JsonObject();
        foreach (var (key, value) in amounts.OrderBy(kv => kv.Key, StringComparer.Ordinal)) json[key] = value.ToString();
        return json;
    }

    private static string Time(DateTimeOffset t) => t.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);

    private static DateTimeOffset ParseTime(string text) =>
        DateTimeOffset.ParseExact(text, "O", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
}
