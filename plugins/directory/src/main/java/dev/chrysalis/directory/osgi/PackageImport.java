package dev.chrysalis.directory.osgi;

import java.util.ArrayList;
import java.util.List;

/** One Import-Package clause: the package, the versions it accepts, and whether it may stay unwired. */
public record PackageImport(String packageName, VersionRange range, boolean optional) {
    public static List<PackageImport> parse(String header, String where) {
        List<PackageImport> out = new ArrayList<>();
        for (HeaderClause c : HeaderClause.parse(header, where + " Import-Package")) {
            String w = where + " Import-Package " + c.name();
            VersionRange range = c.attribute("version").map(v -> VersionRange.parse(v, w)).orElse(VersionRange.ANY);
            out.add(new PackageImport(c.name(), range, c.directive("resolution").filter("optional"::equals).isPresent()));
        }
        return out;
    }

    @Override
    public String toString() {
        return packageName + (range.equals(VersionRange.ANY) ? "" : ";version=\"" + range + "\"")
                + (optional ? ";resolution:=optional" : "");
    }
}
