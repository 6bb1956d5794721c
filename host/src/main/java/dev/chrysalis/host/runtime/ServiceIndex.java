package dev.chrysalis.host.runtime;

import dev.chrysalis.spi.hook.Hook;
import dev.chrysalis.spi.router.Router;
import dev.chrysalis.spi.skill.Skill;
import dev.chrysalis.spi.skill.SkillDescriptor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.util.tracker.ServiceTrackerCustomizer;

/**
 * Every Skill, Router and Hook service registered in the framework, indexed by the bundle that registered
 * it. Fed by a {@code ServiceTracker}; obtaining the service object here is what activates a delayed DS
 * component, so a component whose constructor or activate method throws shows up as an activation failure
 * of its bundle, which the swap uses to refuse that bundle.
 */
final class ServiceIndex implements ServiceTrackerCustomizer<Object, Object> {
    private static final System.Logger LOG = System.getLogger(ServiceIndex.class.getName());

    static final String FILTER = "(|(objectClass=" + Skill.class.getName() + ")(objectClass=" + Router.class.getName()
            + ")(objectClass=" + Hook.class.getName() + "))";

    enum Type { SKILL, ROUTER, HOOK }

    /** One tracked service. {@code descriptor} is present for skills; {@code priority} matters for hooks. */
    record Entry(ServiceReference<?> reference, Object service, Type type, String name, int priority, int ranking,
                 Optional<SkillDescriptor> descriptor) {
        Entry {
            Objects.requireNonNull(reference, "reference");
            Objects.requireNonNull(service, "service");
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(descriptor, "descriptor");
        }
    }

    private final BundleContext context;
    private final Map<Long, Map<ServiceReference<?>, Entry>> byBundle = new ConcurrentHashMap<>();
    private final Map<Long, List<String>> failures = new ConcurrentHashMap<>();
    private final Runnable onChange;
    /** Counts changes to the entries, so callers can tell a list they derived from them is still current. */
    private final AtomicLong version = new AtomicLong();

    ServiceIndex(BundleContext context, Runnable onChange) {
        this.context = Objects.requireNonNull(context, "context");
        this.onChange = Objects.requireNonNull(onChange, "onChange");
    }

    @Override
    public Object addingService(ServiceReference<Object> reference) {
        long bundleId = reference.getBundle().getBundleId();
        Object service;
        try {
            service = context.getService(reference);
        } catch (RuntimeException e) {
            fail(bundleId, describe(reference) + " could not be obtained: " + e);
            return null;
        }
        if (service == null) {
            fail(bundleId, describe(reference) + " failed to activate (its constructor or activate method threw, or a reference is missing)");
            return null;
        }
        try {
            Entry entry = entryFor(reference, service);
            byBundle.computeIfAbsent(bundleId, id -> new ConcurrentHashMap<>()).put(reference, entry);
            version.incrementAndGet();
        } catch (RuntimeException | LinkageError e) {
            fail(bundleId, describe(reference) + " threw while describing itself: " + e);
            context.ungetService(reference);
            return null;
        }
        onChange.run();
        return service;
    }

    @Override
    public void modifiedService(ServiceReference<Object> reference, Object service) {
    }

    @Override
    public void removedService(ServiceReference<Object> reference, Object service) {
        Map<ServiceReference<?>, Entry> entries = byBundle.get(reference.getBundle() == null ? -1L
                : reference.getBundle().getBundleId());
        if (entries != null) {
            entries.remove(reference);
        } else {
            byBundle.values().forEach(m -> m.remove(reference));
        }
        version.incrementAndGet();
        try {
            context.ungetService(reference);
        } catch (IllegalStateException | IllegalArgumentException ignored) {
            // the framework is stopping or the bundle is gone: nothing left to release
        }
        onChange.run();
    }

    private static Entry entryFor(ServiceReference<?> reference, Object service) {
        int ranking = reference.getProperty(Constants.SERVICE_RANKING) instanceof Integer r ? r : 0;
        return switch (service) {
            case Skill skill -> new Entry(reference, service, Type.SKILL, skill.name(), 0, ranking,
                    Optional.of(SkillDescriptor.of(skill)));
            case Router router -> new Entry(reference, service, Type.ROUTER, router.name(), 0, ranking, Optional.empty());
            case Hook hook -> new Entry(reference, service, Type.HOOK, hook.name(), hook.priority(), ranking, Optional.empty());
            default -> throw new IllegalArgumentException("service " + service.getClass().getName()
                    + " is none of Skill, Router, Hook (objectClass " + Arrays.toString((String[]) reference.getProperty(Constants.OBJECTCLASS)) + ")");
        };
    }

    private void fail(long bundleId, String message) {
        LOG.log(System.Logger.Level.WARNING, "bundle " + bundleId + ": " + message);
        failures.computeIfAbsent(bundleId, id -> new CopyOnWriteArrayList<>()).add(message);
    }

    /** Names a service for a failure message; built only when one is needed (for every service it cost 1% of a swap's CPU). */
    static String describe(ServiceReference<?> reference) {
        Object component = reference.getProperty("component.name");
        String[] classes = (String[]) reference.getProperty(Constants.OBJECTCLASS);
        String types = classes == null ? "?" : String.join(",", Arrays.stream(classes)
                .map(c -> c.substring(c.lastIndexOf('.') + 1)).toList());
        return types + " service" + (component == null ? "" : " of component '" + component + "'")
                + " from bundle " + reference.getBundle().getSymbolicName();
    }

    Collection<Entry> entries(long bundleId) {
        Map<ServiceReference<?>, Entry> entries = byBundle.get(bundleId);
        return entries == null ? List.of() : entries.values();
    }

    Optional<Entry> find(long bundleId, Type type, String name) {
        Map<ServiceReference<?>, Entry> entries = byBundle.get(bundleId);
        if (entries == null) {
            return Optional.empty();
        }
        for (Entry e : entries.values()) {
            if (e.type() == type && e.name().equals(name)) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }

    List<String> failures(long bundleId) {
        List<String> f = failures.get(bundleId);
        return f == null ? List.of() : new ArrayList<>(f);
    }

    /** Changes so far; it grows with every entry added or removed. */
    long version() {
        return version.get();
    }

    void forget(long bundleId) {
        failures.remove(bundleId);
        byBundle.remove(bundleId);
        version.incrementAndGet();
    }
}
