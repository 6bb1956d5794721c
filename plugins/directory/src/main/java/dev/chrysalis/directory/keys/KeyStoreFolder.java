package dev.chrysalis.directory.keys;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Publisher keys as PEM files in a folder: {@code <name>.key.pem} (PKCS#8 "PRIVATE KEY", owner-only) and
 * {@code <name>.pub.pem} (X.509 "PUBLIC KEY").
 */
public final class KeyStoreFolder {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private final Path dir;

    public KeyStoreFolder(Path dir) {
        this.dir = dir;
    }

    public Path dir() {
        return dir;
    }

    /** Generates a new key pair; @throws KeyException when a key of that name exists (keys are never overwritten) */
    public PublisherKey generate(String name) {
        checkName(name);
        Path priv = dir.resolve(name + ".key.pem");
        Path pub = dir.resolve(name + ".pub.pem");
        if (Files.exists(priv) || Files.exists(pub)) {
            throw new KeyException("key '" + name + "' already exists in " + dir + "; refusing to overwrite it");
        }
        KeyPair pair;
        try {
            pair = KeyPairGenerator.getInstance(PublisherKey.ALGORITHM).generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new KeyException("this JDK cannot generate Ed25519 keys: " + e.getMessage(), e);
        }
        try {
            Files.createDirectories(dir);
            writeOwnerOnly(priv, pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
            Files.writeString(pub, pem("PUBLIC KEY", pair.getPublic().getEncoded()));
        } catch (IOException e) {
            throw new KeyException("cannot write key '" + name + "' to " + dir + ": " + e.getMessage(), e);
        }
        return new PublisherKey(name, pair.getPublic(), Optional.of(pair.getPrivate()));
    }

    /** The named key with its private half when the folder holds it. */
    public PublisherKey load(String name) {
        checkName(name);
        Path pub = dir.resolve(name + ".pub.pem");
        Path priv = dir.resolve(name + ".key.pem");
        if (!Files.exists(pub)) {
            throw new KeyException("no public key " + pub + " (generate one with 'directory keygen " + name + "')");
        }
        PublicKey publicKey = readPublic(pub);
        Optional<PrivateKey> privateKey = Files.exists(priv) ? Optional.of(readPrivate(priv)) : Optional.empty();
        return new PublisherKey(name, publicKey, privateKey);
    }

    public static PublicKey readPublic(Path file) {
        byte[] der = readPem(file, "PUBLIC KEY");
        try {
            return KeyFactory.getInstance(PublisherKey.ALGORITHM).generatePublic(new X509EncodedKeySpec(der));
        } catch (GeneralSecurityException e) {
            throw new KeyException(file + ": not an Ed25519 public key (" + e.getMessage() + ")", e);
        }
    }

    public static PrivateKey readPrivate(Path file) {
        byte[] der = readPem(file, "PRIVATE KEY");
        try {
            return KeyFactory.getInstance(PublisherKey.ALGORITHM).generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (GeneralSecurityException e) {
            throw new KeyException(file + ": not an Ed25519 private key (" + e.getMessage() + ")", e);
        }
    }

    public static PublicKey decodePublic(String base64, String where) {
        try {
            return KeyFactory.getInstance(PublisherKey.ALGORITHM)
                    .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(base64)));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new KeyException(where + ": not a base64 X.509 Ed25519 public key (" + e.getMessage() + ")", e);
        }
    }

    static byte[] readPem(Path file, String type) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new KeyException("cannot read key file " + file + ": " + e.getMessage(), e);
        }
        String begin = "-----BEGIN " + type + "-----";
        String end = "-----END " + type + "-----";
        int b = text.indexOf(begin);
        int e = text.indexOf(end);
        if (b < 0 || e < b) {
            throw new KeyException(file + ": no '" + begin + "' ... '" + end + "' block");
        }
        try {
            return Base64.getMimeDecoder().decode(text.substring(b + begin.length(), e).strip());
        } catch (IllegalArgumentException ex) {
            throw new KeyException(file + ": the PEM body is not base64 (" + ex.getMessage() + ")", ex);
        }
    }

    static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(der) + "\n-----END " + type + "-----\n";
    }

    private static void writeOwnerOnly(Path file, String text) throws IOException {
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(file);
        }
        Files.writeString(file, text);
    }

    private static void checkName(String name) {
        if (!NAME.matcher(name).matches()) {
            throw new KeyException("key name '" + name + "' must be 1-64 letters, digits, '.', '_' or '-'");
        }
    }
}
