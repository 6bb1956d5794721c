package dev.chrysalis.host.runtime;

import org.apache.felix.framework.Logger;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceReference;

/** Sends the framework's own log lines to {@code System.Logger} instead of standard output. */
final class FelixLogBridge extends Logger {
    private static final System.Logger LOG = System.getLogger("dev.chrysalis.host.felix");

    @Override
    protected void doLog(Bundle bundle, @SuppressWarnings("rawtypes") ServiceReference sr, int level, String msg,
                         Throwable throwable) {
        String prefix = bundle == null ? "" : bundle.getSymbolicName() + " [" + bundle.getBundleId() + "]: ";
        doLog(level, prefix + msg, throwable);
    }

    @Override
    protected void doLog(int level, String msg, Throwable throwable) {
        System.Logger.Level l = switch (level) {
            case LOG_ERROR -> System.Logger.Level.ERROR;
            case LOG_WARNING -> System.Logger.Level.WARNING;
            case LOG_INFO -> System.Logger.Level.INFO;
            default -> System.Logger.Level.DEBUG;
        };
        if (throwable == null) {
            LOG.log(l, msg);
        } else {
            LOG.log(l, msg, throwable);
        }
    }
}
