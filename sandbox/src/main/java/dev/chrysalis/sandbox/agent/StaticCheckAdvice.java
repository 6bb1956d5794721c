package dev.chrysalis.sandbox.agent;

import dev.chrysalis.sandbox.guard.Gate;
import net.bytebuddy.asm.Advice;

/** Inlined at the start of guarded constructors and static methods (no {@code this} to pass). */
final class StaticCheckAdvice {
    private StaticCheckAdvice() {
    }

    @Advice.OnMethodEnter
    static void enter(@Advice.Origin("#t.#m") String entry, @Advice.AllArguments Object[] args) {
        Gate.check(entry, args);
    }
}
