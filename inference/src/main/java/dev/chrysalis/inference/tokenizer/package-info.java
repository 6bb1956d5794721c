/**
 * Tokenizers built from GGUF {@code tokenizer.ggml.*} metadata ({@link dev.chrysalis.inference.tokenizer.Tokenizers#fromGguf}):
 * SentencePiece ({@code llama}: score merges, byte fallback, space prefix), byte-level BPE ({@code gpt2}: merge
 * ranks, one pre-tokenizer per {@code tokenizer.ggml.pre}) and WordPiece ({@code bert}). Behaviour follows
 * llama.cpp's {@code llama_tokenize} and is checked against its test vectors.
 */
package dev.chrysalis.inference.tokenizer;
