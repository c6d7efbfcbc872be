namespace Fillwise.Storage;

/// <summary>
/// The journal's schema, as ordered migrations: migration i (0-based) takes the schema to version
/// i + 1. Never edit a released migration; append a new one. Every table is STRICT (values keep the
/// type they were written with) and every decimal is TEXT in Kalshi's exact string form, never REAL.
/// Tables are append-only except positions.closed_at, which is set once.
/// Version 2 made the journal venue-neutral: instruments ("venue:symbol"), buy/sell sides,
/// quantities and prices in each instrument's own precision, long/short lots, exit reasons, and
/// which orders are finished (so a restart follows every order that may still be live).
/// </summary>
internal static class JournalMigrations
{
    /// <summary>"FWJL": marks a SQLite file as a Fillwise journal, so we never migrate someone else's database.</summary>
    public const int ApplicationId = 0x46574A4C;

    public static int LatestVersion => All.Count;

    public static IReadOnlyList<string> All { get; } =
    [
        // Version 1: intents, order events, fills, positions and exits, metadata, engine events.
        """
        CREATE TABLE order_intents (
            seq             INTEGER PRIMARY KEY,
            client_order_id TEXT NOT NULL UNIQUE,
            ticker          TEXT NOT NULL,
            side            TEXT NOT NULL CHECK (side IN ('yes', 'no')),
            action          TEXT NOT NULL CHECK (action IN ('buy', 'sell')),
            count           TEXT NOT NULL,
            limit_price     TEXT NOT NULL,
            purpose         TEXT NOT NULL CHECK (purpose IN ('entry', 'exit', 'hedge', 'manual')),
            strategy        TEXT NOT NULL,
            reason          TEXT NOT NULL,
            metadata_json   TEXT NOT NULL,
            created_at      TEXT NOT NULL,
            recorded_at     TEXT NOT NULL
        ) STRICT;

        CREATE TABLE order_events (
            seq             INTEGER PRIMARY KEY,
            client_order_id TEXT NOT NULL REFERENCES order_intents (client_order_id),
            venue_order_id  TEXT,
            kind            TEXT NOT NULL,
            payload_json    TEXT NOT NULL,
            at              TEXT NOT NULL,
            resolves_intent INTEGER NOT NULL CHECK (resolves_intent IN (0, 1)),
            recorded_at     TEXT NOT NULL
        ) STRICT;
        CREATE INDEX order_events_by_order ON order_events (client_order_id, seq);
        CREATE INDEX order_events_resolving ON order_events (client_order_id) WHERE resolves_intent = 1;

        CREATE TABLE fills (
            seq             INTEGER PRIMARY KEY,
            trade_id        TEXT NOT NULL UNIQUE,
            client_order_id TEXT,
            venue_order_id  TEXT,
            ticker          TEXT NOT NULL,
            side            TEXT NOT NULL CHECK (side IN ('yes', 'no')),
            action          TEXT NOT NULL CHECK (action IN ('buy', 'sell')),
            count           TEXT NOT NULL,
            price           TEXT NOT NULL,
            fee             TEXT NOT NULL,
            is_taker        INTEGER NOT NULL CHECK (is_taker IN (0, 1)),
            at              TEXT NOT NULL,
            recorded_at     TEXT NOT NULL,
            CHECK (client_order_id IS NOT NULL OR venue_order_id IS NOT NULL)
        ) STRICT;
        CREATE INDEX fills_by_order ON fills (client_order_id, seq) WHERE client_order_id IS NOT NULL;
        CREATE INDEX fills_by_venue_order ON fills (venue_order_id, seq) WHERE venue_order_id IS NOT NULL;

        CREATE TABLE positions (
            seq             INTEGER PRIMARY KEY,
            position_id     TEXT NOT NULL UNIQUE,
            ticker          TEXT NOT NULL,
            side            TEXT NOT NULL CHECK (side IN ('yes', 'no')),
            entry_order_id  TEXT REFERENCES order_intents (client_order_id),
            requested_count TEXT NOT NULL,
            stop_loss       TEXT,
            take_profit     TEXT,
            opened_at       TEXT NOT NULL,
            closed_at       TEXT,
            recorded_at     TEXT NOT NULL
        ) STRICT;
        CREATE INDEX positions_open ON positions (seq) WHERE closed_at IS NULL;

        CREATE TABLE position_exits (
            seq             INTEGER PRIMARY KEY,
            position_id     TEXT NOT NULL REFERENCES positions (position_id),
            order_id        TEXT,
            count           TEXT NOT NULL,
            price           TEXT NOT NULL,
            gross_pnl       TEXT NOT NULL,
            fees            TEXT NOT NULL,
            realized_pnl    TEXT NOT NULL,
            at              TEXT NOT NULL,
            kind            TEXT NOT NULL CHECK (kind IN ('stop_loss', 'take_profit', 'manual', 'settlement')),
            recorded_at     TEXT NOT NULL
        ) STRICT;
        CREATE INDEX position_exits_by_position ON position_exits (position_id, seq);

        CREATE TABLE strategy_metadata (
            seq             INTEGER PRIMARY KEY,
            owner_kind      TEXT NOT NULL CHECK (owner_kind IN ('position', 'intent')),
            owner_id        TEXT NOT NULL,
            key             TEXT NOT NULL,
            value_json      TEXT NOT NULL,
            recorded_at     TEXT NOT NULL
        ) STRICT;
        CREATE INDEX strategy_metadata_by_owner ON strategy_metadata (owner_kind, owner_id, key, seq);

        CREATE TABLE engine_events (
            seq             INTEGER PRIMARY KEY,
            kind            TEXT NOT NULL,
            payload_json    TEXT NOT NULL,
            at              TEXT NOT NULL,
            recorded_at     TEXT NOT NULL
        ) STRICT;
        """,
        // Version 2: venue-neutral records. Old rows were Kalshi's: an outcome (yes/no) of a ticker
        // becomes the instrument kalshi:TICKER:yes|no, the action becomes the side, counts and
        // prices keep their text. Tables are rebuilt (SQLite cannot change CHECKs in place):
        // new ones are created beside the old, filled, the old dropped children first, then renamed.
        """
        PRAGMA defer_foreign_keys = ON;

        CREATE TABLE order_intents_v2 (
            seq             INTEGER PRIMARY KEY,
            client_order_id TEXT NOT NULL UNIQUE,
            instrument      TEXT NOT NULL,
            side            TEXT NOT NULL CHECK (side IN ('buy', 'sell')),
            quantity        TEXT NOT NULL,
            limit_price     TEXT NOT NULL,
            purpose         TEXT NOT NULL CHECK (purpose IN ('entry', 'exit', 'hedge', 'manual', 'external')),
            strategy        TEXT NOT NULL,
            reason          TEXT NOT NULL,
            metadata_json   TEXT NOT NULL,
            created_at      TEXT NOT NULL,
            position_id     TEXT,
            recorded_at     TEXT NOT NULL
        ) STRICT;
        INSERT INTO order_intents_v2 (seq, client_order_id, instrument, side, quantity, limit_price, purpose, strategy, reason, metadata_json, created_at, position_id, recorded_at)
            SELECT seq, client_order_id, 'kalshi:' || ticker || ':' || side, action, count, limit_price, purpose, strategy, reason, metadata_json, created_at,
                   CASE WHEN purpose = 'entry' THEN client_order_id END, recorded_at
            FROM order_intents;

        CREATE TABLE order_events_v2 (
            seq             INTEGER PRIMARY KEY,
            client_order_id TEXT NOT NULL REFERENCES order_intents_v2 (client_order_id),
            venue_order_id  TEXT,
            kind            TEXT NOT NULL,
            payload_json    TEXT NOT NULL,
            at              TEXT NOT NULL,
            resolves_intent INTEGER NOT NULL CHECK (resolves_intent IN (0, 1)),
            finishes_order  INTEGER NOT NULL CHECK (finishes_order IN (0, 1)),
            recorded_at     TEXT NOT NULL
        ) STRICT;
        -- Version 1 did not say which orders finished: cancels, expiries, rejections, denials and
        -- "not sent" did; a filled order is asked about once more at the next start, and then marked.
        INSERT INTO order_events_v2 (seq, client_order_id, venue_order_id, kind, payload_json, at, resolves_intent, finishes_order, recorded_at)
            SELECT seq, client_order_id, venue_order_id, kind, payload_json, at, resolves_intent,
                   CASE WHEN kind IN ('Reject', 'Cancel', 'Expire', 'Deny', 'NotSent') THEN 1 ELSE 0 END, recorded_at
            FROM order_events;

        CREATE TABLE fills_v2 (
            seq             INTEGER PRIMARY KEY,
            trade_id        TEXT NOT NULL UNIQUE,
            client_order_id TEXT,
            venue_order_id  TEXT,
            instrument      TEXT NOT NULL,
            side            TEXT NOT NULL CHECK (side IN ('buy', 'sell')),
            quantity        TEXT NOT NULL,
            price           TEXT NOT NULL,
            commission      TEXT NOT NULL,
            is_taker        INTEGER NOT NULL CHECK (is_taker IN (0, 1)),
            at              TEXT NOT NULL,
            recorded_at     TEXT NOT NULL,
            CHECK (client_order_id IS NOT NULL OR venue_order_id IS NOT NULL)
        ) STRICT;
        INSERT INTO fills_v2 (seq, trade_id, client_order_id, venue_order_id, instrument, side, quantity, price, commission, is_taker, at, recorded_at)
            SELECT seq, trade_id, client_order_id, venue_order_id, 'kalshi:' || ticker || ':' || side, action, count, price, fee, is_taker, at, recorded_at
            FROM fills;

        CREATE TABLE positions_v2 (
            seq                INTEGER PRIMARY KEY,
            position_id        TEXT NOT NULL UNIQUE,
            instrument         TEXT NOT NULL,
            side               TEXT NOT NULL CHECK (side IN ('long', 'short')),
            entry_order_id     TEXT REFERENCES order_intents_v2 (client_order_id),
            requested_quantity TEXT NOT NULL,
            stop_loss          TEXT,
            take_profit        TEXT,
            strategy           TEXT NOT NULL,
            reason             TEXT NOT NULL,
            opened_at          TEXT NOT NULL,
            closed_at          TEXT,
            recorded_at        TEXT NOT NULL
        ) STRICT;
        INSERT INTO positions_v2 (seq, position_id, instrument, side, entry_order_id, requested_quantity, stop_loss, take_profit, strategy, reason, opened_at, closed_at, recorded_at)
            SELECT seq, position_id, 'kalshi:' || ticker || ':' || side, 'long', entry_order_id, requested_count, stop_loss, take_profit,
                   'unknown', '', opened_at, closed_at, recorded_at
            FROM positions;

        CREATE TABLE position_exits_v2 (
            seq             INTEGER PRIMARY KEY,
            position_id     TEXT NOT NULL REFERENCES positions_v2 (position_id),
            order_id        TEXT,
            quantity        TEXT NOT NULL,
            price           TEXT NOT NULL,
            gross_pnl       TEXT NOT NULL,
            fees            TEXT NOT NULL,
            realized_pnl    TEXT NOT NULL,
            at              TEXT NOT NULL,
            reason          TEXT NOT NULL CHECK (reason IN ('stop_loss', 'take_profit', 'manual', 'acceptance_policy', 'kill_switch',
                                                            'settlement', 'reconciliation', 'two_leg')),
            recorded_at     TEXT NOT NULL
        ) STRICT;
        INSERT INTO position_exits_v2 (seq, position_id, order_id, quantity, price, gross_pnl, fees, realized_pnl, at, reason, recorded_at)
            SELECT seq, position_id, order_id, count, price, gross_pnl, fees, realized_pnl, at, kind, recorded_at
            FROM position_exits;

        CREATE TABLE strategy_metadata_v2 (
            seq             INTEGER PRIMARY KEY,
            owner_kind      TEXT NOT NULL CHECK (owner_kind IN ('position', 'intent', 'engine')),
            owner_id        TEXT NOT NULL,
            key             TEXT NOT NULL,
            value_json      TEXT NOT NULL,
            recorded_at     TEXT NOT NULL
        ) STRICT;
        INSERT INTO strategy_metadata_v2 SELECT * FROM strategy_metadata;

        DROP TABLE position_exits;
        DROP TABLE order_events;
        DROP TABLE positions;
        DROP TABLE fills;
        DROP TABLE order_intents;
        DROP TABLE strategy_metadata;

        ALTER TABLE order_intents_v2 RENAME TO order_intents;
        ALTER TABLE order_events_v2 RENAME TO order_events;
        ALTER TABLE fills_v2 RENAME TO fills;
        ALTER TABLE positions_v2 RENAME TO positions;
        ALTER TABLE position_exits_v2 RENAME TO position_exits;
        ALTER TABLE strategy_metadata_v2 RENAME TO strategy_metadata;

        CREATE INDEX order_intents_by_position ON order_intents (position_id) WHERE position_id IS NOT NULL;
        CREATE INDEX order_events_by_order ON order_events (client_order_id, seq);
        CREATE INDEX order_events_resolving ON order_events (client_order_id) WHERE resolves_intent = 1;
        CREATE INDEX order_events_finishing ON order_events (client_order_id) WHERE finishes_order = 1;
        CREATE INDEX fills_by_order ON fills (client_order_id, seq) WHERE client_order_id IS NOT NULL;
        CREATE INDEX fills_by_venue_order ON fills (venue_order_id, seq) WHERE venue_order_id IS NOT NULL;
        CREATE INDEX positions_open ON positions (seq) WHERE closed_at IS NULL;
        CREATE INDEX position_exits_by_position ON position_exits (position_id, seq);
        CREATE INDEX strategy_metadata_by_owner ON strategy_metadata (owner_kind, owner_id, key, seq);
        """,
    ];

    /// <summary>Created before any migration runs; one row per applied version.</summary>
    public const string CreateVersionTable =
        """
        CREATE TABLE IF NOT EXISTS schema_version (
            version    INTEGER PRIMARY KEY,
            applied_at TEXT NOT NULL
        ) STRICT;
        """;
}
