package dev.chrysalis.directory.install;

import java.util.List;
import java.util.Optional;

/**
 * Where the directory puts bundles once every check has passed. The host implements this with its live Felix
 * runtime (install, hot swap, uninstall and refresh); {@link FolderPluginInstaller} keeps a plugins folder and a
 * JSON state file, for hosts that pick the folder up at start and for tests.
 */
public interface PluginInstaller {
    /** Every installed bundle. */
    List<InstalledBundle> installed();

    default Optional<InstalledBundle> find(String id) {
        return installed().stream().filter(b -> b.id().equals(id)).findFirst();
    }

    /** Installs a new bundle (none with the same id is installed). */
    void install(InstalledBundle bundle, byte[] jar);

    /** Replaces the installed {@code old} with {@code replacement} of the same id, refreshing {@code refresh}. */
    void replace(InstalledBundle old, InstalledBundle replacement, byte[] jar, List<String> refresh);

    /** Removes an installed bundle, refreshing {@code refresh}. */
    void remove(InstalledBundle bundle, List<String> refresh);
}
