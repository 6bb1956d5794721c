package dev.chrysalis.harness.redact;

import java.util.SplittableRandom;

/** Secret-shaped strings made up for the tests (none is a real credential). */
final class FakeSecrets {
    static final String UPPER_DIGITS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    static final String ALNUM = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    static final String BASE64 = ALNUM + "+/";
    static final String URL_SAFE = ALNUM + "-_";

    private FakeSecrets() {
    }

    static String random(String alphabet, int length, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        StringBuilder sb = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            sb.append(alphabet.charAt(r.nextInt(alphabet.length())));
        }
        // make sure both letters and digits occur, as in real tokens
        if (alphabet.contains("0") && sb.chars().noneMatch(Character::isDigit)) {
            sb.setCharAt(0, '7');
        }
        if (sb.chars().noneMatch(Character::isLetter)) {
            sb.setCharAt(length - 1, 'q');
        }
        return sb.toString();
    }

    static String awsAccessKey() {
        return "AKIA" + random(UPPER_DIGITS, 16, 1);
    }

    static String awsSecretKey() {
        return random(BASE64, 40, 2);
    }

    static String githubClassic() {
        return "ghp_" + random(ALNUM, 36, 3);
    }

    static String githubOauth() {
        return "gho_" + random(ALNUM, 36, 4);
    }

    static String githubFineGrained() {
        return "github_pat_" + random(ALNUM, 22, 5) + "_" + random(ALNUM, 59, 6);
    }

    static String openAi() {
        return "sk-proj-" + random(URL_SAFE, 48, 7);
    }

    static String slack() {
        return "xoxb-" + random("0123456789", 12, 8) + "-" + random("0123456789", 13, 9) + "-" + random(ALNUM, 24, 10);
    }

    static String jwt() {
        return "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4ifQ." + random(URL_SAFE, 43, 11);
    }

    static String pem() {
        return "-----BEGIN RSA PRIVATE KEY-----\n" + random(BASE64, 64, 12) + "\n" + random(BASE64, 64, 13)
                + "\n-----END RSA PRIVATE KEY-----";
    }

    static String bearer() {
        return random(URL_SAFE, 32, 14);
    }

    static String highEntropy() {
        return random(ALNUM, 32, 15);
    }
}
