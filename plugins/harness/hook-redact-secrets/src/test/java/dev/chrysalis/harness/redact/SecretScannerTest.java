package dev.chrysalis.harness.redact;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SecretScannerTest {
    private final SecretScanner scanner = new SecretScanner();

    /** kind, text around the secret, the secret itself. */
    static Stream<Arguments> secrets() {
        return Stream.of(
                Arguments.of("aws-access-key", "my key id is %s ok", FakeSecrets.awsAccessKey()),
                Arguments.of("aws-secret-key", "aws_secret_access_key = %s", FakeSecrets.awsSecretKey()),
                Arguments.of("aws-secret-key", "AWS_SECRET_ACCESS_KEY=\"%s\"", FakeSecrets.awsSecretKey()),
                Arguments.of("github-token", "git clone https://%s@github.com/x/y", FakeSecrets.githubClassic()),
                Arguments.of("github-token", "token %s expired", FakeSecrets.githubOauth()),
                Arguments.of("github-token", "use %s for CI", FakeSecrets.githubFineGrained()),
                Arguments.of("api-key", "OPENAI key %s.", FakeSecrets.openAi()),
                Arguments.of("slack-token", "slack bot %s", FakeSecrets.slack()),
                Arguments.of("jwt", "cookie session=%s; Path=/", FakeSecrets.jwt()),
                Arguments.of("private-key", "here it is:\n%s\nthanks", FakeSecrets.pem()),
                Arguments.of("bearer-token", "curl -H 'Authorization: Bearer %s' https://api", FakeSecrets.bearer()),
                Arguments.of("password", "db password=%s host=db", "hunter2"),
                Arguments.of("password", "PGPASSWORD='%s' psql", "correct horse battery"),
                Arguments.of("password", "{\"password\": \"%s\"}", "p@ss"),
                Arguments.of("password", "passwd: %s", "Tr0ub4dor!3"),
                Arguments.of("secret", "client_secret=%s&grant=x", "9f8e7d6c5b4a3210"),
                Arguments.of("token", "GITLAB_TOKEN: %s", "tok-" + FakeSecrets.random(FakeSecrets.URL_SAFE, 20, 20)),
                Arguments.of("api-key", "api_key = %s", "a1b2c3d4e5f6g7h8"),
                Arguments.of("api-key", "export STRIPE_API_KEY=%s", "k" + FakeSecrets.random(FakeSecrets.ALNUM, 24, 21)),
                Arguments.of("gitlab-token", "remote uses %s now", "glpat-" + FakeSecrets.random(FakeSecrets.URL_SAFE, 20, 22)),
                Arguments.of("google-api-key", "maps key=%s", "AIza" + FakeSecrets.random(FakeSecrets.URL_SAFE, 35, 23)),
                Arguments.of("api-key", "stripe %s ok", "sk_live_" + FakeSecrets.random(FakeSecrets.ALNUM, 24, 24)),
                Arguments.of("url-credentials", "DATABASE_URL=postgres://app:%s@db.internal:5432/prod", "s3cretPw"),
                Arguments.of("high-entropy", "x-signature: %s", FakeSecrets.highEntropy()),
                Arguments.of("credit-card", "card %s exp 12/29", "4111 1111 1111 1111"),
                Arguments.of("credit-card", "pay with %s.", "5500-0000-0000-0004"),
                Arguments.of("credit-card", "amex %s", "378282246310005"));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("secrets")
    void redactsEachKindOfSecret(String kind, String template, String secret) {
        String text = template.formatted(secret);
        RedactionCounts counts = new RedactionCounts();
        String out = scanner.redact(text, counts);
        assertFalse(out.contains(secret), () -> "secret survived: " + out);
        assertTrue(out.contains("[REDACTED:" + kind + "]"), () -> "expected kind " + kind + ": " + out);
        assertEquals(1, counts.total(), () -> counts.format() + " in " + out);
        String around = template.replace("%s", "");
        String outside = out.replace("[REDACTED:" + kind + "]", "");
        assertEquals(around.replaceAll("[\"']", ""), outside.replaceAll("[\"']", ""), "only the secret is replaced");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("secrets")
    void redactingTwiceChangesNothingMore(String kind, String template, String secret) {
        String once = scanner.redact(template.formatted(secret), new RedactionCounts());
        RedactionCounts again = new RedactionCounts();
        assertEquals(once, scanner.redact(once, again));
        assertTrue(again.isEmpty(), again.format());
    }

    @Test
    void anUnterminatedPrivateKeyIsRedactedToTheEnd() {
        String text = "oops: -----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ";
        assertEquals("oops: [REDACTED:private-key]", scanner.redact(text, new RedactionCounts()));
    }

    @Test
    void cardNumbersMustPassLuhnAndBeInACardRange() {
        assertTrue(SecretScanner.isCardNumber("4111111111111111"));
        assertFalse(SecretScanner.isCardNumber("4111111111111112"), "Luhn fails");
        assertFalse(SecretScanner.isCardNumber("1234567812345670"), "passes Luhn but no card starts with 12");
        assertFalse(SecretScanner.isCardNumber("0000000000000000"));
        String text = "order 4111 1111 1111 1112 and 4111 1111 1111 1111";
        assertEquals("order 4111 1111 1111 1112 and [REDACTED:credit-card]", scanner.redact(text, new RedactionCounts()));
    }

    @Test
    void countsEverySecretByKind() {
        RedactionCounts counts = new RedactionCounts();
        scanner.redact("a " + FakeSecrets.awsAccessKey() + " b " + FakeSecrets.githubClassic() + " password=x1 pwd=y2", counts);
        assertEquals("aws-access-key=1,github-token=1,password=2", counts.format());
        assertEquals(counts.format(), RedactionCounts.parse(counts.format()).format());
    }

    @Test
    @org.junit.jupiter.api.Timeout(10)
    void largeOutputsAreScannedInLinearTime() {
        StringBuilder sb = new StringBuilder();
        java.util.SplittableRandom r = new java.util.SplittableRandom(1);
        String pieces = "abcdefghijklmnopqrstuvwxyz0123456789._-";
        while (sb.length() < 300_000) {
            sb.append(pieces.charAt(r.nextInt(pieces.length())));
            if (r.nextInt(200) == 0) {
                sb.append(" key=");
            }
        }
        String text = sb.append(" password=hunter2").toString();
        long start = System.nanoTime();
        String out = scanner.redact(text, new RedactionCounts());
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertTrue(out.endsWith("password=[REDACTED:password]"));
        assertTrue(ms < 5_000, "300 kB took " + ms + " ms");
    }
}
