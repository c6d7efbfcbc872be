namespace Fillwise.Storage;
internal static class StorageAssembly { }
