package dev.chrysalis.evolution.mutate;

/**
 * Which paths a coder (the LLM coder, an external agent) may change: the plugin's own Java sources, named as
 * plain relative paths inside the plugin folder. Build files, resources and anything outside are not theirs to touch.
 */
public final class PluginPaths {
    /** Where editable files live inside a plugin folder. */
    public static final String SOURCE_ROOT = "src/main/java/";

    private PluginPaths() {
    }

    /** Whether {@code path} may be changed. */
    public static boolean editable(String path) {
        return problem(path) == null;
    }

    /** Why {@code path} may not be edited, or null when it may. */
    public static String problem(String path) {
        if (path.isEmpty()) {
            return "no file named";
        }
        if (path.startsWith("/") || path.contains("\\") || path.contains(":") || path.contains("\u0000")) {
            return "'" + path + "' is not a relative path inside the plugin";
        }
        for (String part : path.split("/", -1)) {
            if (part.equals("..") || part.equals(".") || part.isEmpty()) {
                return "'" + path + "' leaves or escapes the plugin folder (no '..', '.' or empty path parts)";
            }
        }
        if (!path.startsWith(SOURCE_ROOT) || !path.endsWith(".java")) {
            return "'" + path + "' is outside the plugin's Java sources (" + SOURCE_ROOT + "**.java)";
        }
        return null;
    }
}
