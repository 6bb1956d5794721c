/** Hooks: ordered before/after-turn interceptors (redaction, logging, policy). */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package dev.chrysalis.spi.hook;
