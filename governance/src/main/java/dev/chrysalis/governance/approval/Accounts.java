package dev.chrysalis.governance.approval;

import dev.chrysalis.governance.audit.AuditLog;
import dev.chrysalis.governance.store.GovernanceDatabase;
import dev.chrysalis.governance.store.GovernanceStoreException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Users (name, roles, PBKDF2 password hash) and API tokens (stored as SHA-256 only) in the governance database.
 * Every account change is audited.
 */
public final class Accounts {
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9._-]{1,63}");
    public static final int MIN_PASSWORD_LENGTH = 12;
    private static final String TOKEN_PREFIX = "chr_";

    private final GovernanceDatabase db;
    private final AuditLog audit;
    private final PasswordHasher hasher;
    private final SecureRandom random;
    private final Clock clock;

    public Accounts(GovernanceDatabase db, AuditLog audit, PasswordHasher hasher, SecureRandom random, Clock clock) {
        this.db = db;
        this.audit = audit;
        this.hasher = hasher;
        this.random = random;
        this.clock = clock;
        db.execute("""
                CREATE TABLE IF NOT EXISTS users (
                  name VARCHAR(64) PRIMARY KEY,
                  roles VARCHAR(100) NOT NULL,
                  password_hash VARCHAR(200) NOT NULL,
                  created_at VARCHAR(40) NOT NULL)""", """
                CREATE TABLE IF NOT EXISTS api_tokens (
                  token_hash CHAR(64) PRIMARY KEY,
                  user_name VARCHAR(64) NOT NULL REFERENCES users(name),
                  label VARCHAR(100) NOT NULL,
                  created_at VARCHAR(40) NOT NULL,
                  revoked BOOLEAN DEFAULT FALSE NOT NULL)""");
    }

    /**
     * Creates a user.
     *
     * @param by who creates it ({@code bootstrap} for the first admin, otherwise an admin's name); audited
     */
    public Principal createUser(String name, char[] password, Set<Role> roles, String by) {
        if (!NAME.matcher(name).matches()) {
            throw new AccountException("user name '" + name + "' must be 2-64 lower-case letters, digits, '.', '_' or '-', starting with a letter");
        }
        if (password.length < MIN_PASSWORD_LENGTH) {
            throw new AccountException("password for '" + name + "' is too short: at least " + MIN_PASSWORD_LENGTH + " characters");
        }
        if (roles.isEmpty()) {
            throw new AccountException("user '" + name + "' needs at least one role (proposer, approver, admin)");
        }
        String hash = hasher.hash(password);
        try (Connection c = db.connection();
             PreparedStatement ps = c.prepareStatement("INSERT INTO users (name, roles, password_hash, created_at) VALUES (?,?,?,?)")) {
            ps.setString(1, name);
            ps.setString(2, formatRoles(roles));
            ps.setString(3, hash);
            ps.setString(4, clock.instant().toString());
            ps.executeUpdate();
        } catch (SQLException e) {
            if ("23505".equals(e.getSQLState())) {
                throw new AccountException("user '" + name + "' already exists");
            }
            throw new GovernanceStoreException("cannot create user '" + name + "': " + e.getMessage(), e);
        }
        audit.append(by, "account.created", "user:" + name, "roles " + formatRoles(roles));
        return new Principal(name, roles);
    }

    public boolean hasUsers() {
        try (Connection c = db.connection(); var s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM users")) {
            rs.next();
            return rs.getLong(1) > 0;
        } catch (SQLException e) {
            throw new GovernanceStoreException("cannot count users: " + e.getMessage(), e);
        }
    }

    public Optional<Principal> user(String name) {
        try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement("SELECT roles FROM users WHERE name = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new Principal(name, parseRoles(rs.getString(1)))) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new GovernanceStoreException("cannot read user '" + name + "': " + e.getMessage(), e);
        }
    }

    /** The user, when the name exists and the password matches; unknown names take as long as wrong passwords. */
    public Optional<Principal> signIn(String name, char[] password) {
        String stored;
        Set<Role> roles;
        try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement("SELECT roles, password_hash FROM users WHERE name = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    hasher.burn(password);
                    return Optional.empty();
                }
                roles = parseRoles(rs.getString(1));
                stored = rs.getString(2);
            }
        } catch (SQLException e) {
            throw new GovernanceStoreException("cannot sign in '" + name + "': " + e.getMessage(), e);
        }
        return hasher.matches(password, stored) ? Optional.of(new Principal(name, roles)) : Optional.empty();
    }

    /** Issues a new API token for {@code user}; the token is shown once and only its SHA-256 is stored. */
    public String issueToken(String user, String label) {
        if (user(user).isEmpty()) {
            throw new AccountException("cannot issue a token for unknown user '" + user + "'");
        }
        byte[] secret = new byte[32];
        random.nextBytes(secret);
        String token = TOKEN_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        try (Connection c = db.connection();
             PreparedStatement ps = c.prepareStatement("INSERT INTO api_tokens (token_hash, user_name, label, created_at) VALUES (?,?,?,?)")) {
            ps.setString(1, sha256(token));
            ps.setString(2, user);
            ps.setString(3, label);
            ps.setString(4, clock.instant().toString());
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new GovernanceStoreException("cannot store a token for '" + user + "': " + e.getMessage(), e);
        }
        audit.append(user, "account.token-issued", "user:" + user, "label " + label + ", token sha256 " + sha256(token).substring(0, 12));
        return token;
    }

    public Optional<Principal> authenticateToken(String token) {
        if (!token.startsWith(TOKEN_PREFIX)) {
            return Optional.empty();
        }
        try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement(
                "SELECT u.name, u.roles FROM api_tokens t JOIN users u ON u.name = t.user_name WHERE t.token_hash = ? AND NOT t.revoked")) {
            ps.setString(1, sha256(token));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new Principal(rs.getString(1), parseRoles(rs.getString(2)))) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new GovernanceStoreException("cannot check a token: " + e.getMessage(), e);
        }
    }

    public void revokeToken(String token, String by) {
        try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement("UPDATE api_tokens SET revoked = TRUE WHERE token_hash = ?")) {
            ps.setString(1, sha256(token));
            if (ps.executeUpdate() == 0) {
                throw new AccountException("no such token");
            }
        } catch (SQLException e) {
            throw new GovernanceStoreException("cannot revoke a token: " + e.getMessage(), e);
        }
        audit.append(by, "account.token-revoked", "token", "token sha256 " + sha256(token).substring(0, 12));
    }

    public List<Principal> users() {
        try (Connection c = db.connection(); var s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT name, roles FROM users ORDER BY name")) {
            List<Principal> out = new ArrayList<>();
            while (rs.next()) {
                out.add(new Principal(rs.getString(1), parseRoles(rs.getString(2))));
            }
            return out;
        } catch (SQLException e) {
            throw new GovernanceStoreException("cannot list users: " + e.getMessage(), e);
        }
    }

    private static String formatRoles(Set<Role> roles) {
        return String.join(",", EnumSet.copyOf(roles).stream().map(Role::id).toList());
    }

    private static Set<Role> parseRoles(String text) {
        Set<Role> out = EnumSet.noneOf(Role.class);
        for (String r : text.split(",")) {
            Role.byId(r.strip()).ifPresent(out::add);
        }
        return out;
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }
}
