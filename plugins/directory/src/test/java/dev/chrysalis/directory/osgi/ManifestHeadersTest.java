package dev.chrysalis.directory.osgi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ManifestHeadersTest {
    @Test
    void importPackageWithQuotedRangesAndOptionalResolution() {
        var imports = PackageImport.parse("com.fasterxml.jackson.databind;version=\"[2.22,3)\",a.b;c.d;version=1.2,"
                + "e.f;resolution:=optional", "t");
        assertEquals(List.of("com.fasterxml.jackson.databind", "a.b", "c.d", "e.f"),
                imports.stream().map(PackageImport::packageName).toList());
        assertEquals("[2.22.0,3.0.0)", imports.get(0).range().toString());
        assertEquals("1.2.0", imports.get(2).range().toString());
        assertTrue(imports.get(3).optional());
    }

    @Test
    void provideCapabilityKeepsQuotedCommasAndTypedAttributes() {
        var c = HeaderClause.parse("osgi.service;objectClass:List<String>=\"a.B,c.D\";uses:=\"x,y\",osgi.ee;osgi.ee=JavaSE", "t");
        assertEquals(2, c.size());
        assertEquals("a.B,c.D", c.get(0).attribute("objectClass").orElseThrow());
        assertEquals("x,y", c.get(0).directive("uses").orElseThrow());
        assertEquals("osgi.ee", c.get(1).name());
    }

    @Test
    void versionRangesIncludeAndExcludeTheirEnds() {
        VersionRange r = VersionRange.parse("[1.0,2)", "t");
        assertTrue(r.includes(Version.parse("1.0.0", "t")));
        assertTrue(r.includes(Version.parse("1.9.9.zzz", "t")));
        assertFalse(r.includes(Version.parse("2.0.0", "t")));
        assertFalse(VersionRange.parse("(1.0,1.5]", "t").includes(Version.parse("1.0", "t")));
        assertTrue(VersionRange.parse("(1.0,1.5]", "t").includes(Version.parse("1.5", "t")));
        assertTrue(VersionRange.parse("1.5", "t").includes(Version.parse("99", "t")));
        assertTrue(Version.parse("1.0.0.b", "t").isNewerThan(Version.parse("1.0.0.a", "t")));
        assertTrue(Version.parse("1.10", "t").isNewerThan(Version.parse("1.9.9", "t")));
    }

    @Test
    void badHeadersNameThePlaceAndText() {
        assertEquals("X Import-Package a.b: '1.x' is not an OSGi version (major.minor.micro.qualifier)",
                assertThrows(ManifestFormatException.class, () -> PackageImport.parse("a.b;version=\"1.x\"", "X")).getMessage());
        assertTrue(assertThrows(ManifestFormatException.class, () -> HeaderClause.parse("a;b=\"open", "X"))
                .getMessage().contains("unterminated quote"));
        assertTrue(assertThrows(ManifestFormatException.class, () -> VersionRange.parse("[2,1)", "X"))
                .getMessage().contains("ends below its start"));
    }
}
