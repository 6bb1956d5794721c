package dev.chrysalis.directory.resolve;

import dev.chrysalis.directory.osgi.HeaderClause;
import dev.chrysalis.directory.osgi.PackageExport;
import dev.chrysalis.directory.osgi.Version;
import java.lang.module.ModuleDescriptor;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * What the host offers every bundle before any plugin is installed: the packages its system bundle exports and
 * the generic capabilities it provides (the {@code osgi.ee} execution environments of the running JDK, the
 * {@code osgi.extender} of Declarative Services). {@code java.*} packages are always there.
 */
public record BaseEnvironment(List<PackageExport> packages, List<HeaderClause> capabilities) {
    public BaseEnvironment {
        packages = List.copyOf(packages);
        capabilities = List.copyOf(capabilities);
    }

    /**
     * The execution environments of the running JDK ({@code JavaSE} 1.0 to 1.8, then 9 up to the feature
     * release), as Felix's system bundle provides them.
     */
    public static HeaderClause executionEnvironment(int feature) {
        List<String> versions = new ArrayList<>();
        for (int i = 0; i <= 8; i++) {
            versions.add("1." + i);
        }
        for (int i = 9; i <= feature; i++) {
            versions.add(Integer.toString(i));
        }
        return HeaderClause.parse("osgi.ee;osgi.ee=\"JavaSE\";version:List<Version>=\"" + String.join(",", versions) + "\"",
                "host execution environment").getFirst();
    }

    /**
     * The Chrysalis host: the plugin SPI packages at 1.0.0, Jackson, the OSGi framework, Declarative Services and
     * promise/function APIs it ships, and every package the running JDK's boot layer exports (as Felix's system
     * bundle exports them, at 0.0.0).
     */
    public static BaseEnvironment chrysalisHost() {
        List<PackageExport> p = new ArrayList<>();
        for (String spi : List.of("brain", "hook", "replay", "router", "skill")) {
            p.add(new PackageExport("dev.chrysalis.spi." + spi, new Version(1, 0, 0, "")));
        }
        Version jackson = new Version(2, 22, 4, "");
        for (String j : List.of("com.fasterxml.jackson.core", "com.fasterxml.jackson.core.type",
                "com.fasterxml.jackson.databind", "com.fasterxml.jackson.databind.node",
                "com.fasterxml.jackson.databind.json", "com.fasterxml.jackson.annotation")) {
            p.add(new PackageExport(j, jackson));
        }
        p.add(new PackageExport("org.osgi.framework", new Version(1, 10, 0, "")));
        p.add(new PackageExport("org.osgi.service.component", new Version(1, 5, 1, "")));
        p.add(new PackageExport("org.osgi.service.component.annotations", new Version(1, 5, 1, "")));
        p.add(new PackageExport("org.osgi.util.promise", new Version(1, 3, 0, "")));
        p.add(new PackageExport("org.osgi.util.function", new Version(1, 2, 0, "")));
        Set<String> jdk = new TreeSet<>();
        for (Module m : ModuleLayer.boot().modules()) {
            for (ModuleDescriptor.Exports e : m.getDescriptor().exports()) {
                if (!e.isQualified() && !e.source().startsWith("java.")) {
                    jdk.add(e.source());
                }
            }
        }
        jdk.forEach(pkg -> p.add(new PackageExport(pkg, Version.ZERO)));
        return new BaseEnvironment(p, List.of(executionEnvironment(Runtime.version().feature()),
                HeaderClause.parse("osgi.extender;osgi.extender=\"osgi.component\";version:Version=\"1.5.1\"",
                        "host Declarative Services").getFirst()));
    }

    /** Nothing but {@code java.*}: for tests and for checking a bundle against exactly the given packages. */
    public static BaseEnvironment bare(List<PackageExport> packages) {
        return new BaseEnvironment(packages, List.of(executionEnvironment(Runtime.version().feature())));
    }

    public BaseEnvironment with(List<PackageExport> more) {
        List<PackageExport> all = new ArrayList<>(packages);
        all.addAll(more);
        return new BaseEnvironment(all, capabilities);
    }
}
