package dev.chrysalis.governance.approval;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

class PasswordHasherTest {
    final PasswordHasher hasher = new PasswordHasher();

    @Test
    void hashesWithPerUserSaltAndAtLeast210kIterations() {
        String a = hasher.hash("correct horse battery".toCharArray());
        String b = hasher.hash("correct horse battery".toCharArray());
        assertNotEquals(a, b, "same password, different salt, different hash");
        assertTrue(a.startsWith("pbkdf2-sha256$210000$"), a);
        assertTrue(hasher.matches("correct horse battery".toCharArray(), a));
        assertTrue(hasher.matches("correct horse battery".toCharArray(), b));
        assertFalse(hasher.matches("correct horse batterY".toCharArray(), a));
    }

    @Test
    void weakSettingsAndMalformedHashesAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new PasswordHasher(1000, new SecureRandom()));
        assertFalse(hasher.matches("x".toCharArray(), "md5$abc"));
        assertFalse(hasher.matches("x".toCharArray(), "pbkdf2-sha256$1000$AAAA$AAAA"), "too few iterations never matches");
        assertFalse(hasher.matches("x".toCharArray(), "pbkdf2-sha256$210000$!!$??"));
    }
}
