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
                data = StateDocument.Order(f.Order, engine.KnownInstrument(f.Order.Instrument));
                data["trade_id"] = f.TradeId.Value;
                data["fill_quantity"] = f.Quantity.ToString();
                data["fill_price"] = f.Price.ToString();
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
            default:
                kind = "other";
                data = new JsonObject { ["type"] = e.GetType().Name };
                break;
        }
        data["time"] = e.Time.ToString("O", CultureInfo.InvariantCulture);
        return (kind, data);
    }
}
