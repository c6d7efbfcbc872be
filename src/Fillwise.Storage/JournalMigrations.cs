namespace Fillwise.Storage;

/// <summary>
/// The journal's schema, as ordered migrations: migration i (0-based) takes the schema to version
/// i + 1. Never edit a released migration; append a new one. Every table is STRICT (values keep the
/// type they were written with) and every decimal is TEXT in Kalshi's exact string form, never REAL.
/// Tables are append-only except positions.closed_at, which is set once.
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
