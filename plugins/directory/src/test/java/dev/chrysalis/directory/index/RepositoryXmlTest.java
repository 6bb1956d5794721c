package dev.chrysalis.directory.index;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

class RepositoryXmlTest {
    @Test
    void everyEntryIsAResourceWithIdentityContentAndPackageWiring() throws Exception {
        String xml = RepositoryXml.write("test & co", Instant.ofEpochMilli(42),
                List.of(IndexCodecTest.entry("a.one", "1.2.3"), IndexCodecTest.entry("b.two", "2.0.0")));
        var f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        var doc = f.newDocumentBuilder().parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
        Element root = doc.getDocumentElement();
        assertEquals(RepositoryXml.NAMESPACE, root.getNamespaceURI());
        assertEquals("test & co", root.getAttribute("name"));
        assertEquals("42", root.getAttribute("increment"));
        NodeList resources = root.getElementsByTagNameNS(RepositoryXml.NAMESPACE, "resource");
        assertEquals(2, resources.getLength());
        Element first = (Element) resources.item(0);
        List<String> namespaces = new ArrayList<>();
        NodeList caps = first.getElementsByTagNameNS(RepositoryXml.NAMESPACE, "capability");
        for (int i = 0; i < caps.getLength(); i++) {
            namespaces.add(((Element) caps.item(i)).getAttribute("namespace"));
        }
        assertEquals(List.of("osgi.identity", "osgi.content", "osgi.wiring.bundle", "osgi.wiring.package", "x.cap"), namespaces);
        assertEquals("a.one", attr((Element) caps.item(0), "osgi.identity"));
        assertEquals("1.2.3", attr((Element) caps.item(0), "version"));
        assertEquals("a".repeat(64), attr((Element) caps.item(1), "osgi.content"));
        assertEquals("bundles/a.one.jar", attr((Element) caps.item(1), "url"));
        Element req = (Element) first.getElementsByTagNameNS(RepositoryXml.NAMESPACE, "requirement").item(0);
        assertEquals("osgi.wiring.package", req.getAttribute("namespace"));
        Element filter = (Element) req.getElementsByTagNameNS(RepositoryXml.NAMESPACE, "directive").item(0);
        assertEquals("(&(osgi.wiring.package=dev.chrysalis.spi.skill)(&(version>=1.0.0)(!(version>=2.0.0))))",
                filter.getAttribute("value"));
    }

    private static String attr(Element cap, String name) {
        NodeList attrs = cap.getElementsByTagNameNS(RepositoryXml.NAMESPACE, "attribute");
        for (int i = 0; i < attrs.getLength(); i++) {
            Element a = (Element) attrs.item(i);
            if (a.getAttribute("name").equals(name)) {
                return a.getAttribute("value");
            }
        }
        throw new AssertionError("no attribute " + name);
    }
}
