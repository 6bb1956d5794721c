/** Replay cases: recorded inputs and expected outputs shared by skill tests, the sandbox and evolution. */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package dev.chrysalis.spi.replay;
