package dev.chrysalis.directory.osgi;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chrysalis.directory.resolve.BaseEnvironment;
import org.junit.jupiter.api.Test;

class LdapFilterTest {
    private static final HeaderClause EE = BaseEnvironment.executionEnvironment(25);
    private static final HeaderClause DS = HeaderClause.parse(
            "osgi.extender;osgi.extender=\"osgi.component\";version:Version=\"1.5.1\"", "t").getFirst();

    private static boolean m(String filter, HeaderClause c) {
        return LdapFilter.parse(filter, "t").matches(c);
    }

    @Test
    void executionEnvironmentListMatchesAnyListedVersion() {
        assertTrue(m("(&(osgi.ee=JavaSE)(version=25))", EE));
        assertTrue(m("(&(osgi.ee=JavaSE)(version=1.8))", EE));
        assertFalse(m("(&(osgi.ee=JavaSE)(version=26))", EE));
        assertFalse(m("(&(osgi.ee=JavaSE/compact1)(version=25))", EE));
    }

    @Test
    void versionRangesCompareAsVersionsNotStrings() {
        assertTrue(m("(&(osgi.extender=osgi.component)(version>=1.5.0)(!(version>=2.0.0)))", DS));
        assertFalse(m("(&(osgi.extender=osgi.component)(version>=1.10.0))", DS), "1.5.1 < 1.10.0 as versions");
        assertTrue(m("(|(osgi.extender=nope)(osgi.extender=osgi.comp*))", DS));
        assertTrue(m("(version=*)", DS));
        assertFalse(m("(missing=*)", DS));
    }

    @Test
    void malformedFiltersNameThePosition() {
        var e = assertThrows(ManifestFormatException.class, () -> LdapFilter.parse("(&(a=1)", "X"));
        assertTrue(e.getMessage().startsWith("X: filter '(&(a=1)': expected ')'"), e.getMessage());
        assertThrows(ManifestFormatException.class, () -> LdapFilter.parse("(a=1))", "X"));
        assertThrows(ManifestFormatException.class, () -> LdapFilter.parse("(=1)", "X"));
    }

    @Test
    void escapedStarIsALiteralNotAWildcard() {
        HeaderClause c = HeaderClause.parse("ns;a=\"x*y\"", "t").getFirst();
        HeaderClause d = HeaderClause.parse("ns;a=\"xzy\"", "t").getFirst();
        assertTrue(m("(a=x\\*y)", c));
        assertFalse(m("(a=x\\*y)", d));
        assertTrue(m("(a=x*y)", d));
    }
}
