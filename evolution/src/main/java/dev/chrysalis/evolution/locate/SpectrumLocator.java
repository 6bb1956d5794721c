package dev.chrysalis.evolution.locate;

import dev.chrysalis.evolution.build.CompileResult;
import dev.chrysalis.evolution.build.PluginCompiler;
import dev.chrysalis.evolution.mutate.SourceRegions;
import dev.chrysalis.spi.replay.ReplayCase;
import dev.chrysalis.spi.replay.ReplayOutcome;
import dev.chrysalis.spi.replay.ReplayRunner;
import dev.chrysalis.spi.skill.Skill;
import java.lang.reflect.Constructor;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jdt.core.dom.ASTNode;
import org.eclipse.jdt.core.dom.ASTVisitor;
import org.eclipse.jdt.core.dom.AbstractTypeDeclaration;
import org.eclipse.jdt.core.dom.AnonymousClassDeclaration;
import org.eclipse.jdt.core.dom.Block;
import org.eclipse.jdt.core.dom.CompilationUnit;
import org.eclipse.jdt.core.dom.ConditionalExpression;
import org.eclipse.jdt.core.dom.ConstructorInvocation;
import org.eclipse.jdt.core.dom.Expression;
import org.eclipse.jdt.core.dom.LambdaExpression;
import org.eclipse.jdt.core.dom.MethodDeclaration;
import org.eclipse.jdt.core.dom.Statement;
import org.eclipse.jdt.core.dom.SuperConstructorInvocation;
import org.eclipse.jdt.core.dom.SwitchExpression;

/**
 * Spectrum-based fault localisation (Ochiai) for skills: the live (main) sources are instrumented with a
 * probe before every statement and in each branch of a conditional expression that starts a line of its own,
 * compiled, and the batch's evidence (failing) and regression (passing) cases are replayed in this JVM against
 * the trusted main code with the SPI's {@link ReplayRunner}; each
 * line scores {@code failed(line) / sqrt(totalFailed * (failed(line) + passed(line)))}. Only main's code
 * runs here, never a candidate: candidates are judged in the sandbox. A case that runs past its time limit
 * counts as not run.
 * <p>
 * A spectrum cannot tell apart the statements every case runs. So when the failing cases answered with wrong
 * fields ({@link ReplayOutcome.Mismatch}: {@code $.columns[0].median: expected 2.5, got 2}), the statements that
 * name such a field (an identifier or string literal equal to it, or a method named for it), and the conditions
 * and loops enclosing them, score {@link #OUTPUT_SLICE} times their spectrum: a cheap backward slice from the
 * wrong output (only when few fields are wrong, at most {@link #MAX_WRONG_FIELDS}).
 */
public final class SpectrumLocator {
    private static final String PROBE_PACKAGE = "chrysalisprobe";
    private static final String PROBE_SOURCE = """
            package chrysalisprobe;

            public final class Probe {
                public static final java.util.Set<String> HITS = java.util.concurrent.ConcurrentHashMap.newKeySet();

                private Probe() {
                }

                public static void hit(String id) {
                    HITS.add(id);
                }

                public static boolean branch(String id) {
                    HITS.add(id);
                    return true;
                }
            }
            """;
    private static final System.Logger LOG = System.getLogger(SpectrumLocator.class.getName());
    /** How much more suspicious a statement in the wrong output's slice is than its spectrum alone says. */
    static final double OUTPUT_SLICE = 2.0;
    /**
     * More wrong fields than this say the whole answer is wrong (a parse, a detection, a value several outputs derive
     * from), not one computation of one field: no slice.
     */
    static final int MAX_WRONG_FIELDS = 2;
    /** The last named segment of a differing JSON path ({@code $.columns[0].median: ...} gives {@code median}). */
    private static final java.util.regex.Pattern DIFF_FIELD = java.util.regex.Pattern.compile("\\.([A-Za-z_][\\w-]*)(?:\\[\\d+])*:");

    private final PluginCompiler compiler;
    private final Path scratch;
    private final Duration caseLimit;

    public SpectrumLocator(PluginCompiler compiler, Path scratch, Duration caseLimit) {
        this.compiler = compiler;
        this.scratch = scratch;
        this.caseLimit = caseLimit;
    }

    /**
     * @param files         the plugin's files on main (path inside the plugin -> text)
     * @param failing       cases that show the fault (evidence)
     * @param regression    cases main is believed to pass; those it does not pass are left out
     * @param matchFailing  for evidence whose expectation is the correct behaviour: only those main fails count
     */
    public Optional<Suspicion> locate(Map<String, String> files, List<ReplayCase> failing, List<ReplayCase> regression,
                                      Set<String> matchFailing) {
        Map<String, String> instrumented = new LinkedHashMap<>();
        Map<String, String> lineMethods = new HashMap<>();
        Map<String, Statement> statements = new HashMap<>();
        files.forEach((path, text) -> instrumented.put(path, path.endsWith(".java") ? instrument(path, text, lineMethods, statements) : text));
        instrumented.put("src/main/java/" + PROBE_PACKAGE + "/Probe.java", PROBE_SOURCE);
        if (!(compiler.compile(instrumented) instanceof CompileResult.Compiled compiled)) {
            LOG.log(System.Logger.Level.WARNING, "spectrum: the instrumented sources do not compile; no spectrum");
            return Optional.empty();
        }
        ClassLoader loader = new MemoryClassLoader(compiled.classes(), SpectrumLocator.class.getClassLoader());
        try {
            Optional<Skill> skill = instantiateSkill(compiled.classes(), loader);
            if (skill.isEmpty()) {
                return Optional.empty();
            }
            @SuppressWarnings("unchecked")
            Set<String> hits = (Set<String>) loader.loadClass(PROBE_PACKAGE + ".Probe").getField("HITS").get(null);
            ReplayRunner runner = new ReplayRunner(scratch);
            List<Set<String>> failed = new ArrayList<>();
            List<Set<String>> passed = new ArrayList<>();
            Set<String> wrongFields = new java.util.TreeSet<>();
            ExecutorService exec = Executors.newVirtualThreadPerTaskExecutor();
            try {
                for (ReplayCase c : failing) {
                    run(exec, runner, skill.get(), c, hits).ifPresent(r -> {
                        if (!matchFailing.contains(c.id()) || !r.passed) {
                            failed.add(r.lines);
                            wrongFields.addAll(r.wrongFields);
                        }
                    });
                }
                for (ReplayCase c : regression) {
                    run(exec, runner, skill.get(), c, hits).filter(r -> r.passed).ifPresent(r -> passed.add(r.lines));
                }
            } finally {
                exec.shutdownNow();
            }
            if (failed.isEmpty()) {
                return Optional.empty();
            }
            Set<String> slice = outputSlice(statements, lineMethods, wrongFields);
            Map<String, Double> lines = new HashMap<>();
            Map<String, Double> methods = new HashMap<>();
            for (String line : lineMethods.keySet()) {
                long ef = failed.stream().filter(s -> s.contains(line)).count();
                long ep = passed.stream().filter(s -> s.contains(line)).count();
                if (ef > 0) {
                    double score = ef / Math.sqrt((double) failed.size() * (ef + ep)) * (slice.contains(line) ? OUTPUT_SLICE : 1.0);
                    lines.put(line, score);
                    methods.merge(lineMethods.get(line), score, Math::max);
                }
            }
            return Optional.of(new Suspicion(methods, lines, "spectrum (ochiai, " + failed.size() + " failing, " + passed.size() + " passing"
                    + (slice.isEmpty() ? "" : "; wrong output " + wrongFields + " slices " + slice.size() + " statements") + ")"));
        } catch (ReflectiveOperationException | LinkageError e) {
            LOG.log(System.Logger.Level.WARNING, "spectrum: cannot run the instrumented plugin: " + e);
            return Optional.empty();
        }
    }

    private record Run(boolean passed, Set<String> lines, Set<String> wrongFields) {
    }

    /** The field names of the differing paths of a mismatch. */
    static Set<String> wrongFields(ReplayOutcome o) {
        Set<String> out = new java.util.TreeSet<>();
        if (o instanceof ReplayOutcome.Mismatch m) {
            java.util.regex.Matcher f = DIFF_FIELD.matcher(m.diff());
            while (f.find()) {
                out.add(f.group(1));
            }
        }
        return out;
    }

    /**
     * The probed statements that name one of the fields (an identifier or string literal equal to it, ignoring case, or
     * an enclosing method whose name contains it), with the probed statements enclosing them (their conditions).
     */
    static Set<String> outputSlice(Map<String, Statement> statements, Map<String, String> lineMethods, Set<String> fields) {
        Set<String> out = new HashSet<>();
        if (fields.isEmpty() || fields.size() > MAX_WRONG_FIELDS) {
            return out;
        }
        Map<Statement, String> ids = new java.util.IdentityHashMap<>();
        statements.forEach((id, st) -> ids.put(st, id));
        statements.forEach((id, st) -> {
            String method = lineMethods.getOrDefault(id, "");
            String simple = method.substring(method.lastIndexOf('.') + 1).toLowerCase(java.util.Locale.ROOT);
            boolean named = fields.stream().anyMatch(f -> f.length() >= 4 && simple.contains(f.toLowerCase(java.util.Locale.ROOT)))
                    || namesAny(SourceRegions.ownParts(st), fields);
            if (named) {
                out.add(id);
                for (ASTNode n = st.getParent(); n != null && !(n instanceof MethodDeclaration); n = n.getParent()) {
                    String enclosing = n instanceof Statement e ? ids.get(e) : null;
                    if (enclosing != null) {
                        out.add(enclosing);
                    }
                }
            }
        });
        return out;
    }

    private static boolean namesAny(List<ASTNode> parts, Set<String> fields) {
        boolean[] found = {false};
        for (ASTNode part : parts) {
            part.accept(new ASTVisitor() {
                @Override
                public boolean visit(org.eclipse.jdt.core.dom.SimpleName n) {
                    found[0] |= fields.stream().anyMatch(f -> f.equalsIgnoreCase(n.getIdentifier()));
                    return !found[0];
                }

                @Override
                public boolean visit(org.eclipse.jdt.core.dom.StringLiteral l) {
                    found[0] |= fields.stream().anyMatch(f -> f.equalsIgnoreCase(l.getLiteralValue()));
                    return !found[0];
                }

                @Override
                public boolean visit(LambdaExpression l) {
                    return false;
                }

                @Override
                public boolean visit(AnonymousClassDeclaration a) {
                    return false;
                }
            });
        }
        return found[0];
    }

    private Optional<Run> run(ExecutorService exec, ReplayRunner runner, Skill skill, ReplayCase c, Set<String> hits) {
        hits.clear();
        Future<ReplayOutcome> f = exec.submit(() -> runner.runOne(skill, c));
        try {
            ReplayOutcome o = f.get(caseLimit.toMillis(), TimeUnit.MILLISECONDS);
            return Optional.of(new Run(o.passed(), Set.copyOf(hits), wrongFields(o)));
        } catch (TimeoutException e) {
            f.cancel(true);
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } catch (java.util.concurrent.ExecutionException e) {
            return Optional.of(new Run(false, Set.copyOf(hits), Set.of()));
        }
    }

    private static Optional<Skill> instantiateSkill(Map<String, byte[]> classes, ClassLoader loader) throws ReflectiveOperationException {
        for (String path : classes.keySet()) {
            if (path.startsWith(PROBE_PACKAGE) || path.contains("$")) {
                continue;
            }
            Class<?> c = loader.loadClass(path.substring(0, path.length() - ".class".length()).replace('/', '.'));
            if (Skill.class.isAssignableFrom(c) && !Modifier.isAbstract(c.getModifiers())) {
                for (Constructor<?> k : c.getDeclaredConstructors()) {
                    if (k.getParameterCount() == 0) {
                        k.setAccessible(true);
                        return Optional.of((Skill) k.newInstance());
                    }
                }
            }
        }
        return Optional.empty();
    }

    /**
     * The source with {@code chrysalisprobe.Probe.hit("file:line");} before every statement in a block, inserted as text
     * just before the statement on the statement's line, so every line keeps its number (no rewrite, no formatter).
     */
    static String instrument(String file, String source, Map<String, String> lineMethods, Map<String, Statement> statements) {
        CompilationUnit unit = SourceRegions.parse(source);
        TreeMap<Integer, String> probes = new TreeMap<>();
        unit.accept(new ASTVisitor() {
            @Override
            public boolean visit(Block block) {
                Optional<String> method = enclosingMethod(block);
                if (method.isEmpty()) {
                    return true;
                }
                for (Object o : block.statements()) {
                    Statement s = (Statement) o;
                    if (s instanceof SuperConstructorInvocation || s instanceof ConstructorInvocation) {
                        continue;
                    }
                    String id = file + ":" + unit.getLineNumber(s.getStartPosition());
                    lineMethods.put(id, method.get());
                    statements.putIfAbsent(id, s);
                    probes.put(s.getStartPosition(), PROBE_PACKAGE + ".Probe.hit(\"" + id + "\"); ");
                }
                return true;
            }

            @Override
            public boolean visit(ConditionalExpression conditional) {
                Optional<String> method = enclosingMethod(conditional);
                if (method.isPresent()) {
                    for (Expression branch : List.of(conditional.getThenExpression(), conditional.getElseExpression())) {
                        int start = branch.getStartPosition();
                        int end = start + branch.getLength();
                        String text = source.substring(start, end);
                        String id = file + ":" + unit.getLineNumber(start);
                        if (!lineMethods.containsKey(id) && probeable(branch, text)) {
                            lineMethods.put(id, method.get());
                            String copy = text.replace('\r', ' ').replace('\n', ' ');
                            probes.merge(start, "(" + PROBE_PACKAGE + ".Probe.branch(\"" + id + "\") ? (", String::concat);
                            probes.merge(end, ") : (" + copy + "))", (x, y) -> y + x);
                        }
                    }
                }
                return true;
            }
        });
        StringBuilder out = new StringBuilder(source.length() + probes.size() * 48);
        int from = 0;
        for (Map.Entry<Integer, String> p : probes.entrySet()) {
            out.append(source, from, p.getKey()).append(p.getValue());
            from = p.getKey();
        }
        return out.append(source, from, source.length()).toString();
    }

    /**
     * Whether a branch of a conditional expression can be probed as {@code (branch(id) ? (e) : (e))}, its text written
     * twice on one line: not when it holds code with statements of its own (a lambda, an anonymous class, a switch),
     * another conditional (probed itself), a comment or a text block.
     */
    private static boolean probeable(Expression branch, String text) {
        if (text.contains("//") || text.contains("/*") || text.contains("\"\"\"")) {
            return false;
        }
        boolean[] nested = {false};
        branch.accept(new ASTVisitor() {
            @Override
            public void preVisit(ASTNode n) {
                nested[0] |= n instanceof LambdaExpression || n instanceof AnonymousClassDeclaration || n instanceof SwitchExpression
                        || n instanceof ConditionalExpression;
            }
        });
        return !nested[0];
    }

    private static Optional<String> enclosingMethod(ASTNode node) {
        for (ASTNode n = node.getParent(); n != null; n = n.getParent()) {
            if (n instanceof MethodDeclaration m) {
                String type = "";
                for (ASTNode t = m.getParent(); t != null; t = t.getParent()) {
                    if (t instanceof AbstractTypeDeclaration d) {
                        type = type.isEmpty() ? d.getName().getIdentifier() : d.getName().getIdentifier() + "$" + type;
                    }
                }
                return Optional.of(type + "." + (m.isConstructor() ? "<init>" : m.getName().getIdentifier()));
            }
            if (n instanceof LambdaExpression) {
                continue;
            }
        }
        return Optional.empty();
    }

    private static final class MemoryClassLoader extends ClassLoader {
        private final Map<String, byte[]> classes;

        MemoryClassLoader(Map<String, byte[]> classes, ClassLoader parent) {
            super(parent);
            this.classes = classes;
        }

        @Override
        protected Class<?> findClass(String name) throws ClassNotFoundException {
            byte[] b = classes.get(name.replace('.', '/') + ".class");
            if (b == null) {
                throw new ClassNotFoundException(name);
            }
            return defineClass(name, b, 0, b.length);
        }
    }
}
