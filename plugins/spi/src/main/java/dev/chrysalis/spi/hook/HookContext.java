package dev.chrysalis.spi.hook;

import java.nio.file.Path;
import java.time.Clock;
import org.osgi.annotation.versioning.ProviderType;

/** What the host lends a hook for one call. */
@ProviderType
public interface HookContext {

    /** A directory the hook may write to (e.g. its log files); kept across turns. */
    Path workspace();

    Clock clock();

    System.Logger logger();
}
