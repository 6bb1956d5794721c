package dev.chrysalis.governance.approval;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/** An authenticated user (or machine identity) and its roles. */
public record Principal(String name, Set<Role> roles) {
    public Principal {
        Objects.requireNonNull(name, "name");
        EnumSet<Role> ordered = EnumSet.noneOf(Role.class);
        ordered.addAll(roles);
        roles = Collections.unmodifiableSet(ordered);
    }

    public boolean mayApprove() {
        return roles.contains(Role.APPROVER) || roles.contains(Role.ADMIN);
    }

    public boolean isAdmin() {
        return roles.contains(Role.ADMIN);
    }
}
