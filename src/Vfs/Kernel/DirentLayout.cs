using System.Buffers.Binary;
using System.Text;

namespace PtFs.Vfs.Kernel;

/// <summary>struct linux_dirent64: d_ino, d_off, d_reclen, d_type, the NUL-terminated name, padded to 8.</summary>
public static class DirentLayout
{
    private const int HeaderSize = 19;

    public static int RecordLength(string name) => (HeaderSize + Encoding.UTF8.GetByteCount(name) + 1 + 7) & ~7;

    /// <summary>Writes one record; false when it does not fit.</summary>
    public static bool TryWrite(Span<byte> buffer, ulong inode, long nextOffset, FileType type, string name, out int length)
    {
        length = RecordLength(name);
        if (length > buffer.Length) return false;
        var record = buffer[..length];
        record.Clear();
        BinaryPrimitives.WriteUInt64LittleEndian(record, inode);
        BinaryPrimitives.WriteInt64LittleEndian(record[8..], nextOffset);
        BinaryPrimitives.WriteUInt16LittleEndian(record[16..], (ushort)length);
        record[18] = DirentType(type);
        Encoding.UTF8.GetBytes(name, record[HeaderSize..]);
        return true;
    }

    /// <summary>DT_* is the file type's S_IFMT bits shifted down (DT_REG 8, DT_DIR 4, DT_LNK 10, DT_FIFO 1...).</summary>
    public static byte DirentType(FileType type) => (byte)(((int)type >> 12) & 0xF);
}
