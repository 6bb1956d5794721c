package dev.chrysalis.sandbox.worker;

import dev.chrysalis.spi.hook.Hook;
import dev.chrysalis.spi.router.Router;
import dev.chrysalis.spi.skill.Skill;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;

/**
 * The plugin services one bundle registered: skills by name, routers (highest ranking first) and hooks.
 * A candidate may be any of the three kinds, or several.
 */
record CandidateServices(Map<String, Skill> skills, List<Router> routers, List<Hook> hooks) {
    CandidateServices {
        skills = Map.copyOf(skills);
        routers = List.copyOf(routers);
        hooks = List.copyOf(hooks);
    }

    boolean isEmpty() {
        return skills.isEmpty() && routers.isEmpty() && hooks.isEmpty();
    }

    /** What {@code bundle} has registered once it registered anything (components start asynchronously), or after the timeout. */
    static CandidateServices await(BundleContext context, Bundle bundle, long timeoutMillis)
            throws InvalidSyntaxException, InterruptedException {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
        CandidateServices found = of(context, bundle);
        while (found.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(5);
            found = of(context, bundle);
        }
        return found;
    }

    static CandidateServices of(BundleContext context, Bundle bundle) throws InvalidSyntaxException {
        Map<String, Skill> skills = new TreeMap<>();
        for (Skill skill : services(context, bundle, Skill.class)) {
            skills.put(skill.name(), skill);
        }
        return new CandidateServices(skills, services(context, bundle, Router.class), services(context, bundle, Hook.class));
    }

    /** The bundle's services of that type, highest service ranking first. */
    private static <T> List<T> services(BundleContext context, Bundle bundle, Class<T> type) throws InvalidSyntaxException {
        List<ServiceReference<T>> refs = new ArrayList<>();
        for (ServiceReference<T> ref : context.getServiceReferences(type, null)) {
            if (ref.getBundle() == bundle) {
                refs.add(ref);
            }
        }
        refs.sort(java.util.Comparator.reverseOrder()); // ServiceReference order: ranking, then age
        List<T> out = new ArrayList<>();
        for (ServiceReference<T> ref : refs) {
            T service = context.getService(ref);
            if (service != null) {
                out.add(service);
            }
        }
        return out;
    }
}
