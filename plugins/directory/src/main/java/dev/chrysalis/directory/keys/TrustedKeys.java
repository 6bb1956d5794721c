package dev.chrysalis.directory.keys;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chrysalis.governance.capability.TrustTier;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * The publisher keys a host trusts, each with the highest trust tier it may vouch for, kept in a JSON file:
 * {@code {"keys": [{"keyId": "ed25519:...", "name": "acme", "publicKey": "<base64 X.509>", "maxTier": "verified"}]}}.
 * The key id is recomputed from the public key on load; a file whose id does not match its key is refused.
 */
public final class TrustedKeys {
    /** One trusted key. */
    public record Trusted(String keyId, String name, PublicKey publicKey, TrustTier maxTier) {
    }

    private final Path file;
    private final List<Trusted> keys;
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private TrustedKeys(Path file, List<Trusted> keys) {
        this.file = file;
        this.keys = new ArrayList<>(keys);
    }

    /** Loads the file; a missing file is an empty set of trusted keys. */
    public static TrustedKeys load(Path file) {
        if (!Files.exists(file)) {
            return new TrustedKeys(file, List.of());
        }
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new KeyException("trusted keys file " + file + " is not JSON: " + e.getMessage(), e);
        }
        if (root == null || !root.path("keys").isArray()) {
            throw new KeyException("trusted keys file " + file + " has no 'keys' array");
        }
        List<Trusted> out = new ArrayList<>();
        int i = 0;
        for (JsonNode k : root.get("keys")) {
            i++;
            String where = file + " key #" + i;
            PublicKey pk = KeyStoreFolder.decodePublic(k.path("publicKey").asText(""), where);
            String id = PublisherKey.keyId(pk);
            if (!id.equals(k.path("keyId").asText(id))) {
                throw new KeyException(where + ": keyId " + k.path("keyId").asText() + " does not match its public key (" + id + ")");
            }
            TrustTier tier = TrustTier.byId(k.path("maxTier").asText("community")).orElseThrow(() -> new KeyException(
                    where + ": maxTier '" + k.path("maxTier").asText() + "' is not untrusted, community, verified or core"));
            out.add(new Trusted(id, k.path("name").asText(id), pk, tier));
        }
        return new TrustedKeys(file, out);
    }

    public synchronized Optional<Trusted> find(String keyId) {
        return keys.stream().filter(k -> k.keyId().equals(keyId)).findFirst();
    }

    public synchronized List<Trusted> all() {
        return List.copyOf(keys);
    }

    /** Adds (or replaces the tier of) a key and saves the file. */
    public synchronized Trusted trust(String name, PublicKey key, TrustTier maxTier) {
        Trusted t = new Trusted(PublisherKey.keyId(key), name, key, maxTier);
        keys.removeIf(k -> k.keyId().equals(t.keyId()));
        keys.add(t);
        save();
        return t;
    }

    public synchronized boolean distrust(String keyId) {
        boolean removed = keys.removeIf(k -> k.keyId().equals(keyId));
        if (removed) {
            save();
        }
        return removed;
    }

    private void save() {
        ObjectNode root = JSON.createObjectNode();
        var arr = root.putArray("keys");
        for (Trusted k : keys) {
            arr.addObject().put("keyId", k.keyId()).put("name", k.name())
                    .put("publicKey", Base64.getEncoder().encodeToString(k.publicKey().getEncoded()))
                    .put("maxTier", k.maxTier().id());
        }
        try {
            Path parent = file.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            Path tmp = Files.createTempFile(parent, ".trusted", ".tmp");
            JSON.writeValue(tmp.toFile(), root);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new KeyException("cannot write trusted keys file " + file + ": " + e.getMessage(), e);
        }
    }
}
