package dev.chrysalis.governance.approval;

import java.util.Objects;
import java.util.Set;

/** An authenticated user (or machine identity) and its roles. */
public record Principal(String name, Set<Role> roles) {
    public Principal {
        Objects.requireNonNull(name, "name");
        roles = Set.copyOf(roles);
    }

    public boolean mayApprove() {
        return roles.contains(Role.APPROVER) || roles.contains(Role.ADMIN);
    }

    public boolean isAdmin() {
        return roles.contains(Role.ADMIN);
    }
}
