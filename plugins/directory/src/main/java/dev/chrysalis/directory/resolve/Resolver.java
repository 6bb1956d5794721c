package dev.chrysalis.directory.resolve;

import dev.chrysalis.directory.install.InstalledBundle;
import dev.chrysalis.directory.osgi.BundleMetadata;
import dev.chrysalis.directory.osgi.HeaderClause;
import dev.chrysalis.directory.osgi.LdapFilter;
import dev.chrysalis.directory.osgi.ManifestFormatException;
import dev.chrysalis.directory.osgi.PackageExport;
import dev.chrysalis.directory.osgi.PackageImport;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A resolver dry run over package wiring: every mandatory Import-Package of the new bundle, and of every
 * installed bundle after the change, must be met by an export (name and version range) of the base environment
 * or an installed bundle; each mandatory Require-Capability clause needs a capability of the base environment or
 * an installed bundle that its filter matches. Nothing is installed.
 */
public final class Resolver {
    private final BaseEnvironment base;

    public Resolver(BaseEnvironment base) {
        this.base = base;
    }

    private record Provider(String who, PackageExport export) {
    }

    private record Offer(String who, HeaderClause capability) {
    }

    /** Installing {@code candidate}, replacing the installed bundle of the same id when there is one. */
    public ResolutionPlan planInstall(BundleMetadata candidate, List<InstalledBundle> installed) {
        Optional<InstalledBundle> old = installed.stream().filter(b -> b.id().equals(candidate.symbolicName())).findFirst();
        List<InstalledBundle> others = installed.stream().filter(b -> !b.id().equals(candidate.symbolicName())).toList();
        List<Provider> before = providers(installed);
        List<Provider> after = providers(others);
        String who = candidate.symbolicName() + " " + candidate.version();
        candidate.exports().forEach(e -> after.add(new Provider(who, e)));

        List<String> wiring = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (PackageImport imp : candidate.imports()) {
            if (imp.packageName().startsWith("java.")) {
                continue;
            }
            Optional<Provider> p = best(after, imp);
            if (p.isPresent()) {
                wiring.add(imp + " <- " + p.get().who() + " (" + p.get().export().version() + ")");
            } else if (imp.optional()) {
                wiring.add(imp + " <- nobody (optional, left unwired)");
            } else {
                missing.add(who + " imports " + imp.packageName() + " " + imp.range() + ": " + offered(after, imp));
            }
        }
        List<Offer> offers = offers(others);
        candidate.provided().forEach(c -> offers.add(new Offer(who, c)));
        for (HeaderClause req : candidate.required()) {
            if (!mandatory(req)) {
                continue;
            }
            Optional<LdapFilter> filter;
            try {
                filter = filter(req, who);
            } catch (ManifestFormatException bad) {
                missing.add(bad.getMessage());
                continue;
            }
            List<Offer> same = offers.stream().filter(o -> o.capability().name().equals(req.name())).toList();
            Optional<Offer> match = same.stream().filter(o -> filter.map(f -> f.matches(o.capability())).orElse(true)).findFirst();
            if (match.isPresent()) {
                wiring.add("capability " + req.name() + req.directive("filter").map(f -> " " + f).orElse("") + " <- "
                        + match.get().who());
            } else {
                missing.add(who + " requires capability " + req.text() + ": " + (same.isEmpty()
                        ? "no installed bundle provides namespace " + req.name()
                        : "no " + req.name() + " capability matches (on offer: " + String.join("; ",
                        same.stream().map(o -> o.capability().text() + " from " + o.who()).toList()) + ")"));
            }
        }
        Set<String> refresh = new LinkedHashSet<>();
        List<String> breaks = new ArrayList<>();
        old.ifPresent(o -> dependents(o, others, before, after, offers(installed), offers, refresh, breaks));
        List<String> install = List.of(old.map(o -> o.id() + " " + o.version() + " -> " + candidate.version())
                .orElse(who));
        return new ResolutionPlan(install, List.of(), List.copyOf(refresh), wiring, missing, breaks);
    }

    /** Removing the installed bundle {@code id}. */
    public ResolutionPlan planRemove(String id, List<InstalledBundle> installed) {
        InstalledBundle gone = installed.stream().filter(b -> b.id().equals(id)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException(id + " is not installed"));
        List<InstalledBundle> others = installed.stream().filter(b -> !b.id().equals(id)).toList();
        List<String> missing = new ArrayList<>();
        Set<String> refresh = new LinkedHashSet<>();
        dependents(gone, others, providers(installed), providers(others), offers(installed), offers(others), refresh,
                missing);
        return new ResolutionPlan(List.of(), List.of(gone.id() + " " + gone.version()), List.copyOf(refresh), List.of(),
                List.of(), missing);
    }

    private void dependents(InstalledBundle changed, List<InstalledBundle> others, List<Provider> before,
                            List<Provider> after, List<Offer> offersBefore, List<Offer> offersAfter, Set<String> refresh,
                            List<String> missing) {
        List<HeaderClause> changedProvides = HeaderClause.parse(String.join(",", changed.provides()), changed.id());
        List<PackageExport> changedExports = PackageExport.parse(String.join(",", changed.exports()), changed.id());
        for (InstalledBundle b : others) {
            for (PackageImport imp : PackageImport.parse(String.join(",", b.imports()), b.id())) {
                if (imp.packageName().startsWith("java.")) {
                    continue;
                }
                boolean wiredToChanged = changedExports.stream().anyMatch(e -> e.satisfies(imp));
                if (wiredToChanged) {
                    refresh.add(b.id() + " " + b.version());
                }
                if (!imp.optional() && best(before, imp).isPresent() && best(after, imp).isEmpty()) {
                    missing.add(b.id() + " " + b.version() + " imports " + imp.packageName() + " " + imp.range()
                            + ", which only " + changed.id() + " " + changed.version() + " exports");
                }
            }
            for (HeaderClause req : HeaderClause.parse(String.join(",", b.requires()), b.id() + " Require-Capability")) {
                if (!mandatory(req)) {
                    continue;
                }
                Optional<LdapFilter> f;
                try {
                    f = filter(req, b.id());
                } catch (ManifestFormatException bad) {
                    continue;
                }
                java.util.function.Predicate<HeaderClause> meets = c -> c.name().equals(req.name())
                        && f.map(x -> x.matches(c)).orElse(true);
                if (changedProvides.stream().anyMatch(meets)) {
                    refresh.add(b.id() + " " + b.version());
                }
                if (offersBefore.stream().map(Offer::capability).anyMatch(meets)
                        && offersAfter.stream().map(Offer::capability).noneMatch(meets)) {
                    missing.add(b.id() + " " + b.version() + " requires capability " + req.text() + ", which only "
                            + changed.id() + " " + changed.version() + " provides");
                }
            }
        }
    }

    private List<Offer> offers(List<InstalledBundle> bundles) {
        List<Offer> out = new ArrayList<>();
        base.capabilities().forEach(c -> out.add(new Offer("host", c)));
        for (InstalledBundle b : bundles) {
            HeaderClause.parse(String.join(",", b.provides()), b.id() + " Provide-Capability")
                    .forEach(c -> out.add(new Offer(b.id() + " " + b.version(), c)));
        }
        return out;
    }

    private static boolean mandatory(HeaderClause req) {
        return req.directive("effective").filter(e -> !e.equals("resolve")).isEmpty()
                && req.directive("resolution").filter("optional"::equals).isEmpty();
    }

    private static Optional<LdapFilter> filter(HeaderClause req, String who) {
        return req.directive("filter").map(f -> LdapFilter.parse(f, who + " Require-Capability " + req.name()));
    }

    private List<Provider> providers(List<InstalledBundle> bundles) {
        List<Provider> out = new ArrayList<>();
        base.packages().forEach(p -> out.add(new Provider("host", p)));
        for (InstalledBundle b : bundles) {
            PackageExport.parse(String.join(",", b.exports()), b.id())
                    .forEach(e -> out.add(new Provider(b.id() + " " + b.version(), e)));
        }
        return out;
    }

    private static Optional<Provider> best(List<Provider> providers, PackageImport imp) {
        return providers.stream().filter(p -> p.export().satisfies(imp))
                .max(Comparator.comparing(p -> p.export().version()));
    }

    private static String offered(List<Provider> providers, PackageImport imp) {
        List<String> same = providers.stream().filter(p -> p.export().packageName().equals(imp.packageName()))
                .map(p -> p.export().version() + " from " + p.who()).toList();
        return same.isEmpty() ? "no installed bundle or host package exports it"
                : "only " + String.join(", ", same) + " on offer";
    }

    /** The base environment this resolver checks against. */
    public BaseEnvironment base() {
        return base;
    }

    /** Plain names of what a bundle's metadata provides, for {@link InstalledBundle#provides()}. */
    public static List<String> clauses(List<HeaderClause> clauses) {
        return clauses.stream().map(HeaderClause::text).toList();
    }
}
