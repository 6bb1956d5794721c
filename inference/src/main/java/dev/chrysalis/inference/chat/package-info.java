/**
 * Chat prompt formats (llama3, llama2, ChatML): rendering conversations into prompt text, detecting a model's
 * format from its GGUF metadata, and the stop tokens of each format.
 */
package dev.chrysalis.inference.chat;
