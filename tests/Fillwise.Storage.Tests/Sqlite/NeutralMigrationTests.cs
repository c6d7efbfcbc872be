using Fillwise.Domain.Instruments;
using Fillwise.Domain.Orders;
using Fillwise.Domain.Portfolio;
using Fillwise.Domain.Values;
using Fillwise.Engine.Journal;
using Microsoft.Data.Sqlite;

namespace Fillwise.Storage.Tests;

public sealed class NeutralMigrationTests
{
    [Fact]
    public async Task A_version_1_kalshi_journal_becomes_venue_neutral_without_losing_a_record()
    {
        using var dir = new TempDataDirectory();
        // A journal as version 1 wrote it: Kalshi outcomes, actions, counts.
        using (var connection = new SqliteConnection($"Data Source={dir.DatabasePath};Pooling=False"))
        {
            connection.Open();
            Exec(connection, JournalMigrations.CreateVersionTable);
            Exec(connection, JournalMigrations.All[0]);
            Exec(connection, "INSERT INTO schema_version VALUES (1, '2026-01-01T00:00:00.0000000Z');");
            Exec(connection, $"PRAGMA application_id = {JournalMigrations.ApplicationId};");
            Exec(connection, """
                INSERT INTO order_intents (client_order_id, ticker, side, action, count, limit_price, purpose, strategy, reason, metadata_json, created_at, recorded_at)
                VALUES ('e-1', 'KXOLD-1', 'no', 'buy', '10.00', '0.4000', 'entry', 'manual', 'r', '{}', '2026-01-01T00:00:01.0000000Z', '2026-01-01T00:00:01.0000000Z'),
                       ('x-1', 'KXOLD-1', 'no', 'sell', '10.00', '0.3500', 'exit', 'manual', 'stop_loss', '{}', '2026-01-01T00:00:02.0000000Z', '2026-01-01T00:00:02.0000000Z');
                INSERT INTO order_events (client_order_id, venue_order_id, kind, payload_json, at, resolves_intent, recorded_at)
                VALUES ('e-1', 'v-1', 'Accept', '{}', '2026-01-01T00:00:01.5000000Z', 1, '2026-01-01T00:00:01.5000000Z'),
                       ('x-1', null, 'Cancel', '{}', '2026-01-01T00:00:03.0000000Z', 1, '2026-01-01T00:00:03.0000000Z');
                INSERT INTO fills (trade_id, client_order_id, venue_order_id, ticker, side, action, count, price, fee, is_taker, at, recorded_at)
                VALUES ('t-1', 'e-1', 'v-1', 'KXOLD-1', 'no', 'buy', '10.00', '0.4000', '0.016800', 1, '2026-01-01T00:00:01.6000000Z', '2026-01-01T00:00:01.6000000Z');
                INSERT INTO positions (position_id, ticker, side, entry_order_id, requested_count, stop_loss, take_profit, opened_at, recorded_at)
                VALUES ('e-1', 'KXOLD-1', 'no', 'e-1', '10.00', '0.3500', null, '2026-01-01T00:00:01.6000000Z', '2026-01-01T00:00:01.7000000Z');
                """);
        }

        await using var journal = await Journals.OpenAsync(dir);
        var no = new InstrumentId("kalshi", "KXOLD-1:no");
        var entry = (await journal.GetIntentAsync(new ClientOrderId("e-1")))!.Record;
        Assert.Equal((no, OrderSide.Buy, Quantity.Parse("10"), Price.Parse("0.40"), OrderPurpose.Entry, (PositionId?)new PositionId("e-1")),
            (entry.Instrument, entry.Side, entry.Quantity, entry.LimitPrice, entry.Purpose, entry.PositionId));
        var exit = (await journal.GetIntentAsync(new ClientOrderId("x-1")))!.Record;
        Assert.Equal((OrderSide.Sell, (PositionId?)null), (exit.Side, exit.PositionId));

        var fill = Assert.Single(await journal.GetFillsByOrderAsync(new ClientOrderId("e-1"))).Record;
        Assert.Equal((no, OrderSide.Buy, Quantity.Parse("10"), Money.Parse("0.0168")), (fill.Instrument, fill.Side, fill.Quantity, fill.Commission));

        var lot = Assert.Single(await journal.GetOpenPositionsAsync()).Position;
        Assert.Equal((no, PositionSide.Long, Price.Parse("0.35")), (lot.Instrument, lot.Side, lot.StopLoss));
        Assert.Single(await journal.GetOpenPositionFillsAsync());

        // The exit's cancel finished it; the entry (accepted, never marked finished by version 1) is asked about again at start.
        var unfinished = await journal.GetUnfinishedOrdersAsync();
        Assert.Equal(["e-1"], unfinished.Select(o => o.Intent.Record.ClientOrderId.Value));
        Assert.Single(unfinished[0].Events);
    }

    private static void Exec(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
