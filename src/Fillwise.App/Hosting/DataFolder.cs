namespace Fillwise.App.Hosting;

/// <summary>
/// The engine's data folder (journal, control token, keys, logs) is its owner's alone, for `run` as
/// for `paper`: the folder 0700, every file the engine writes there 0600, created so from the first
/// byte (never written readable and tightened after). On Windows the folder's inherited ACL applies.
/// </summary>
public static class DataFolder
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode FileMode0600 = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode Others = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    /// <summary>
    /// Creates the folder 0700, or takes group and other access away from one that exists. A folder
    /// we cannot change (not ours) is left as it is: the files in it are still 0600.
    /// </summary>
    public static void Prepare(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
            return;
        }
        if (!Directory.Exists(path))
        {
            Directory.CreateDirectory(path, OwnerOnly);
            return;
        }
        try
        {
            var mode = File.GetUnixFileMode(path);
            if ((mode & Others) != 0) File.SetUnixFileMode(path, mode & ~Others);
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    /// <summary>Opens a file of the data folder to write, creating it 0600 (an existing one loses group and other access).</summary>
    public static FileStream OpenPrivate(string path, FileMode mode)
    {
        if (OperatingSystem.IsWindows()) return new FileStream(path, mode, FileAccess.Write, FileShare.Read);
        var stream = new FileStream(path, new FileStreamOptions { Mode = mode, Access = FileAccess.Write, Share = FileShare.Read, UnixCreateMode = FileMode0600 });
        KeepPrivate(path);
        return stream;
    }

    /// <summary>Takes group and other access away from a file an older build (or a person) left readable.</summary>
    public static void KeepPrivate(string file)
    {
        if (OperatingSystem.IsWindows() || !File.Exists(file)) return;
        var mode = File.GetUnixFileMode(file);
        if ((mode & Others) != 0) File.SetUnixFileMode(file, mode & ~Others);
    }

    /// <summary>Writes a secret (a key, a token, credentials) readable by its owner only; returns its path.</summary>
    public static async Task<string> WriteSecretAsync(string path, string content, CancellationToken ct)
    {
        await using (var writer = new StreamWriter(OpenPrivate(path, FileMode.Create)))
        {
            await writer.WriteAsync(content.AsMemory(), ct);
        }
        return path;
    }

    /// <inheritdoc cref="WriteSecretAsync"/>
    public static void WriteSecret(string path, string content)
    {
        using var writer = new StreamWriter(OpenPrivate(path, FileMode.Create));
        writer.Write(content);
    }
}
