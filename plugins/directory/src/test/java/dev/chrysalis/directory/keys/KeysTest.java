package dev.chrysalis.directory.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chrysalis.governance.capability.TrustTier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeysTest {
    @Test
    void generatedKeyLoadsBackFromPemAndSignsVerifiably(@TempDir Path tmp) throws Exception {
        var store = new KeyStoreFolder(tmp);
        PublisherKey k = store.generate("acme");
        assertTrue(Files.readString(tmp.resolve("acme.key.pem")).startsWith("-----BEGIN PRIVATE KEY-----"));
        assertTrue(Files.readString(tmp.resolve("acme.pub.pem")).startsWith("-----BEGIN PUBLIC KEY-----"));
        PublisherKey loaded = store.load("acme");
        assertEquals(k.keyId(), loaded.keyId());
        assertTrue(k.keyId().matches("ed25519:[0-9a-f]{32}"));
        byte[] data = "hello".getBytes(StandardCharsets.UTF_8);
        String sig = loaded.sign(data);
        assertTrue(PublisherKey.verify(k.publicKey(), data, sig));
        assertFalse(PublisherKey.verify(k.publicKey(), "hellO".getBytes(StandardCharsets.UTF_8), sig));
        assertFalse(PublisherKey.verify(k.publicKey(), data, "not base64 !"));
        assertTrue(assertThrows(KeyException.class, () -> store.generate("acme")).getMessage().contains("refusing to overwrite"));
    }

    @Test
    void publicOnlyKeyCannotSign(@TempDir Path tmp) throws Exception {
        var store = new KeyStoreFolder(tmp);
        store.generate("acme");
        Files.delete(tmp.resolve("acme.key.pem"));
        var e = assertThrows(KeyException.class, () -> store.load("acme").sign(new byte[1]));
        assertTrue(e.getMessage().contains("has no private key here"), e.getMessage());
    }

    @Test
    void trustedKeysPersistAndRefuseAKeyIdThatDoesNotMatchItsKey(@TempDir Path tmp) throws Exception {
        var store = new KeyStoreFolder(tmp.resolve("k"));
        PublisherKey a = store.generate("a");
        PublisherKey b = store.generate("b");
        Path file = tmp.resolve("trusted.json");
        TrustedKeys.load(file).trust("a", a.publicKey(), TrustTier.VERIFIED);
        TrustedKeys again = TrustedKeys.load(file);
        assertEquals(TrustTier.VERIFIED, again.find(a.keyId()).orElseThrow().maxTier());
        assertTrue(again.find(b.keyId()).isEmpty());
        Files.writeString(file, Files.readString(file).replace(a.keyId(), b.keyId()));
        var e = assertThrows(KeyException.class, () -> TrustedKeys.load(file));
        assertTrue(e.getMessage().contains("does not match its public key"), e.getMessage());
    }

    @Test
    void malformedPemIsAClearError(@TempDir Path tmp) throws Exception {
        Files.writeString(tmp.resolve("x.pub.pem"), "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n");
        var e = assertThrows(KeyException.class, () -> new KeyStoreFolder(tmp).load("x"));
        assertTrue(e.getMessage().contains("x.pub.pem: not an Ed25519 public key"), e.getMessage());
    }
}
