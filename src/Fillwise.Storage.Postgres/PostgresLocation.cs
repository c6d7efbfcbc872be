using System.Globalization;
using Npgsql;

namespace Fillwise.Storage.Postgres;

/// <summary>
/// A PostgreSQL connection string understood, checked and described: who connects where, never
/// with what password. Every message this journal writes names the server through here.
/// </summary>
public static class PostgresLocation
{
    /// <summary>Null when <paramref name="connectionString"/> is a usable Npgsql connection string with a host; else why not (without echoing a password).</summary>
    public static string? Problem(string connectionString)
    {
        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or InvalidCastException)
        {
            return "is not a valid PostgreSQL connection string: " + Redact(e.Message, connectionString);
        }
        if (string.IsNullOrWhiteSpace(builder.Host))
            return "is a connection string without Host=: PostgreSQL needs a host (SQLite needs no connection string at all)";
        return null;
    }

    /// <summary>"postgresql://user@host:port/database": enough to find the server, nothing secret.</summary>
    public static string Describe(string connectionString)
    {
        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or InvalidCastException)
        {
            return "postgresql://(an unreadable connection string)";
        }
        var user = string.IsNullOrEmpty(builder.Username) ? string.Empty : builder.Username + "@";
        var database = string.IsNullOrEmpty(builder.Database) ? "(default database)" : builder.Database;
        return string.Create(CultureInfo.InvariantCulture, $"postgresql://{user}{builder.Host}:{builder.Port}/{database}");
    }

    /// <summary>Removes the connection string's password (and the whole string) from a message, should a library have put either there.</summary>
    public static string Redact(string message, string connectionString)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (string.IsNullOrEmpty(connectionString))
            return message;
        var result = message.Replace(connectionString, "(connection string)", StringComparison.Ordinal);
        string? password = null;
        try
        {
            password = new NpgsqlConnectionStringBuilder(connectionString).Password;
        }
        catch (Exception e) when (e is ArgumentException or FormatException or InvalidCastException)
        {
            // An unreadable string: the whole of it was removed above.
        }
        return string.IsNullOrEmpty(password) ? result : result.Replace(password, "***", StringComparison.Ordinal);
    }
}
