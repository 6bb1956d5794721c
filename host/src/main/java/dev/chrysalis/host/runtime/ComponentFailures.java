package dev.chrysalis.host.runtime;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;

/**
 * Why a bundle's DS components failed, as SCR records it ({@code ComponentConfigurationDTO.failure}, DS 1.4+),
 * so a refused jar's message says what the component threw. The component runtime API lives in a bundle, not
 * on the host class path, so it is read reflectively through the classes SCR itself sees.
 */
final class ComponentFailures {
    private static final String RUNTIME = "org.osgi.service.component.runtime.ServiceComponentRuntime";
    private static final int MAX_CHARS = 400;

    private final BundleContext context;

    ComponentFailures(BundleContext context) {
        this.context = context;
    }

    /** "component 'x': the exception" for every failed component configuration of {@code bundle}; empty when unknown. */
    List<String> of(Bundle bundle) {
        ServiceReference<?> reference;
        try {
            // getAll: the host does not import the component runtime package, so it skips the class-space check
            ServiceReference<?>[] all = context.getAllServiceReferences(RUNTIME, null);
            reference = all == null || all.length == 0 ? null : all[0];
        } catch (org.osgi.framework.InvalidSyntaxException e) {
            return List.of();
        }
        if (reference == null) {
            return List.of();
        }
        Object runtime = context.getService(reference);
        if (runtime == null) {
            return List.of();
        }
        try {
            Class<?> api = reference.getBundle().loadClass(RUNTIME);
            Method descriptions = api.getMethod("getComponentDescriptionDTOs", Bundle[].class);
            List<String> failures = new ArrayList<>();
            Collection<?> all = (Collection<?>) descriptions.invoke(runtime, (Object) new Bundle[] {bundle});
            for (Object description : all) {
                Method configurations = api.getMethod("getComponentConfigurationDTOs", description.getClass());
                String name = String.valueOf(description.getClass().getField("name").get(description));
                for (Object configuration : (Collection<?>) configurations.invoke(runtime, description)) {
                    Field failure = configuration.getClass().getField("failure");
                    Object text = failure.get(configuration);
                    if (text != null) {
                        failures.add("component '" + name + "': " + summarize(text.toString()));
                    }
                }
            }
            return failures;
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return List.of();
        } finally {
            try {
                context.ungetService(reference);
            } catch (IllegalStateException ignored) {
                // framework stopping
            }
        }
    }

    /** The first line and the deepest "Caused by" of a stack trace, capped. */
    static String summarize(String trace) {
        String[] lines = trace.strip().split("\\R");
        String first = lines[0].strip();
        String cause = "";
        for (String line : lines) {
            if (line.strip().startsWith("Caused by:")) {
                cause = line.strip();
            }
        }
        String summary = cause.isEmpty() || first.contains(cause.substring("Caused by:".length()).strip())
                ? first : first + " / " + cause;
        return summary.length() <= MAX_CHARS ? summary : summary.substring(0, MAX_CHARS) + "...";
    }
}
