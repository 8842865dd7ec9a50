using FluentAssertions;
using Xunit;

namespace PtFs.EndToEnd.Tests;

/// <summary>The mount point as the program sees it from outside: listed in its parent, and ".." leads back out.</summary>
public class MountPointTests
{
    [Fact]
    public void A_mount_point_that_is_not_on_disk_is_listed_in_its_real_parent_once()
    {
        using var parent = new TempDir();
        File.WriteAllText(parent["real"], "");
        string at = parent["mnt"];
        var run = Ptfs.Run("mount", "--provider", "memory", "--at", at, "--", "/bin/sh", "-c",
            $"ls -a '{parent.Path}'; python3 -c \"import os; print(sorted(os.listdir('{parent.Path}')))\"; find '{parent.Path}' -mindepth 1 | sort");
        run.Stdout.Should().Be($".\n..\nmnt\nreal\n['mnt', 'real']\n{at}\n{parent["real"]}\n");
        Directory.Exists(at).Should().BeFalse();
    }

    [Fact]
    public void A_mount_point_that_exists_on_disk_is_listed_once()
    {
        using var parent = new TempDir();
        Directory.CreateDirectory(parent["mnt"]);
        var run = Ptfs.Run("mount", "--provider", "memory", "--at", parent["mnt"], "--", "ls", "-a", parent.Path);
        run.Stdout.Should().Be(".\n..\nmnt\n");
    }

    [Fact]
    public void Dot_dot_from_the_mount_root_leads_to_the_real_parent()
    {
        using var parent = new TempDir();
        File.WriteAllText(parent["beside"], "next to the mount\n");
        string at = parent["mnt"];
        var run = Ptfs.Run("mount", "--provider", "memory", "--at", at, "--", "/bin/sh", "-c",
            $"cd '{at}' && cat ../beside && cd .. && pwd && cat '{at}/../beside'");
        run.Stdout.Should().Be($"next to the mount\n{parent.Path}\nnext to the mount\n");
        run.ExitCode.Should().Be(0);
    }

    [Fact]
    public void Proc_self_fd_and_dev_stdin_of_a_virtual_fd_name_the_virtual_file()
    {
        string at = "/tmp/ptfs-magic-" + Guid.NewGuid().ToString("N")[..8];
        var run = Ptfs.Run("mount", "--provider", "memory", "--at", at, "--", "/bin/sh", "-c",
            $"echo magic > {at}/f; exec 5< {at}/f; cat /proc/self/fd/5 /dev/fd/5; readlink /proc/self/fd/5; cat /dev/stdin < {at}/f; " +
            $"ls -l /proc/self/fd/ | grep -o '5 -> .*'");
        run.Stdout.Should().Be($"magic\nmagic\n{at}/f\nmagic\n5 -> {at}/f\n");
    }

    [Fact]
    public void Real_directories_above_a_mount_point_need_search_permission_as_on_disk()
    {
        using var parent = new TempDir();
        Directory.CreateDirectory(parent["locked"]);
        Directory.CreateDirectory(parent["searchable"]);
        File.SetUnixFileMode(parent["locked"], UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        File.SetUnixFileMode(parent["searchable"], UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.OtherExecute);
        const string AsNobody = "setpriv --reuid=65534 --regid=65534 --clear-groups";
        string Script(string root) => $"echo data > '{root}/locked/m/f' && echo data > '{root}/searchable/m/f' && " +
            $"{AsNobody} cat '{root}/locked/m/f' 2>&1; {AsNobody} cat '{root}/searchable/m/f'; cd '{root}/locked/m' && {AsNobody} cat f 2>&1";

        Directory.CreateDirectory(parent["locked/m"]);
        Directory.CreateDirectory(parent["searchable/m"]);
        var native = Ptfs.RunNative("/bin/sh", "-c", Script(parent.Path));
        Directory.Delete(parent["locked/m"], recursive: true);
        Directory.Delete(parent["searchable/m"], recursive: true);
        var mounted = Ptfs.Run("mount", "-m", $"{parent["locked/m"]}=memory", "-m", $"{parent["searchable/m"]}=memory", "--", "/bin/sh", "-c", Script(parent.Path));

        mounted.Stdout.Should().Be(native.Stdout);
        native.Stdout.Should().Contain("Permission denied").And.Contain("data");
    }
}
