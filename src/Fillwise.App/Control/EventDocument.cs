using System.Globalization;
using System.Text.Json.Nodes;
using Fillwise.Engine;

namespace Fillwise.App.Control;

/// <summary>Each engine event as the event stream writes it: its kind, and a JSON body in the shapes /state uses.</summary>
public static class EventDocument
{
    public static (string Kind, JsonNode Data) Of(EngineEvent e, ControlContext ctx)
    {
        ArgumentNullException.ThrowIfNull(e);
        ArgumentNullException.ThrowIfNull(ctx);
        var engine = ctx.Engine;
        JsonObject data;
        string kind;
        switch (e)
        {
            case EngineEvent.OrderChanged o:
                kind = "order";
                data = StateDocument.Order(o.Order, engine.KnownInstrument(o.Order.Instrument));
                data["status"] = o.Order.Status.ToString();
                break;
            case EngineEvent.FillBooked f:
                kind = "fill";
                var traded = engine.KnownInstrument(f.Order.Instrument);
                data = StateDocument.Order(f.Order, traded);
                data["trade_id"] = f.TradeId.Value;
                // In the instrument's own precision and terms, as /state writes its counts and prices.
                data["fill_quantity"] = StateDocument.QuantityText(f.Quantity, f.Order.Instrument, traded);
                data["fill_price"] = StateDocument.PriceText(f.Price, f.Order.Instrument, traded);
                data["fee_dollars"] = f.Commission.ToString();
                break;
            case EngineEvent.PositionChanged p:
                kind = "position";
                data = StateDocument.Position(p.Position, engine.KnownInstrument(p.Position.Instrument));
                break;
            case EngineEvent.TradingStateChanged t:
                kind = "trading_state";
                data = new JsonObject
                {
                    ["trading_state"] = Engine.Risk.TradingStatus.Wire(t.Status.Mode),
                    ["reason"] = t.Status.Reason,
                    ["blocks"] = new JsonArray(t.Status.Blocks.Select(b => (JsonNode?)b).ToArray()),
                };
                break;
            case EngineEvent.ReconciliationCompleted r:
                kind = "reconciliation";
                data = r.Report.ToJson();
                break;
            case EngineEvent.AlertRaised a:
                kind = "alert";
                var fields = new JsonObject();
                foreach (var f in a.Alert.Fields) fields[f.Key] = f.Value;
                data = new JsonObject
                {
                    ["severity"] = Engine.Alerts.Alert.Wire(a.Alert.Severity),
                    ["kind"] = a.Alert.Kind,
                    ["title"] = a.Alert.Title,
                    ["fields"] = fields,
                };
                break;
            case EngineEvent.WhaleDecided w:
                kind = "whale";
                data = ControlApi.WhaleJson(w.Decision);
                break;
            case EngineEvent.KillSwitchChanged k:
                kind = "kill_switch";
                data = StateDocument.KillSwitch(k.Status);
                break;
            case EngineEvent.ArbChanged a:
                kind = "arb";
                data = Engine.Arbitrage.TwoLegJson.ToJson(a.Operation);
                break;
            default:
                kind = "other";
                data = new JsonObject { ["type"] = e.GetType().Name };
                break;
        }
        data["time"] = e.Time.ToString("O", CultureInfo.InvariantCulture);
        return (kind, data);
    }
}
