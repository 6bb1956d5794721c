package dev.chrysalis.directory.keys;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.SignatureException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;

/**
 * An Ed25519 publisher key: the public half (always) and the private half (when this machine may sign).
 * Its id is {@code ed25519:} and the first 16 bytes, in hex, of the SHA-256 of the X.509 encoded public key.
 */
public record PublisherKey(String name, PublicKey publicKey, Optional<PrivateKey> privateKey) {
    public static final String ALGORITHM = "Ed25519";

    public String keyId() {
        return keyId(publicKey);
    }

    public static String keyId(PublicKey key) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(key.getEncoded());
            return "ed25519:" + HexFormat.of().formatHex(d, 0, 16);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    /** Base64 Ed25519 signature of {@code data}; @throws KeyException when this key has no private half */
    public String sign(byte[] data) {
        PrivateKey pk = privateKey.orElseThrow(() -> new KeyException("key '" + name + "' (" + keyId()
                + ") has no private key here; it cannot sign"));
        try {
            Signature s = Signature.getInstance(ALGORITHM);
            s.initSign(pk);
            s.update(data);
            return Base64.getEncoder().encodeToString(s.sign());
        } catch (GeneralSecurityException e) {
            throw new KeyException("cannot sign with key '" + name + "': " + e.getMessage(), e);
        }
    }

    /** Whether {@code signatureBase64} is this key's signature of {@code data}; false for any malformed signature. */
    public static boolean verify(PublicKey key, byte[] data, String signatureBase64) {
        byte[] sig;
        try {
            sig = Base64.getDecoder().decode(signatureBase64.getBytes(StandardCharsets.US_ASCII));
        } catch (IllegalArgumentException e) {
            return false;
        }
        try {
            Signature s = Signature.getInstance(ALGORITHM);
            s.initVerify(key);
            s.update(data);
            return s.verify(sig);
        } catch (SignatureException e) {
            return false;
        } catch (GeneralSecurityException e) {
            throw new KeyException("cannot verify with key " + keyId(key) + ": " + e.getMessage(), e);
        }
    }
}
