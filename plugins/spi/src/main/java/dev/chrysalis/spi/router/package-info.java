/** Routers: choose a skill and its arguments for a user message from the catalogue. */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package dev.chrysalis.spi.router;
