package dev.chrysalis.governance.promotion;

import java.nio.file.Path;
import java.util.Optional;

/**
 * What governance needs from the host's plugin runtime to promote and roll back. The host implements it
 * over Felix. Every method must be idempotent: after a crash, recovery repeats the last step.
 */
public interface LiveSwitch {

    /** The digest serving {@code plugin} now, when it is installed. */
    Optional<String> liveDigest(String plugin);

    /** Loads {@code artifact} beside the live version without serving ordinary calls (for shadow and canary calls). */
    void stage(String plugin, String digest, Path artifact) throws SwitchException;

    /**
     * Makes {@code digest} serve every call of {@code plugin} (a hot swap), durably: after a host restart the
     * same digest is live. Swapping to the digest already live does nothing.
     */
    void swapTo(String plugin, String digest) throws SwitchException;

    /** Removes {@code plugin} entirely (rolling back a first install, which has no earlier version); nothing when absent. */
    void uninstall(String plugin) throws SwitchException;

    /** Unloads a staged version that is not live; nothing when it is not staged. */
    void unstage(String plugin, String digest);
}
