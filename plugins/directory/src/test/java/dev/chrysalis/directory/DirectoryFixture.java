package dev.chrysalis.directory;

import dev.chrysalis.directory.install.FolderPluginInstaller;
import dev.chrysalis.directory.keys.KeyStoreFolder;
import dev.chrysalis.directory.keys.PublisherKey;
import dev.chrysalis.directory.keys.TrustedKeys;
import dev.chrysalis.directory.resolve.BaseEnvironment;
import dev.chrysalis.directory.resolve.Resolver;
import dev.chrysalis.governance.capability.BytecodeScanner;
import dev.chrysalis.governance.capability.CapabilityRules;
import dev.chrysalis.governance.capability.TrustTier;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

/** A publisher key, a trusted-keys file, a directory folder and a plugins folder under one temp dir. */
final class DirectoryFixture {
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-23T01:00:00Z"), ZoneOffset.UTC);
    final Path root;
    final Path folder;
    final Path plugins;
    final KeyStoreFolder keys;
    final PublisherKey key;
    final TrustedKeys trusted;
    final BytecodeScanner scanner = new BytecodeScanner(CapabilityRules.standard());

    DirectoryFixture(Path root, TrustTier keyTier) {
        this.root = root;
        this.folder = root.resolve("directory");
        this.plugins = root.resolve("plugins");
        this.keys = new KeyStoreFolder(root.resolve("keys"));
        this.key = keys.generate("acme");
        this.trusted = TrustedKeys.load(root.resolve("trusted-keys.json"));
        trusted.trust("acme", key.publicKey(), keyTier);
    }

    Publisher publisher() {
        return publisher(key);
    }

    Publisher publisher(PublisherKey k) {
        return new Publisher(folder, k, scanner, CLOCK);
    }

    Directory directory(String index, HttpClient http) {
        return new Directory(DirectorySource.of(index, http), trusted, new FolderPluginInstaller(plugins),
                new Resolver(BaseEnvironment.chrysalisHost()), scanner, TrustTier::defaultCapabilities, CLOCK);
    }

    Directory local() {
        return directory(folder.toString(), HttpClient.newHttpClient());
    }
}
