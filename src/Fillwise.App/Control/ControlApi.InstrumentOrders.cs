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
        string? Text(string name, out string? problem)
        {
            problem = null;
            if (!root.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return null;
            if (v.ValueKind != JsonValueKind.String) { problem = $"'{name}' must be a string"; return null; }
            try
            {
                return v.GetString();
            }
            catch (InvalidOperationException)
            {
                problem = $"'{name}' is not valid text (invalid UTF-8 or a lone surrogate)";
                return null;
            }
        }

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
        TimeSpan? timeout = null;
        if (root.TryGetProperty("fill_timeout_s", out var t) && t.ValueKind != JsonValueKind.Null)
        {
            if (t.ValueKind != JsonValueKind.Number || !t.TryGetDecimal(out var seconds) || seconds <= 0 || seconds > 3600)
                return (null, "'fill_timeout_s' must be a number of seconds between 0 and 3600");
            timeout = TimeSpan.FromTicks((long)(seconds * TimeSpan.TicksPerSecond));
        }

        InstrumentStatus? status;
        try
        {
            status = await ctx.Engine.Venues.For(instrument).Instruments.GetStatusAsync(instrument, ct);
        }
        catch (VenueException e)
        {
            return (null, $"the venue cannot say whether '{instrument}' trades now: {e.Message}");
        }
        if (status is null) return (null, $"'{Printable(instrument.ToString())}' is not known to its venue");
        if (!status.IsOpen) return (null, $"'{instrument}' is {status.VenueStatus}, not open");

        return (new EntryRequest(instrument, side, quantity, limit, "manual", stop, take, "control api", ctx.Engine.Options.Acceptance, timeout, postOnly), null);
    }
}
