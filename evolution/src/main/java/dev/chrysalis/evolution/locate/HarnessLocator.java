package dev.chrysalis.evolution.locate;

import dev.chrysalis.evolution.evidence.Batch;
import dev.chrysalis.evolution.evidence.EvidenceCase;
import dev.chrysalis.evolution.evidence.EvidenceItem;
import dev.chrysalis.evolution.mutate.SourceRegions;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.eclipse.jdt.core.dom.ASTNode;
import org.eclipse.jdt.core.dom.ASTVisitor;
import org.eclipse.jdt.core.dom.AbstractTypeDeclaration;
import org.eclipse.jdt.core.dom.Block;
import org.eclipse.jdt.core.dom.ClassInstanceCreation;
import org.eclipse.jdt.core.dom.CompilationUnit;
import org.eclipse.jdt.core.dom.CreationReference;
import org.eclipse.jdt.core.dom.EnhancedForStatement;
import org.eclipse.jdt.core.dom.ExpressionMethodReference;
import org.eclipse.jdt.core.dom.FieldDeclaration;
import org.eclipse.jdt.core.dom.MethodDeclaration;
import org.eclipse.jdt.core.dom.MethodInvocation;
import org.eclipse.jdt.core.dom.Modifier;
import org.eclipse.jdt.core.dom.SimpleName;
import org.eclipse.jdt.core.dom.SimpleType;
import org.eclipse.jdt.core.dom.Statement;
import org.eclipse.jdt.core.dom.SuperMethodInvocation;
import org.eclipse.jdt.core.dom.Type;
import org.eclipse.jdt.core.dom.TypeDeclaration;
import org.eclipse.jdt.core.dom.TypeMethodReference;
import org.eclipse.jdt.core.dom.VariableDeclarationFragment;

/**
 * Fault localisation for harness plugins (routers and hooks) from turn-case evidence, by a static slice of the
 * plugin's source: the evidence says what went wrong in the turn, the slice says which code decides that.
 * <ul>
 *   <li>A <b>misroute</b> (the turn case expects a route and the evidence says the route differed): the methods
 *   reachable from the router's {@code route} (call graph by name inside the plugin, scored {@code 1/(1+depth)}),
 *   and within them, line by line, the matching code: statements that read a regular expression's groups (which
 *   rule a message matches and the arguments it carries come from a pattern's groups) score highest, statements
 *   using a value those produced next, statements calling the rest of the regex API lower.</li>
 *   <li>A <b>stored leak</b> (a text the turn case says must never be stored was stored): a hook that redacts
 *   correctly but runs too late leaks just the same, so the hook's order declaration (its {@code priority()} and the
 *   constants that method returns) comes first, then the code reachable from {@code beforeTurn}/{@code afterTurn}.</li>
 * </ul>
 * Everything is derived from the plugin's own source and the evidence; nothing names a particular plugin. Names
 * follow {@link SourceRegions}: {@code Type.method}, field initializers as {@code Type.<clinit>} (static) or
 * {@code Type.<init>}; lines as {@code file:line}.
 */
public final class HarnessLocator {
    /** Regex API calls that read a pattern's groups or what a match captured in them. */
    private static final Set<String> GROUP_API = Set.of("group", "namedGroups", "groupCount");
    /** The rest of the regex API: compiling and matching. */
    private static final Set<String> MATCH_API = Set.of("matcher", "matches", "find", "lookingAt", "compile", "replaceAll",
            "replaceFirst", "split", "hitEnd", "quote", "asPredicate", "asMatchPredicate", "start", "end");
    static final double GROUP_READ = 1.0;
    static final double GROUP_VALUE_USE = 0.9;
    static final double MATCHING = 0.5;
    static final double ORDER_DECLARATION = 1.0;
    static final double TURN_CODE = 0.5;

    /** What the evidence of a turn says went wrong. */
    enum Aspect {
        /** The router chose another skill, other arguments, or none. */
        ROUTE,
        /** A text that must never be stored was stored. */
        STORED_LEAK
    }

    /**
     * @return the suspicion, or an empty one ("no information") when the evidence shows neither a misroute nor a
     *         stored leak, or the plugin implements neither a router nor a hook
     */
    public Suspicion locate(Map<String, String> files, Batch batch) {
        Set<Aspect> aspects = aspects(batch);
        Model model = new Model(files);
        Map<String, Double> methods = new HashMap<>();
        Map<String, Double> lines = new HashMap<>();
        List<String> how = new ArrayList<>();
        if (aspects.contains(Aspect.ROUTE)) {
            List<String> entries = model.implementationsOf("Router", "route");
            if (!entries.isEmpty()) {
                Map<String, Integer> depth = model.reachable(entries);
                depth.forEach((m, d) -> methods.merge(m, 1.0 / (1 + d), Math::max));
                model.matchingLines(depth.keySet()).forEach((line, s) -> lines.merge(line, s, Math::max));
                how.add("misroute: matching code reachable from " + entries);
            }
        }
        if (aspects.contains(Aspect.STORED_LEAK)) {
            List<String> order = model.implementationsOf("Hook", "priority");
            List<String> turn = new ArrayList<>(model.implementationsOf("Hook", "afterTurn"));
            turn.addAll(model.implementationsOf("Hook", "beforeTurn"));
            if (!order.isEmpty() || !turn.isEmpty()) {
                model.reachable(turn).forEach((m, d) -> methods.merge(m, TURN_CODE / (1 + d), Math::max));
                for (String m : order) {
                    methods.merge(m, ORDER_DECLARATION, Math::max);
                    model.linesOf(m).forEach(l -> lines.merge(l, ORDER_DECLARATION, Math::max));
                    for (Model.Field f : model.fieldsReadBy(m)) {
                        methods.merge(f.initializer(), ORDER_DECLARATION, Math::max);
                        lines.merge(f.line(), ORDER_DECLARATION, Math::max);
                    }
                }
                how.add("stored leak: hook order declaration " + order + ", then the turn code " + turn);
            }
        }
        if (how.isEmpty()) {
            return new Suspicion(Map.of(), Map.of(), "turn evidence (no router or hook code for it)");
        }
        return new Suspicion(methods, lines, "static slice (" + String.join("; ", how) + ")");
    }

    /** The aspects of the batch's evidence: from the failure messages when they say, else from what the cases expect. */
    static Set<Aspect> aspects(Batch batch) {
        Set<Aspect> out = EnumSet.noneOf(Aspect.class);
        for (EvidenceItem item : batch.items()) {
            String why = String.join("\n", item.why());
            for (EvidenceCase e : item.cases()) {
                Optional<JsonNode> expect = e.replay().expectedOutput();
                if (expect.isEmpty()) {
                    continue;
                }
                boolean routeDiff = why.contains("route:") || why.contains("route arguments:");
                boolean leakDiff = why.contains("must never be stored");
                boolean said = routeDiff || leakDiff;
                if (expect.get().has("route") && (routeDiff || !said)) {
                    out.add(Aspect.ROUTE);
                }
                if (expect.get().path("stored").path("excludes").size() > 0 && (leakDiff || !said)) {
                    out.add(Aspect.STORED_LEAK);
                }
            }
        }
        return out;
    }

    /** The plugin's methods, call graph (by name) and the lines the slices need. */
    private static final class Model {
        record Field(String name, String initializer, String line) {
        }

        private final Map<String, MethodInfo> methods = new LinkedHashMap<>();
        private final Map<String, List<String>> byName = new HashMap<>();
        private final Map<String, List<Field>> fields = new HashMap<>();
        private final Set<String> typeNames = new HashSet<>();
        private final Map<String, Set<String>> implemented = new HashMap<>();

        /** A method body, or one field's initializer, under the name fault localisation gives it. */
        private record MethodInfo(String key, String file, CompilationUnit unit, ASTNode body) {
        }

        Model(Map<String, String> files) {
            List<MethodInfo> initializers = new ArrayList<>();
            files.forEach((file, text) -> {
                if (!file.endsWith(".java")) {
                    return;
                }
                CompilationUnit unit = SourceRegions.parse(text);
                unit.accept(new ASTVisitor() {
                    @Override
                    public boolean visit(TypeDeclaration t) {
                        register(t);
                        for (Object o : t.superInterfaceTypes()) {
                            implemented.computeIfAbsent(simpleName((Type) o), k -> new HashSet<>()).add(qualified(t));
                        }
                        return true;
                    }

                    @Override
                    public boolean visit(org.eclipse.jdt.core.dom.RecordDeclaration t) {
                        register(t);
                        for (Object o : t.superInterfaceTypes()) {
                            implemented.computeIfAbsent(simpleName((Type) o), k -> new HashSet<>()).add(qualified(t));
                        }
                        return true;
                    }

                    @Override
                    public boolean visit(org.eclipse.jdt.core.dom.EnumDeclaration t) {
                        register(t);
                        return true;
                    }

                    private void register(AbstractTypeDeclaration t) {
                        typeNames.add(t.getName().getIdentifier());
                    }

                    @Override
                    public boolean visit(MethodDeclaration m) {
                        String key = ownerOf(m) + "." + (m.isConstructor() ? "<init>" : m.getName().getIdentifier());
                        if (m.getBody() != null) {
                            add(new MethodInfo(key, file, unit, m.getBody()), m.isConstructor() ? "<init>" : m.getName().getIdentifier());
                        }
                        return true;
                    }

                    @Override
                    public boolean visit(FieldDeclaration f) {
                        boolean isStatic = Modifier.isStatic(f.getModifiers());
                        String key = ownerOf(f) + "." + (isStatic ? "<clinit>" : "<init>");
                        for (Object o : f.fragments()) {
                            VariableDeclarationFragment v = (VariableDeclarationFragment) o;
                            if (v.getInitializer() != null) {
                                fields.computeIfAbsent(v.getName().getIdentifier(), k -> new ArrayList<>())
                                        .add(new Field(v.getName().getIdentifier(), key, file + ":" + unit.getLineNumber(v.getStartPosition())));
                                initializers.add(new MethodInfo(key, file, unit, v.getInitializer()));
                            }
                        }
                        return true;
                    }
                });
            });
            // a type's field initializers are one "method" each: their references join those of the key's other parts
            for (MethodInfo i : initializers) {
                methods.putIfAbsent(i.key() + "#" + i.body().getStartPosition(), i);
                byName.computeIfAbsent(i.key().substring(i.key().lastIndexOf('.') + 1), k -> new ArrayList<>()).add(i.key());
            }
        }

        private void add(MethodInfo info, String simple) {
            methods.put(info.key() + "#" + info.body().getStartPosition(), info);
            byName.computeIfAbsent(simple, k -> new ArrayList<>()).add(info.key());
        }

        private static String ownerOf(ASTNode node) {
            return SourceRegions.typeName(node);
        }

        private static String qualified(AbstractTypeDeclaration t) {
            return SourceRegions.typeName(t.getName());
        }

        private static String simpleName(Type t) {
            if (t instanceof SimpleType s) {
                return s.getName().isSimpleName() ? s.getName().getFullyQualifiedName()
                        : ((org.eclipse.jdt.core.dom.QualifiedName) s.getName()).getName().getIdentifier();
            }
            if (t instanceof org.eclipse.jdt.core.dom.ParameterizedType p) {
                return simpleName(p.getType());
            }
            return t.toString();
        }

        /** {@code Type.method} of every type declaring that it implements {@code iface}. */
        List<String> implementationsOf(String iface, String method) {
            List<String> out = new ArrayList<>();
            for (String type : implemented.getOrDefault(iface, Set.of())) {
                String key = type + "." + method;
                if (methods.values().stream().anyMatch(m -> m.key().equals(key))) {
                    out.add(key);
                }
            }
            out.sort(null);
            return out;
        }

        private List<MethodInfo> parts(String key) {
            return methods.values().stream().filter(m -> m.key().equals(key)).toList();
        }

        /** Breadth-first over the call graph: each reachable method and its least depth. */
        Map<String, Integer> reachable(List<String> entries) {
            Map<String, Integer> depth = new LinkedHashMap<>();
            Deque<String> queue = new ArrayDeque<>();
            for (String e : entries) {
                depth.put(e, 0);
                queue.add(e);
            }
            while (!queue.isEmpty()) {
                String m = queue.poll();
                for (String callee : callees(m)) {
                    if (!depth.containsKey(callee)) {
                        depth.put(callee, depth.get(m) + 1);
                        queue.add(callee);
                    }
                }
            }
            return depth;
        }

        /** What a method refers to by name: methods it calls or references, types it creates, fields it reads. */
        private Set<String> callees(String key) {
            Set<String> out = new HashSet<>();
            for (MethodInfo part : parts(key)) {
                part.body().accept(new ASTVisitor() {
                    @Override
                    public boolean visit(MethodInvocation i) {
                        String type = i.getExpression() instanceof SimpleName n && typeNames.contains(n.getIdentifier()) ? n.getIdentifier() : null;
                        for (String callee : byName.getOrDefault(i.getName().getIdentifier(), List.of())) {
                            if (type == null || callee.startsWith(type + ".") || callee.startsWith(type + "$")) {
                                out.add(callee);
                            }
                        }
                        return true;
                    }

                    @Override
                    public boolean visit(SuperMethodInvocation i) {
                        out.addAll(byName.getOrDefault(i.getName().getIdentifier(), List.of()));
                        return true;
                    }

                    @Override
                    public boolean visit(ExpressionMethodReference r) {
                        out.addAll(byName.getOrDefault(r.getName().getIdentifier(), List.of()));
                        return true;
                    }

                    @Override
                    public boolean visit(TypeMethodReference r) {
                        out.addAll(byName.getOrDefault(r.getName().getIdentifier(), List.of()));
                        return true;
                    }

                    @Override
                    public boolean visit(CreationReference r) {
                        created(simpleName(r.getType()));
                        return true;
                    }

                    @Override
                    public boolean visit(ClassInstanceCreation c) {
                        created(simpleName(c.getType()));
                        return true;
                    }

                    private void created(String type) {
                        for (String k : byName.getOrDefault("<init>", List.of())) {
                            if (k.equals(type + ".<init>") || k.endsWith("$" + type + ".<init>")) {
                                out.add(k);
                            }
                        }
                    }

                    @Override
                    public boolean visit(SimpleName n) {
                        for (Field f : fields.getOrDefault(n.getIdentifier(), List.of())) {
                            out.add(f.initializer());
                        }
                        return true;
                    }
                });
            }
            out.remove(key);
            return out;
        }

        /** The fields (with initializers) a method reads. */
        List<Field> fieldsReadBy(String key) {
            List<Field> out = new ArrayList<>();
            for (MethodInfo part : parts(key)) {
                part.body().accept(new ASTVisitor() {
                    @Override
                    public boolean visit(SimpleName n) {
                        out.addAll(fields.getOrDefault(n.getIdentifier(), List.of()));
                        return true;
                    }
                });
            }
            return out;
        }

        /** The line of every statement of a method's body. */
        List<String> linesOf(String key) {
            List<String> out = new ArrayList<>();
            for (MethodInfo part : parts(key)) {
                part.body().accept(new ASTVisitor() {
                    @Override
                    public void preVisit(ASTNode node) {
                        if (node instanceof Statement && !(node instanceof Block)) {
                            out.add(part.file() + ":" + part.unit().getLineNumber(node.getStartPosition()));
                        }
                    }
                });
            }
            return out;
        }

        /**
         * Statements of these methods that read a match's groups ({@link #GROUP_READ}), that use a local those
         * statements defined ({@link #GROUP_VALUE_USE}), or that call the rest of the regex API ({@link #MATCHING}).
         * A compound statement (if, loop, switch) is judged by its header, not its body.
         */
        Map<String, Double> matchingLines(Set<String> keys) {
            Map<String, Double> out = new HashMap<>();
            for (String key : keys) {
                for (MethodInfo part : parts(key)) {
                    Set<String> groupValues = new HashSet<>();
                    List<Statement> statements = new ArrayList<>();
                    part.body().accept(new ASTVisitor() {
                        @Override
                        public void preVisit(ASTNode node) {
                            if (node instanceof Statement s && !(node instanceof Block)) {
                                statements.add(s);
                            }
                        }
                    });
                    // statements in source order: a value is defined before the statements that use it
                    for (Statement s : statements) {
                        List<ASTNode> header = SourceRegions.ownParts(s);
                        double score = 0;
                        if (calls(header, GROUP_API)) {
                            score = GROUP_READ;
                            groupValues.addAll(declaredBy(s));
                        } else if (uses(header, groupValues)) {
                            score = GROUP_VALUE_USE;
                            groupValues.addAll(declaredBy(s));
                        } else if (calls(header, MATCH_API)) {
                            score = MATCHING;
                        }
                        if (score > 0) {
                            out.merge(part.file() + ":" + part.unit().getLineNumber(s.getStartPosition()), score, Math::max);
                        }
                    }
                }
            }
            return out;
        }

        private static boolean calls(List<ASTNode> nodes, Set<String> api) {
            boolean[] found = {false};
            for (ASTNode n : nodes) {
                n.accept(new ASTVisitor() {
                    @Override
                    public boolean visit(MethodInvocation i) {
                        if (api.contains(i.getName().getIdentifier())) {
                            found[0] = true;
                        }
                        return !found[0];
                    }

                    @Override
                    public boolean visit(org.eclipse.jdt.core.dom.LambdaExpression l) {
                        return false; // a lambda's body runs elsewhere
                    }
                });
            }
            return found[0];
        }

        private static boolean uses(List<ASTNode> nodes, Set<String> names) {
            if (names.isEmpty()) {
                return false;
            }
            boolean[] found = {false};
            for (ASTNode n : nodes) {
                n.accept(new ASTVisitor() {
                    @Override
                    public boolean visit(SimpleName name) {
                        if (names.contains(name.getIdentifier()) && !name.isDeclaration()) {
                            found[0] = true;
                        }
                        return !found[0];
                    }
                });
            }
            return found[0];
        }

        /** Locals a statement declares or assigns (a for-each variable, a declaration, an assignment's target). */
        private static Set<String> declaredBy(Statement s) {
            Set<String> out = new HashSet<>();
            switch (s) {
                case EnhancedForStatement f -> out.add(f.getParameter().getName().getIdentifier());
                case org.eclipse.jdt.core.dom.VariableDeclarationStatement v -> v.fragments()
                        .forEach(o -> out.add(((VariableDeclarationFragment) o).getName().getIdentifier()));
                case org.eclipse.jdt.core.dom.ExpressionStatement e
                        when e.getExpression() instanceof org.eclipse.jdt.core.dom.Assignment a && a.getLeftHandSide() instanceof SimpleName n ->
                        out.add(n.getIdentifier());
                default -> { }
            }
            return out;
        }
    }
}
