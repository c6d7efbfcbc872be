using Fillwise.App.Control;
using Fillwise.App.Hosting;

namespace Fillwise.App.Tests.Hosting;

/// <summary>Issue 17, finding 6: the data folder is its owner's alone (0700) and every file the engine writes there is 0600, for `run` as for `paper`.</summary>
public sealed class DataFolderTests : IDisposable
{
    private const UnixFileMode Owner = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode OwnerFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private readonly string _root = Path.Combine(Path.GetTempPath(), "fillwise-datafolder-" + Guid.NewGuid().ToString("N"));

    public DataFolderTests() => Directory.CreateDirectory(_root);

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void A_new_data_folder_is_created_0700()
    {
        if (OperatingSystem.IsWindows()) return;
        var data = Path.Combine(_root, "new", "data");
        DataFolder.Prepare(data);
        Assert.Equal(Owner, File.GetUnixFileMode(data));
    }

    [Fact]
    public void An_existing_world_readable_folder_loses_group_and_other_access()
    {
        if (OperatingSystem.IsWindows()) return;
        var data = Path.Combine(_root, "old");
        Directory.CreateDirectory(data, Owner | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        DataFolder.Prepare(data);
        Assert.Equal(Owner, File.GetUnixFileMode(data));
    }

    [Fact]
    public void A_generated_control_token_is_written_0600_and_the_start_line_can_name_its_file()
    {
        var data = Path.Combine(_root, "run");
        var token = ControlToken.Resolve(null, data);
        var file = Path.GetFullPath(Path.Combine(data, "control-token"));
        Assert.Equal(file, token.FilePath);
        Assert.Equal(token.Value, File.ReadAllText(file));
        if (OperatingSystem.IsWindows()) return;
        Assert.Equal(OwnerFile, File.GetUnixFileMode(file));
        Assert.Equal(Owner, File.GetUnixFileMode(data));
    }

    [Fact]
    public void A_token_file_an_older_build_left_readable_is_tightened_when_read()
    {
        if (OperatingSystem.IsWindows()) return;
        var file = Path.Combine(_root, "control-token");
        File.WriteAllText(file, "0123456789abcdef0123");
        File.SetUnixFileMode(file, OwnerFile | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        var token = ControlToken.Resolve(null, _root);
        Assert.Equal("0123456789abcdef0123", token.Value);
        Assert.Equal(OwnerFile, File.GetUnixFileMode(file));
    }

    [Fact]
    public void A_given_token_writes_no_file_and_names_none()
    {
        var data = Path.Combine(_root, "given");
        var token = ControlToken.Resolve("given-token-0123456789", data);
        Assert.Null(token.FilePath);
        Assert.False(File.Exists(Path.Combine(data, "control-token")));
    }

    [Fact]
    public void The_log_beside_the_live_panel_is_written_0600()
    {
        if (OperatingSystem.IsWindows()) return;
        var path = Path.Combine(_root, "run.log");
        using (new LogTail(path, TimeProvider.System)) { }
        Assert.Equal(OwnerFile, File.GetUnixFileMode(path));
    }
}
