package dev.chrysalis.harness.turnlog;

import dev.chrysalis.spi.hook.HookContext;
import java.nio.file.Path;
import java.time.Clock;

record TestHookContext(Path workspace, Clock clock, System.Logger logger) implements HookContext {
}
