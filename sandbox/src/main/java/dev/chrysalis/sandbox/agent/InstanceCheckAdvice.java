package dev.chrysalis.sandbox.agent;

import dev.chrysalis.sandbox.guard.Gate;
import net.bytebuddy.asm.Advice;

/** Inlined at the start of guarded instance methods. */
final class InstanceCheckAdvice {
    private InstanceCheckAdvice() {
    }

    @Advice.OnMethodEnter
    static void enter(@Advice.Origin("#t.#m") String entry, @Advice.This Object self,
                      @Advice.AllArguments Object[] args) {
        Gate.checkInstance(entry, self, args);
    }
}
