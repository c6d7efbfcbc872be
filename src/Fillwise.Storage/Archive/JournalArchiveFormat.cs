using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Fillwise.Engine.Journal;

namespace Fillwise.Storage.Archive;

/// <summary>
/// A journal as JSON lines: a header line, one line per row (every table, parents first, each in
/// sequence order), and an end line with the count, so a truncated file is never taken for a
/// whole one. Values are the journal's own exact text forms (decimals as strings, times UTC with
/// 100 ns), flags are true/false, JSON documents are strings: nothing is re-formatted on the way.
/// </summary>
/// <example>
/// {"format":"fillwise-journal","version":1,"source":"sqlite"}
/// {"type":"intent","seq":1,"recorded_at":"2026-03-01T14:30:00.0000000Z","client_order_id":"c-1",...}
/// {"type":"end","records":1}
/// </example>
public static class JournalArchiveFormat
{
    public const string FormatName = "fillwise-journal";
    public const int Version = 1;

    private static readonly (string Type, string Table)[] Types =
    [
        ("intent", ArchiveTables.Intents),
        ("order_event", ArchiveTables.OrderEvents),
        ("fill", ArchiveTables.Fills),
        ("position", ArchiveTables.Positions),
        ("exit", ArchiveTables.Exits),
        ("metadata", ArchiveTables.Metadata),
        ("engine_event", ArchiveTables.EngineEvents),
    ];

    private static readonly JsonWriterOptions WriterOptions = new()
    {
        // Readable text for people restoring by hand; values round-trip exactly either way.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Indented = false,
    };

    private static string TypeOf(string table) => Types.First(t => t.Table == table).Type;

    /// <summary>Writes every entry as UTF-8 lines, then the end line; returns how many entries were written.</summary>
    public static async Task<long> WriteAsync(IAsyncEnumerable<ArchiveEntry> entries, Stream output, string source, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(output);
        await using var writer = new StreamWriter(output, Utf8, bufferSize: 64 * 1024, leaveOpen: true);
        return await WriteAsync(entries, writer, source, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Writes every entry, then the end line, one per line ("\n"); returns how many entries were written.</summary>
    public static async Task<long> WriteAsync(IAsyncEnumerable<ArchiveEntry> entries, TextWriter output, string source, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentNullException.ThrowIfNull(output);
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(4096);
        using var json = new Utf8JsonWriter(buffer, WriterOptions);
        async Task Line()
        {
            await json.FlushAsync(cancellationToken).ConfigureAwait(false);
            await output.WriteAsync(Utf8.GetString(buffer.WrittenSpan).AsMemory(), cancellationToken).ConfigureAwait(false);
            await output.WriteAsync('\n').ConfigureAwait(false);
            buffer.Clear();
            json.Reset();
        }

        json.WriteStartObject();
        json.WriteString("format", FormatName);
        json.WriteNumber("version", Version);
        json.WriteString("source", source);
        json.WriteEndObject();
        await Line().ConfigureAwait(false);

        long count = 0;
        await foreach (var entry in entries.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            WriteEntry(json, entry);
            await Line().ConfigureAwait(false);
            count++;
        }

        json.WriteStartObject();
        json.WriteString("type", "end");
        json.WriteNumber("records", count);
        json.WriteEndObject();
        await Line().ConfigureAwait(false);
        await output.FlushAsync(cancellationToken).ConfigureAwait(false);
        return count;
    }

    private static void WriteEntry(Utf8JsonWriter json, ArchiveEntry entry)
    {
        json.WriteStartObject();
        json.WriteString("type", TypeOf(entry.Table));
        json.WriteNumber("seq", entry.Sequence);
        json.WriteString("recorded_at", JournalText.Time(entry.RecordedAt));
        var columns = ArchiveTables.Columns(entry.Table);
        var values = ArchiveTables.Values(entry);
        for (var i = 0; i < columns.Length; i++)
        {
            switch (values[i])
            {
                case null: json.WriteNull(columns[i]); break;
                case string text: json.WriteString(columns[i], text); break;
                case long flag when JournalRows.IsFlag(columns[i]): json.WriteBoolean(columns[i], flag != 0); break;
                default: throw new InvalidOperationException($"column {columns[i]} holds a {values[i]!.GetType().Name}");
            }
        }
        json.WriteEndObject();
    }

    /// <summary>
    /// Reads an archive lazily, entry by entry, checking as it goes: the header, every value through
    /// the Domain parsers, tables in archive order, sequences rising within a table, and the end
    /// line with the right count. A problem is a <see cref="JournalCorruptException"/> naming the line.
    /// </summary>
    public static IEnumerable<ArchiveEntry> Read(TextReader input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var lineNumber = 0;
        string? line;
        do
        {
            line = input.ReadLine();
            lineNumber++;
        }
        while (line is not null && line.Length == 0);
        if (line is null)
            throw new JournalCorruptException("the archive is empty: it has no header line");
        ReadHeader(line, lineNumber);

        var table = -1;
        var lastSeq = long.MinValue;
        long count = 0;
        while ((line = input.ReadLine()) is not null)
        {
            lineNumber++;
            if (line.Length == 0)
                continue;
            using var document = Parse(line, lineNumber);
            var root = document.RootElement;
            var type = root.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString()! : null;
            if (type == "end")
            {
                var records = root.TryGetProperty("records", out var r) && r.TryGetInt64(out var n) ? n
                    : throw new JournalCorruptException($"archive line {lineNumber}: the end line has no record count");
                if (records != count)
                    throw new JournalCorruptException($"archive line {lineNumber}: the end line counts {records} records but {count} came before it");
                while ((line = input.ReadLine()) is not null)
                {
                    lineNumber++;
                    if (line.Length > 0)
                        throw new JournalCorruptException($"archive line {lineNumber}: text after the end line");
                }
                yield break;
            }
            var index = Array.FindIndex(Types, x => x.Type == type);
            if (index < 0)
                throw new JournalCorruptException($"archive line {lineNumber}: type '{type}' is not a journal record type (known: {string.Join(", ", Types.Select(x => x.Type))}, end)");
            if (index < table)
                throw new JournalCorruptException($"archive line {lineNumber}: a {type} after the {Types[table].Type} records: an archive lists tables in order");
            if (index > table)
            {
                table = index;
                lastSeq = long.MinValue;
            }
            var source = new JsonRowSource(root, lineNumber, type!, ArchiveTables.Columns(Types[index].Table));
            var entry = ArchiveTables.Read(Types[index].Table, new StoredRow(source));
            if (entry.Sequence <= lastSeq)
                throw new JournalCorruptException($"archive line {lineNumber}: {type} seq {entry.Sequence} does not follow seq {lastSeq}: sequences rise within a table");
            lastSeq = entry.Sequence;
            count++;
            yield return entry;
        }
        throw new JournalCorruptException($"the archive ends at line {lineNumber} without its end line: it is truncated; nothing after line {lineNumber} was there");
    }

    private static JsonDocument Parse(string line, int lineNumber)
    {
        try
        {
            var document = JsonDocument.Parse(line);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                document.Dispose();
                throw new JournalCorruptException($"archive line {lineNumber} is not a JSON object");
            }
            return document;
        }
        catch (JsonException e)
        {
            throw new JournalCorruptException($"archive line {lineNumber} is not JSON: {e.Message}", e);
        }
    }

    private static void ReadHeader(string line, int lineNumber)
    {
        using var document = Parse(line, lineNumber);
        var root = document.RootElement;
        var format = root.TryGetProperty("format", out var f) && f.ValueKind == JsonValueKind.String ? f.GetString() : null;
        if (format != FormatName)
            throw new JournalCorruptException($"archive line {lineNumber}: not a Fillwise journal archive (format '{format}', expected '{FormatName}')");
        if (!root.TryGetProperty("version", out var v) || !v.TryGetInt32(out var version))
            throw new JournalCorruptException($"archive line {lineNumber}: the header has no version");
        if (version != Version)
            throw new JournalCorruptException($"archive line {lineNumber}: archive format version {version} is not one this build reads ({Version})");
    }

    /// <summary>One archive line as a row: only the table's own columns (plus type, seq, recorded_at), each present.</summary>
    private sealed class JsonRowSource : IRowSource
    {
        private readonly JsonElement _row;
        private readonly int _line;
        private readonly string _type;

        public JsonRowSource(JsonElement row, int line, string type, string[] columns)
        {
            _row = row;
            _line = line;
            _type = type;
            foreach (var property in row.EnumerateObject())
            {
                if (property.Name is not ("type" or "seq" or "recorded_at") && Array.IndexOf(columns, property.Name) < 0)
                    throw new JournalCorruptException($"{Where}: '{property.Name}' is not a field of a {type}");
            }
            foreach (var column in columns)
            {
                if (!row.TryGetProperty(column, out _))
                    throw new JournalCorruptException($"{Where}: field '{column}' is missing");
            }
        }

        public object? Value(string column)
        {
            if (!_row.TryGetProperty(column, out var value))
                throw new JournalCorruptException($"{Where}: field '{column}' is missing");
            return value.ValueKind switch
            {
                JsonValueKind.Null => null,
                JsonValueKind.String => value.GetString(),
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                JsonValueKind.Number when value.TryGetInt64(out var number) => number,
                _ => throw new JournalCorruptException($"{Where}: field '{column}' is {value.ValueKind}, not a string, flag or null"),
            };
        }

        public long? Sequence =>
            _row.TryGetProperty("seq", out var seq) && seq.TryGetInt64(out var value) && value > 0 ? value
                : throw new JournalCorruptException($"{Where}: seq is missing or not a positive whole number");

        public string Where => string.Create(CultureInfo.InvariantCulture, $"archive line {_line} ({_type})");
    }

    internal static Encoding Utf8 { get; } = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
}
