package dev.chrysalis.sandbox.trial;

import dev.chrysalis.sandbox.guard.Rule;
import dev.chrysalis.sandbox.pool.WorkerReply;
import java.time.Duration;
import java.util.Objects;

/** How one run of one case went. */
public sealed interface CaseVerdict {

    /** Short name for tables: pass, fail, timeout, crash, violation, skipped. */
    String label();

    /** One line saying what happened. */
    String detail();

    /** What runs of the same case must share to agree (flakiness is disagreement). */
    default String agreementKey() {
        return label() + ":" + detail();
    }

    record Pass(Duration elapsed) implements CaseVerdict {
        public String label() {
            return "pass";
        }

        public String detail() {
            return "";
        }
    }

    /** The candidate answered, but not as recorded; {@code diff} names the differing JSON paths. */
    record Fail(String diff, Duration elapsed) implements CaseVerdict {
        public Fail {
            Objects.requireNonNull(diff, "diff");
        }

        public String label() {
            return "fail";
        }

        public String detail() {
            return diff;
        }
    }

    /** The case ran past a limit and the worker was ended. */
    record Timeout(WorkerReply.Limit limit, Duration allowed) implements CaseVerdict {
        public String label() {
            return "timeout";
        }

        public String detail() {
            return (limit == WorkerReply.Limit.CPU ? "CPU time" : "wall clock") + " limit of " + allowed.toMillis() + " ms";
        }
    }

    /** The worker died for a reason that is no rule (e.g. the JVM crashed), or the candidate did not load. */
    record Crash(String reason, String stderrTail) implements CaseVerdict {
        public Crash {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(stderrTail, "stderrTail");
        }

        public String label() {
            return "crash";
        }

        public String detail() {
            return reason;
        }
    }

    /** The candidate broke a sandbox rule; {@code where} is the candidate frame responsible. */
    record Violation(Rule rule, String target, String where) implements CaseVerdict {
        public Violation {
            Objects.requireNonNull(rule, "rule");
            Objects.requireNonNull(target, "target");
            Objects.requireNonNull(where, "where");
        }

        public String label() {
            return "violation";
        }

        public String detail() {
            return rule.label() + ": " + target + " at " + where;
        }

        @Override
        public String agreementKey() {
            return label() + ":" + rule;
        }
    }

    /** Not run (e.g. the trial stopped after a violation). */
    record Skipped(String reason) implements CaseVerdict {
        public String label() {
            return "skipped";
        }

        public String detail() {
            return reason;
        }
    }
}
