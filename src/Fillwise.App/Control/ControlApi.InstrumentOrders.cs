using System.Text.Json;
using Fillwise.Domain.Instruments;
using Fillwise.Domain.Portfolio;
using Fillwise.Domain.Values;
using Fillwise.Domain.Venues;
using Fillwise.Engine.Execution;

namespace Fillwise.App.Control;

/// <summary>
/// POST /orders in any venue's own terms, for instruments that are not Kalshi outcomes (a perp):
/// {"instrument":"aster:ZECUSDT","side":"buy|sell","quantity":"0.500","limit_price":"514.50",
/// "stop_loss"?,"take_profit"?,"post_only"?,"fill_timeout_s"?}. A buy opens a long, a sell a
/// short; quantities and prices are plain decimal strings, checked against the instrument's grid,
/// step and minimums by the same gate as every order.
/// </summary>
public static partial class ControlApi
{
    private static async Task<(EntryRequest? Request, string? Problem)> ReadInstrumentOrderAsync(JsonElement root, ControlContext ctx, CancellationToken ct)
    {
        string? Text(string name, out string? problem) => BodyText(root, name, "a string", out problem);

        var instrumentText = Text("instrument", out var p);
        if (p is not null) return (null, p);
        if (!InstrumentId.TryParse(instrumentText, out var instrument, out var why))
            return (null, $"'instrument' must be venue:symbol, such as aster:ZECUSDT ({Printable(why)})");
        if (!ctx.Engine.Venues.Has(instrument.Venue))
            return (null, $"'instrument': venue '{Printable(instrument.Venue)}' is not configured (configured: {string.Join(", ", ctx.Engine.Venues.All.Select(v => v.Name))})");

        var sideText = Text("side", out p);
        if (p is not null) return (null, p);
        PositionSide side;
        switch (sideText)
        {
            case "buy": side = PositionSide.Long; break;
            case "sell": side = PositionSide.Short; break;
            default: return (null, "'side' must be \"buy\" (a long) or \"sell\" (a short)");
        }

        var quantityText = Text("quantity", out p);
        if (p is not null) return (null, p);
        if (!Quantity.TryParse(quantityText, out var quantity, out why)) return (null, $"'quantity': {why}");
        if (quantity.IsZero) return (null, "'quantity' must be more than zero");
        var priceText = Text("limit_price", out p);
        if (p is not null) return (null, p);
        if (!Price.TryParse(priceText, out var limit, out why)) return (null, $"'limit_price': {why}");

        Price? OptionalPrice(string name, out string? problem)
        {
            var text = Text(name, out problem);
            if (problem is not null || text is null) return null;
            if (Price.TryParse(text, out var price, out var e)) return price;
            problem = $"'{name}': {e}";
            return null;
        }
        var stop = OptionalPrice("stop_loss", out p);
        if (p is not null) return (null, p);
        var take = OptionalPrice("take_profit", out p);
        if (p is not null) return (null, p);

        var postOnly = false;
        if (root.TryGetProperty("post_only", out var po) && po.ValueKind != JsonValueKind.Null)
        {
            if (po.ValueKind is not (JsonValueKind.True or JsonValueKind.False)) return (null, "'post_only' must be true or false");
            postOnly = po.GetBoolean();
        }
        var timeout = FillTimeout(root, out p);
        if (p is not null) return (null, p);

        p = await NotOpenAsync(ctx, instrument, $"'{Printable(instrument.ToString())}'", ct);
        if (p is not null) return (null, p);

        return (new EntryRequest(instrument, side, quantity, limit, "manual", stop, take, "control api", ctx.Engine.Options.Acceptance, timeout, postOnly), null);
    }

    /// <summary>Why an order for <paramref name="instrument"/> (called <paramref name="named"/> in the reply) cannot be placed now: its venue does not know it, does not trade it now, or cannot say; null when it is open.</summary>
    private static async Task<string?> NotOpenAsync(ControlContext ctx, InstrumentId instrument, string named, CancellationToken ct)
    {
        InstrumentStatus? status;
        try
        {
            status = await ctx.Engine.Venues.For(instrument).Instruments.GetStatusAsync(instrument, ct);
        }
        catch (VenueException e)
        {
            return $"the venue cannot say whether {named} trades now: {e.Message}";
        }
        if (status is null) return $"{named} is not known to the venue";
        return status.IsOpen ? null : $"{named} is {status.VenueStatus}, not open";
    }

    /// <summary>A string field of a request body, null when absent; a problem naming the field when it is not <paramref name="expected"/> or not text.</summary>
    private static string? BodyText(JsonElement root, string name, string expected, out string? problem)
    {
        problem = null;
        if (!root.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        if (v.ValueKind != JsonValueKind.String)
        {
            problem = $"'{name}' must be {expected}";
            return null;
        }
        try
        {
            return v.GetString();
        }
        catch (InvalidOperationException)
        {
            // Invalid UTF-8 inside a string, or an escaped lone surrogate: not text.
            problem = $"'{name}' is not valid text (invalid UTF-8 or a lone surrogate)";
            return null;
        }
    }

    /// <summary>The optional "fill_timeout_s" (seconds, above 0, at most an hour).</summary>
    private static TimeSpan? FillTimeout(JsonElement root, out string? problem)
    {
        problem = null;
        if (!root.TryGetProperty("fill_timeout_s", out var t) || t.ValueKind == JsonValueKind.Null) return null;
        if (t.ValueKind != JsonValueKind.Number || !t.TryGetDecimal(out var seconds) || seconds <= 0 || seconds > 3600)
        {
            problem = "'fill_timeout_s' must be a number of seconds between 0 and 3600";
            return null;
        }
        return TimeSpan.FromTicks((long)(seconds * TimeSpan.TicksPerSecond));
    }
}
