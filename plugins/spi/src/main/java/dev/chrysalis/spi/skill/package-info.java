/** Skills: named tools with a JSON input schema that the agent invokes. */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package dev.chrysalis.spi.skill;
