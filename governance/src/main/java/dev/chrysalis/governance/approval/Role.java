package dev.chrysalis.governance.approval;

import java.util.Arrays;
import java.util.Optional;

/** What a user may do. An admin may also approve; an approver may also propose. */
public enum Role {
    PROPOSER("proposer"),
    APPROVER("approver"),
    ADMIN("admin");

    private final String id;

    Role(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    public static Optional<Role> byId(String id) {
        return Arrays.stream(values()).filter(r -> r.id.equals(id)).findFirst();
    }

    @Override
    public String toString() {
        return id;
    }
}
