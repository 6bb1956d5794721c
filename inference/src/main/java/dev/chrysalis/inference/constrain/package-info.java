/**
 * Constrained decoding: a JSON Schema subset compiled ({@link dev.chrysalis.inference.constrain.JsonSchema}) to a
 * byte-level pushdown matcher, and {@link dev.chrysalis.inference.constrain.JsonSchemaConstraint}, a logits
 * processor that masks every token which cannot continue a valid document, walking a
 * {@link dev.chrysalis.inference.constrain.TokenTrie} of the vocabulary with the matcher state.
 *
 * <p>Typical use for a tool call: build {@code TokenTrie.of(tokenizer)} once, then per call
 * {@code new JsonSchemaConstraint(JsonSchema.toolCall(skillSchemas), trie)} as a processor of the generation
 * request; generation stops when {@code isComplete()}.
 */
package dev.chrysalis.inference.constrain;
