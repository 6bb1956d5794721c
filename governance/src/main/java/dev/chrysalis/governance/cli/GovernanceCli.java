package dev.chrysalis.governance.cli;

import dev.chrysalis.governance.approval.AccountException;
import dev.chrysalis.governance.approval.Accounts;
import dev.chrysalis.governance.approval.PasswordHasher;
import dev.chrysalis.governance.approval.Principal;
import dev.chrysalis.governance.approval.Role;
import dev.chrysalis.governance.audit.AuditEntry;
import dev.chrysalis.governance.audit.AuditLog;
import dev.chrysalis.governance.audit.AuditVerification;
import dev.chrysalis.governance.capability.BytecodeScanner;
import dev.chrysalis.governance.capability.CapabilityCheck;
import dev.chrysalis.governance.capability.CapabilityDeclaration;
import dev.chrysalis.governance.capability.CapabilityVerdict;
import dev.chrysalis.governance.capability.CapabilityRules;
import dev.chrysalis.governance.capability.UnknownCapabilityException;
import dev.chrysalis.governance.policy.BundleFormatException;
import dev.chrysalis.governance.policy.BundleJar;
import dev.chrysalis.governance.policy.Candidate;
import dev.chrysalis.governance.policy.CandidateReader;
import dev.chrysalis.governance.policy.ChangeSize;
import dev.chrysalis.governance.policy.Decision;
import dev.chrysalis.governance.policy.Policy;
import dev.chrysalis.governance.policy.PolicyEngine;
import dev.chrysalis.governance.policy.PolicyFormatException;
import dev.chrysalis.governance.policy.PolicyReader;
import dev.chrysalis.governance.policy.TrialReport;
import dev.chrysalis.governance.store.GovernanceDatabase;
import dev.chrysalis.governance.store.GovernanceStoreException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.EnumSet;
import java.util.Set;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The governance commands behind {@code ./chrysalis policy ...} and {@code ./chrysalis audit ...}.
 *
 * <pre>
 * policy check CANDIDATE.jar [--policy FILE] [--baseline OLD.jar] [--proposer NAME] [--trial TRIAL.json]
 *     exit 0: may auto-promote, 2: needs a human, 3: refused
 * policy show [--policy FILE]        print the effective policy's tiers and rules
 * policy scan JAR... [--policy FILE]  capability verdict of each installed bundle (exit 0 all safe, 3 any unsafe)
 * audit verify [--data-dir DIR]      exit 0: chain intact, 2: broken (each problem named)
 * audit log [--data-dir DIR] [--limit N]
 * user add NAME --role ROLE[,ROLE] --password-file FILE [--data-dir DIR]   (first user: bootstrap)
 * user token NAME [--label LABEL] [--data-dir DIR]                          prints a new API token once
 * user list [--data-dir DIR]
 * </pre>
 * Exit 1 means the command itself could not run (bad arguments, unreadable file); the message says why.
 */
public final class GovernanceCli {
    public static final int OK = 0;
    public static final int ERROR = 1;
    public static final int ATTENTION = 2;
    public static final int REFUSED = 3;
    /** The data directory when {@code --data-dir} is not given, as the host decides it: {@code $CHRYSALIS_HOME}, else {@code ~/.chrysalis}. */
    public static Path defaultDataDir() {
        String home = System.getenv("CHRYSALIS_HOME");
        return home != null && !home.isBlank() ? Path.of(home) : Path.of(System.getProperty("user.home"), ".chrysalis");
    }

    private GovernanceCli() {
    }

    public static void main(String[] args) {
        System.exit(run(System.out, System.err, args));
    }

    public static int run(PrintStream out, PrintStream err, String... args) {
        try {
            if (args.length == 0 || args[0].equals("help") || args[0].equals("--help")) {
                out.print(usage());
                return args.length == 0 ? ERROR : OK;
            }
            String group = args[0];
            String command = args.length > 1 ? args[1] : "";
            var parsed = Args.parse(args, 2);
            return switch (group + " " + command) {
                case "policy check" -> policyCheck(parsed, out);
                case "policy show" -> policyShow(parsed, out);
                case "policy scan" -> policyScan(parsed, out);
                case "audit verify" -> auditVerify(parsed, out);
                case "audit log" -> auditLog(parsed, out);
                case "user add" -> userAdd(parsed, out);
                case "user token" -> userToken(parsed, out);
                case "user list" -> userList(parsed, out);
                default -> {
                    err.println("unknown command '" + (group + " " + command).strip() + "'");
                    err.print(usage());
                    yield ERROR;
                }
            };
        } catch (UsageException | PolicyFormatException | BundleFormatException | UnknownCapabilityException
                 | GovernanceStoreException | AccountException e) {
            err.println("error: " + e.getMessage());
            return ERROR;
        }
    }

    static String usage() {
        return """
                usage:
                  policy check CANDIDATE.jar [--policy FILE] [--baseline OLD.jar] [--proposer NAME] [--trial TRIAL.json]
                      explain whether the candidate may auto-promote (exit 0), needs a human (2) or is refused (3)
                  policy show [--policy FILE]
                  policy scan JAR... [--policy FILE]   capability verdict of each bundle (exit 0 all safe, 3 any unsafe)
                  audit verify [--data-dir DIR]     check the audit hash chain (exit 0 intact, 2 broken)
                  audit log [--data-dir DIR] [--limit N]
                  user add NAME --role proposer|approver|admin[,...] --password-file FILE [--data-dir DIR]
                  user token NAME [--label LABEL] [--data-dir DIR]
                  user list [--data-dir DIR]
                """;
    }

    private static int policyCheck(Args a, PrintStream out) {
        a.allow("policy", "baseline", "proposer", "trial");
        if (a.positional.size() != 1) {
            throw new UsageException("policy check needs exactly one CANDIDATE.jar, got " + a.positional.size());
        }
        Policy policy = a.option("policy").map(p -> PolicyReader.read(existing(p, "--policy"))).orElseGet(PolicyReader::defaults);
        BundleJar candidate = BundleJar.read(existing(a.positional.getFirst(), "CANDIDATE.jar"));
        Optional<BundleJar> baseline = a.option("baseline").map(b -> BundleJar.read(existing(b, "--baseline")));
        Candidate read = new CandidateReader(new BytecodeScanner(CapabilityRules.standard()))
                .read(candidate, baseline, a.option("proposer").orElse("unknown"));
        Optional<TrialReport> trial = a.option("trial").map(t -> {
            Path file = existing(t, "--trial");
            try {
                return TrialReport.parse(Files.readString(file), file.toString());
            } catch (java.io.IOException e) {
                throw new UsageException("cannot read " + file + ": " + e.getMessage());
            }
        });
        Candidate c = trial.map(read::withTrial).orElse(read);
        Decision d = new PolicyEngine(policy).decide(c);
        out.println(d.explanation());
        out.println();
        out.println("declared capabilities: {" + CapabilityDeclaration.format(c.declared()) + "}");
        out.println("used capabilities:     {" + CapabilityDeclaration.format(c.scan().usedCapabilities()) + "} in "
                + c.scan().classesScanned() + " classes");
        c.scan().uses().stream().limit(20).forEach(u -> out.println("  " + u.describe()));
        if (c.scan().uses().size() > 20) {
            out.println("  ... " + (c.scan().uses().size() - 20) + " more");
        }
        ChangeSize change = c.change();
        out.println("change: " + (change.linesChanged().isPresent() ? change.linesChanged().getAsInt() + " lines" : "unknown lines")
                + ", " + change.classesChanged() + " classes" + (baseline.isPresent() ? " against " + baseline.get().digest() : " (no baseline)"));
        change.files().forEach(f -> out.println("  " + f.path() + " +" + f.added() + " -" + f.removed()));
        return switch (d) {
            case Decision.AutoPromote x -> OK;
            case Decision.NeedsHuman x -> ATTENTION;
            case Decision.Refused x -> REFUSED;
        };
    }

    private static int policyScan(Args a, PrintStream out) {
        a.allow("policy");
        if (a.positional.isEmpty()) {
            throw new UsageException("policy scan needs at least one JAR");
        }
        Policy p = a.option("policy").map(f -> PolicyReader.read(existing(f, "--policy"))).orElseGet(PolicyReader::defaults);
        var scanner = new BytecodeScanner(CapabilityRules.standard());
        int unsafe = 0;
        for (String file : a.positional) {
            BundleJar jar;
            try {
                jar = BundleJar.read(existing(file, "JAR"));
            } catch (BundleFormatException | UnknownCapabilityException | UsageException e) {
                out.println("ERROR  " + e.getMessage());
                unsafe++;
                continue;
            }
            var tier = p.tierOf(jar.symbolicName());
            var scan = scanner.scan(jar.bytes(), jar.source());
            var verdict = CapabilityCheck.check(scan, jar.declared(), p.ruleFor(tier).capabilities());
            out.println((verdict instanceof CapabilityVerdict.Safe ? "SAFE   " : "UNSAFE ") + jar.symbolicName() + " (" + tier.id()
                    + ") declares {" + CapabilityDeclaration.format(jar.declared()) + "}, uses {"
                    + CapabilityDeclaration.format(scan.usedCapabilities()) + "}  " + jar.source());
            if (verdict instanceof CapabilityVerdict.Unsafe u) {
                unsafe++;
                u.reasons().forEach(r -> out.println("    " + r));
            }
        }
        return unsafe == 0 ? OK : REFUSED;
    }

    private static int policyShow(Args a, PrintStream out) {
        a.allow("policy");
        Policy p = a.option("policy").map(f -> PolicyReader.read(existing(f, "--policy"))).orElseGet(PolicyReader::defaults);
        out.println("default tier: " + p.defaultTier());
        p.tiers().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> out.println("tier " + e.getKey().id()
                + ": may hold {" + CapabilityDeclaration.format(e.getValue().capabilities()) + "}, human review " + e.getValue().review()));
        p.pluginTiers().forEach((k, v) -> out.println("plugin " + k + " -> " + v));
        out.println("auto-promote tiers " + p.autoPromoteTiers() + ", plugins " + p.autoPromotePlugins());
        out.println("always human: plugins " + p.alwaysHumanPlugins() + ", capabilities {"
                + CapabilityDeclaration.format(p.alwaysHumanCapabilities()) + "}");
        out.println("limits: " + p.limits().maxLinesChanged() + " lines, " + p.limits().maxNewCapabilities() + " new capabilities");
        out.println("approvals expire after " + p.approvalTtl());
        return OK;
    }

    private static GovernanceDatabase openExisting(Args a) {
        Path dir = a.option("data-dir").map(Path::of).orElseGet(GovernanceCli::defaultDataDir);
        if (!GovernanceDatabase.exists(dir)) {
            throw new UsageException("no governance database under " + dir.toAbsolutePath() + " (expected "
                    + dir.resolve(GovernanceDatabase.FOLDER).resolve("governance.mv.db") + "); pass --data-dir");
        }
        return GovernanceDatabase.open(dir);
    }

    private static int auditVerify(Args a, PrintStream out) {
        a.allow("data-dir");
        a.noPositional("audit verify");
        try (GovernanceDatabase db = openExisting(a)) {
            AuditVerification v = new AuditLog(db, Clock.systemUTC()).verify();
            return switch (v) {
                case AuditVerification.Intact i -> {
                    out.println("audit log intact: " + i.rows() + " rows, head " + i.headHash());
                    yield OK;
                }
                case AuditVerification.Broken b -> {
                    out.println("audit log BROKEN: " + b.rows() + " rows, " + b.problems().size() + " problem(s)");
                    b.problems().forEach(p -> out.println("  " + p));
                    yield ATTENTION;
                }
            };
        }
    }

    private static int auditLog(Args a, PrintStream out) {
        a.allow("data-dir", "limit");
        a.noPositional("audit log");
        int limit;
        try {
            limit = Integer.parseInt(a.option("limit").orElse("50"));
        } catch (NumberFormatException e) {
            throw new UsageException("--limit must be a whole number, got '" + a.option("limit").orElse("") + "'");
        }
        try (GovernanceDatabase db = openExisting(a)) {
            List<AuditEntry> rows = new ArrayList<>(new AuditLog(db, Clock.systemUTC()).latest(limit));
            java.util.Collections.reverse(rows);
            for (AuditEntry e : rows) {
                out.println(e.seq() + "  " + e.at() + "  " + e.actor() + "  " + e.kind() + "  " + e.subject()
                        + (e.detail().isEmpty() ? "" : "  " + e.detail().replace('\n', ' ')));
            }
            return OK;
        }
    }

    private static Accounts accounts(GovernanceDatabase db) {
        return new Accounts(db, new AuditLog(db, Clock.systemUTC()), new PasswordHasher(), new SecureRandom(), Clock.systemUTC());
    }

    private static int userAdd(Args a, PrintStream out) {
        a.allow("data-dir", "role", "password-file");
        if (a.positional.size() != 1) {
            throw new UsageException("user add needs exactly one NAME");
        }
        String roleText = a.option("role").orElseThrow(() -> new UsageException("user add needs --role (proposer, approver, admin)"));
        Set<Role> roles = EnumSet.noneOf(Role.class);
        for (String r : roleText.split(",")) {
            roles.add(Role.byId(r.strip()).orElseThrow(() -> new UsageException("unknown role '" + r.strip() + "' (proposer, approver, admin)")));
        }
        Path passwordFile = existing(a.option("password-file").orElseThrow(() -> new UsageException("user add needs --password-file FILE")),
                "--password-file");
        char[] password;
        try {
            password = Files.readString(passwordFile).strip().toCharArray();
        } catch (java.io.IOException e) {
            throw new UsageException("cannot read " + passwordFile + ": " + e.getMessage());
        }
        Path dir = a.option("data-dir").map(Path::of).orElseGet(GovernanceCli::defaultDataDir);
        try (GovernanceDatabase db = GovernanceDatabase.open(dir)) {
            Accounts accounts = accounts(db);
            Principal p = accounts.createUser(a.positional.getFirst(), password, roles, accounts.hasUsers() ? "cli" : "bootstrap");
            java.util.Arrays.fill(password, '\0');
            out.println("created user " + p.name() + " with roles " + p.roles());
            return OK;
        }
    }

    private static int userToken(Args a, PrintStream out) {
        a.allow("data-dir", "label");
        if (a.positional.size() != 1) {
            throw new UsageException("user token needs exactly one NAME");
        }
        try (GovernanceDatabase db = openExisting(a)) {
            out.println(accounts(db).issueToken(a.positional.getFirst(), a.option("label").orElse("cli")));
            return OK;
        }
    }

    private static int userList(Args a, PrintStream out) {
        a.allow("data-dir");
        a.noPositional("user list");
        try (GovernanceDatabase db = openExisting(a)) {
            accounts(db).users().forEach(p -> out.println(p.name() + "  " + p.roles()));
            return OK;
        }
    }

    private static Path existing(String file, String what) {
        Path p = Path.of(file);
        if (!Files.isRegularFile(p)) {
            throw new UsageException(what + ": no such file " + p.toAbsolutePath());
        }
        return p;
    }

    static final class UsageException extends RuntimeException {
        UsageException(String message) {
            super(message);
        }
    }

    /** {@code --name value} options and positional arguments. */
    private record Args(Map<String, String> options, List<String> positional) {
        static Args parse(String[] args, int from) {
            Map<String, String> options = new HashMap<>();
            List<String> positional = new ArrayList<>();
            for (int i = from; i < args.length; i++) {
                if (args[i].startsWith("--")) {
                    String name = args[i].substring(2);
                    String value;
                    int eq = name.indexOf('=');
                    if (eq >= 0) {
                        value = name.substring(eq + 1);
                        name = name.substring(0, eq);
                    } else if (i + 1 < args.length) {
                        value = args[++i];
                    } else {
                        throw new UsageException("option --" + name + " needs a value");
                    }
                    if (options.put(name, value) != null) {
                        throw new UsageException("option --" + name + " given twice");
                    }
                } else {
                    positional.add(args[i]);
                }
            }
            return new Args(options, positional);
        }

        Optional<String> option(String name) {
            return Optional.ofNullable(options.get(name));
        }

        void allow(String... names) {
            for (String given : options.keySet()) {
                if (!List.of(names).contains(given)) {
                    throw new UsageException("unknown option --" + given + " (allowed: --" + String.join(", --", names) + ")");
                }
            }
        }

        void noPositional(String command) {
            if (!positional.isEmpty()) {
                throw new UsageException(command + " takes no arguments besides options, got " + positional);
            }
        }
    }
}
