package dev.chrysalis.directory.index;

import dev.chrysalis.directory.osgi.Version;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One published bundle version in a directory index.
 *
 * @param id             the bundle's symbolic name
 * @param provides       Provide-Capability clauses, as written in the manifest
 * @param requires       Require-Capability clauses
 * @param imports        Import-Package clauses
 * @param exports        Export-Package clauses
 * @param sha256         hex SHA-256 of the jar
 * @param location       where the jar is, relative to the index ({@code bundles/x-1.0.0.jar}) or absolute (http/file URI)
 * @param publisherKeyId fingerprint of the publisher's Ed25519 public key
 * @param trustTier      the tier the publisher claims (the installing host caps it by what it trusts the key with)
 * @param signature      base64 Ed25519 signature over {@link IndexCodec#canonical(IndexEntry)}
 */
public record IndexEntry(String id, Version version, String name, String description, String summary,
                         List<String> provides, List<String> requires, List<String> imports, List<String> exports,
                         String sha256, long size, String location, Instant publishedAt, String publisherKeyId,
                         String trustTier, Scorecard scorecard, String signature) {
    public IndexEntry {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(summary, "summary");
        provides = List.copyOf(provides);
        requires = List.copyOf(requires);
        imports = List.copyOf(imports);
        exports = List.copyOf(exports);
        Objects.requireNonNull(sha256, "sha256");
        Objects.requireNonNull(location, "location");
        Objects.requireNonNull(publishedAt, "publishedAt");
        Objects.requireNonNull(publisherKeyId, "publisherKeyId");
        Objects.requireNonNull(trustTier, "trustTier");
        Objects.requireNonNull(scorecard, "scorecard");
        Objects.requireNonNull(signature, "signature");
    }

    public IndexEntry withSignature(String sig) {
        return new IndexEntry(id, version, name, description, summary, provides, requires, imports, exports, sha256, size,
                location, publishedAt, publisherKeyId, trustTier, scorecard, sig);
    }

    /** {@code id 1.2.3} */
    public String coordinates() {
        return id + " " + version;
    }
}
