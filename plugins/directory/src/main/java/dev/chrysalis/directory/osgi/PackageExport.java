package dev.chrysalis.directory.osgi;

import java.util.ArrayList;
import java.util.List;

/** One Export-Package clause: a package at a version (0.0.0 when the exporter names none). */
public record PackageExport(String packageName, Version version) {
    public static List<PackageExport> parse(String header, String where) {
        List<PackageExport> out = new ArrayList<>();
        for (HeaderClause c : HeaderClause.parse(header, where + " Export-Package")) {
            String w = where + " Export-Package " + c.name();
            out.add(new PackageExport(c.name(), c.attribute("version").map(v -> Version.parse(v, w)).orElse(Version.ZERO)));
        }
        return out;
    }

    public boolean satisfies(PackageImport imp) {
        return packageName.equals(imp.packageName()) && imp.range().includes(version);
    }

    @Override
    public String toString() {
        return packageName + ";version=\"" + version + "\"";
    }
}
