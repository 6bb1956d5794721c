package dev.chrysalis.harness.redact;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Ordinary text that merely resembles secrets must come through untouched. */
class BenignCorpusTest {
    static final List<String> CORPUS = List.of(
            "Request 550e8400-e29b-41d4-a716-446655440000 failed after 3 retries.",
            "trace id: 123e4567-e89b-12d3-a456-426614174000",
            "Fixed in commit 3f2a9c7d1e8b4a6f0c5d2e9b7a1f3c8d4e6b0a2f, see also a1b2c3d.",
            "git show 9fceb02d0ae598e95dc970b74767f19372d61af8 --stat",
            "sha256: e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            "The total was 1234567890123 bytes, or about 1.2 TB.",
            "Call me at +1 (555) 123-4567 or 555-987-6543.",
            "Invoice 2026-00042 of 1,299.99 EUR is due 2026-03-31.",
            "Order number 4111111111111112 has shipped.",
            "Timestamp 1732321234567 ms since the epoch.",
            "ISBN 978-3-16-148410-0 and ISBN 9780306406157.",
            "The secret to good bread is time.",
            "Password reset link sent; password: reset requested by you.",
            "Please enter your password below.",
            "max_tokens=512 temperature=0.7 token_count=12345678",
            "token_type=bearer expires_in=3600",
            "The bearer of bad news arrived at 10:45.",
            "author: Jane Doe, keywords: json, csv",
            "primary key: id, foreign key: user_id",
            "What is 17 * 23? And convert 5 km to miles.",
            "Use sk-ills wisely; skip the sk- prefix.",
            "AKIA is a prefix used by AWS key ids.",
            "The tokenizer splits text into tokens: words and pieces.",
            "IPv4 192.168.1.254 and IPv6 2001:db8::ff00:42:8329",
            "https://example.com/search?q=hello&page=2&sort=desc",
            "Base64 of hello is aGVsbG8=.",
            "version 2.22.4, build 20261123.1, port 8080",
            "{\"count\": 42, \"name\": \"token bucket\", \"ratio\": 0.125}",
            "ghp_ is GitHub's prefix for classic tokens.",
            "Counts: 1111 2222 3333 4444 are four numbers.",
            "Matrix multiply: [[1,2],[3,4]] x [[5,6],[7,8]]",
            "[REDACTED:password] stays as it is.",
            "Set PASSWORD_MIN_LENGTH=12 and SECRET_NAME=prod-db in the config.",
            "The cookie policy: essential only.",
            "The api key is stored in the vault, not in the repo.",
            "Image data iVBORw0KGgoAAAANSUhEUgAAAAEAAAAB follows.",
            "Secrets: none. Tokens: 1523. Keys: 12.",
            "Numbers 3.14159265358979, -42, 6.022e23 and 1e-9.",
            "Open https://example.com:8443/path?user=ann@example.com and mailto:ann@example.com",
            "ssh git@github.com:org/repo.git or https://github.com/org/repo.git",
            "AIza is how Google key ids begin; glpat- is GitLab's prefix.");

    @Test
    void ordinaryTextIsLeftAlone() {
        SecretScanner scanner = new SecretScanner();
        for (String line : CORPUS) {
            RedactionCounts counts = new RedactionCounts();
            assertEquals(line, scanner.redact(line, counts), () -> "false positive: " + counts.format());
            assertTrue(counts.isEmpty(), line);
        }
    }
}
