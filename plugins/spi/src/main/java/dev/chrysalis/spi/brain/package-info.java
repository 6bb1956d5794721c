/** Brains: decide a whole turn (which tools to call, what to answer). */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package dev.chrysalis.spi.brain;
