package dev.chrysalis.host.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chrysalis.governance.Governance;
import dev.chrysalis.governance.audit.AuditEntry;
import dev.chrysalis.governance.policy.PolicyReader;
import dev.chrysalis.host.HostConfig;
import dev.chrysalis.host.evidence.EvidenceSummary;
import dev.chrysalis.host.evidence.FailureKind;
import dev.chrysalis.host.server.HostServer;
import dev.chrysalis.host.shell.Answer;
import dev.chrysalis.host.shell.HostControl;
import dev.chrysalis.host.testplugins.TestPlugins;
import dev.chrysalis.host.testplugins.ToolCallBrain;
import dev.chrysalis.sandbox.guard.Rule;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sandbox's guard rules in the live host, per bundle: what a plugin's {@code Chrysalis-Capabilities} header
 * declares is all it may do. Runs in a JVM with the guard agent (the host's surefire configuration, as ./chrysalis).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CapabilityGuardTest {

    @TempDir
    Path temp;

    /** A local server that answers every connection with one line. */
    private static ServerSocket greeter() throws IOException {
        ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofPlatform().daemon().start(() -> {
            while (!server.isClosed()) {
                try (Socket s = server.accept(); OutputStream out = s.getOutputStream()) {
                    out.write("hello from the host\n".getBytes(StandardCharsets.UTF_8));
                } catch (IOException e) {
                    return;
                }
            }
        });
        return server;
    }

    private HostControl host(Path data, String capabilities) {
        Path bundles = TestPlugins.bundlesDir(temp.resolve("bundles-" + capabilities),
                TestPlugins.probe(temp, capabilities), TestPlugins.echo(temp, "1.0.0", "same"));
        return HostControl.open(HostConfig.of(data, bundles).withBrain(new ToolCallBrain()));
    }

    @Test
    void aBundleWithoutNetIsDeniedASocketTheCallFailsClearlyIsRecordedAndAuditedAndTheHostKeepsServing() throws Exception {
        Path data = temp.resolve("data");
        try (ServerSocket greeter = greeter();
             HostControl host = host(data, null);
             Governance gov = Governance.open(data, PolicyReader.defaults(), Clock.systemUTC());
             HostServer server = HostServer.start(host, gov, new InetSocketAddress("127.0.0.1", 0),
                     data.resolve("directory").toString(), HostServer.planWithoutTraffic(Duration.ZERO), Clock.systemUTC())) {
            assertTrue(host.plugins().guarded(), "the host tests run with the guard agent, as ./chrysalis does");
            List<GuardDenial> denials = new CopyOnWriteArrayList<>();
            host.plugins().onGuardDenial(denials::add);

            Answer denied = host.ask("net-probe {\"port\": " + greeter.getLocalPort() + "}");
            assertTrue(denied.text().startsWith("error: "), denied.text());
            assertTrue(denied.text().contains("denied network"), denied.text());
            assertTrue(denied.text().contains("bundle test.probe 1.0.0 (declared capabilities: none)"), denied.text());
            assertEquals(1, denials.size(), denials.toString());
            assertEquals(Rule.NETWORK, denials.getFirst().violation().rule());
            assertEquals("test.probe", denials.getFirst().plugin());
            assertEquals(1, host.plugins().guardDenials());

            // recorded as a failed turn in the evidence store, attributed to the skill, with the guard's words
            List<EvidenceSummary> evidence = host.evidence().evidence(10);
            assertEquals(1, evidence.size(), evidence.toString());
            assertEquals(denied.turnId(), evidence.getFirst().turnId());
            assertEquals(List.of(FailureKind.VIOLATION), evidence.getFirst().kinds());
            assertTrue(evidence.getFirst().firstMessage().contains("denied network"), evidence.getFirst().firstMessage());

            // audited in the governance log, which still verifies
            List<AuditEntry> audited = gov.audit().entries().stream().filter(e -> e.kind().equals("guard.denied")).toList();
            assertEquals(1, audited.size(), gov.audit().entries().toString());
            assertTrue(audited.getFirst().detail().contains("network"), audited.getFirst().detail());
            assertTrue(gov.audit().verify() instanceof dev.chrysalis.governance.audit.AuditVerification.Intact);

            // no fs.read either: a workspace file is refused; other skills and later calls are served as before
            Path note = Files.createDirectories(data.resolve("workspace")).resolve("note.txt");
            Files.writeString(note, "a note\n");
            Answer file = host.ask("net-probe {\"file\": \"" + note + "\"}");
            assertTrue(file.text().contains("denied file-read"), file.text());
            assertEquals("hi", host.ask("mode-echo {\"text\": \"hi\"}").text());
            assertEquals(2, denials.size());
            assertEquals("ACTIVE", host.plugins().plugin("test.probe").orElseThrow().state());
        }
    }

    @Test
    void theSameBundleDeclaringNetMayConnectAndWithFsReadMayReadTheWorkspaceButNothingOutsideIt() throws Exception {
        Path data = temp.resolve("data");
        Path outside = Files.writeString(temp.resolve("outside.txt"), "secret\n");
        try (ServerSocket greeter = greeter(); HostControl host = host(data, "net, fs.read")) {
            List<GuardDenial> denials = new CopyOnWriteArrayList<>();
            host.plugins().onGuardDenial(denials::add);
            assertEquals("hello from the host", host.ask("net-probe {\"port\": " + greeter.getLocalPort() + "}").text());
            Path note = Files.createDirectories(data.resolve("workspace")).resolve("note.txt");
            Files.writeString(note, "a note\n");
            assertEquals("a note", host.ask("net-probe {\"file\": \"" + note + "\"}").text());
            assertEquals(List.of(), denials);

            Answer secret = host.ask("net-probe {\"file\": \"" + outside + "\"}");
            assertTrue(secret.text().contains("denied file-read: " + outside.toAbsolutePath().normalize()), secret.text());
            assertEquals(1, denials.size());
        }
    }
}
