package dev.chrysalis.evolution.mutate;

import dev.chrysalis.evolution.locate.Suspicion;
import dev.chrysalis.evolution.search.OperatorStats;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.eclipse.jdt.core.dom.AST;
import org.eclipse.jdt.core.dom.ASTNode;
import org.eclipse.jdt.core.dom.ASTVisitor;
import org.eclipse.jdt.core.dom.Block;
import org.eclipse.jdt.core.dom.BooleanLiteral;
import org.eclipse.jdt.core.dom.ClassInstanceCreation;
import org.eclipse.jdt.core.dom.CompilationUnit;
import org.eclipse.jdt.core.dom.ConditionalExpression;
import org.eclipse.jdt.core.dom.DoStatement;
import org.eclipse.jdt.core.dom.Expression;
import org.eclipse.jdt.core.dom.ExpressionStatement;
import org.eclipse.jdt.core.dom.FieldDeclaration;
import org.eclipse.jdt.core.dom.IfStatement;
import org.eclipse.jdt.core.dom.InfixExpression;
import org.eclipse.jdt.core.dom.MethodDeclaration;
import org.eclipse.jdt.core.dom.MethodInvocation;
import org.eclipse.jdt.core.dom.Modifier;
import org.eclipse.jdt.core.dom.NumberLiteral;
import org.eclipse.jdt.core.dom.ParenthesizedExpression;
import org.eclipse.jdt.core.dom.PrefixExpression;
import org.eclipse.jdt.core.dom.ReturnStatement;
import org.eclipse.jdt.core.dom.SimpleName;
import org.eclipse.jdt.core.dom.Statement;
import org.eclipse.jdt.core.dom.StringLiteral;
import org.eclipse.jdt.core.dom.ThrowStatement;
import org.eclipse.jdt.core.dom.VariableDeclarationFragment;
import org.eclipse.jdt.core.dom.VariableDeclarationStatement;
import org.eclipse.jdt.core.dom.WhileStatement;
import org.eclipse.jdt.core.dom.rewrite.ASTRewrite;
import org.eclipse.jdt.core.dom.rewrite.ListRewrite;
import org.eclipse.jface.text.BadLocationException;
import org.eclipse.jface.text.Document;
import org.eclipse.text.edits.MalformedTreeException;

/**
 * AST repair operators on the JDT DOM: parses a source file once, visits the methods it is told to look at,
 * and yields one {@link Mutation} per (site, operator, variant), formatting and comments outside the edit kept.
 * <p>
 * An edit inside an expression (an operator, a literal, a negated condition, swapped arguments) is written as
 * text: the new token or the original text of the nodes it moves, spliced in where the nodes are, which is what
 * {@link ASTRewrite} writes for such an edit, at a fraction of its cost (each {@code rewriteAST} builds a code
 * formatter and walks the whole file). Where a splice would not be exact (a comment next to a node or between
 * an operator's operands), the edit goes through {@link ASTRewrite}. Statement edits (delete, swap, guard),
 * whose layout needs the formatter, go through {@link ASTRewrite} only when their proposal is pulled: ranking
 * needs no text of theirs, so most of them are never written at all.
 */
public final class AstMutator implements Mutator {
    /** How edits are written: {@link #SPLICE} in use; {@link #AST_REWRITE} is the reference the splices are tested against. */
    enum Writing { SPLICE, AST_REWRITE }

    private final Writing writing;

    public AstMutator() {
        this(Writing.SPLICE);
    }

    AstMutator(Writing writing) {
        this.writing = writing;
    }

    @Override
    public String name() {
        return "ast";
    }

    /**
     * Every distinct mutation of the node's Java files, most promising first: suspicion of the statement the edit
     * is in (a spectrum scores statements, so an edit on a statement's second line counts with the statement)
     * weighed by the operator's prior and its record for this plugin (MAA), then the method's suspicion likewise,
     * then the finest edit. With located methods only those are mutated; with no information every
     * method is. Two edits that give the same source are tried once.
     */
    @Override
    public Proposals propose(MutationRequest request) {
        Suspicion suspicion = request.suspicion();
        OperatorStats maa = request.maa();
        boolean informed = !suspicion.methods().isEmpty();
        List<String> suspects = List.copyOf(suspicion.methods().keySet());
        StringBuilder corpus = new StringBuilder();
        request.files().forEach((path, text) -> {
            if (path.endsWith(".java")) {
                corpus.append(withoutSpace(text)).append('\n');
            }
        });
        List<Site> all = new ArrayList<>();
        request.files().forEach((path, text) -> {
            if (path.endsWith(".java")) {
                String type = path.substring(path.lastIndexOf('/') + 1, path.length() - ".java".length());
                List<String> here = suspects.stream().filter(m -> m.startsWith(type + ".") || m.startsWith(type + "$")).toList();
                if (!informed || !here.isEmpty()) {
                    all.addAll(sites(path, text, informed ? here : List.of(), corpus.toString()));
                }
            }
        });
        List<Site> ranked = new ArrayList<>(all.stream()
                .filter(s -> !informed || suspicion.method(s.method()) > 0).toList());
        // a site's own line has a probe of its own when it starts a branch of a conditional expression
        ranked.sort(Comparator.comparingDouble((Site s) -> -Math.max(suspicion.line(s.file(), s.statementLine()),
                        suspicion.line(s.file(), s.line())) * weight(s, maa))
                .thenComparingDouble(s -> -suspicion.method(s.method()) * weight(s, maa))
                .thenComparingInt(s -> s.operator().ordinal()));
        return new Distinct(ranked);
    }

    /**
     * The ranked sites' mutations, each written when it is pulled (or looked ahead to); an edit that cannot be written,
     * changes nothing, or gives a source an earlier one gave is skipped.
     */
    private static final class Distinct implements Proposals {
        private final Iterator<Site> sites;
        private final Set<String> seen = new HashSet<>();
        private Mutation next;

        Distinct(List<Site> ranked) {
            this.sites = ranked.iterator();
        }

        @Override
        public boolean hasNext() {
            while (next == null && sites.hasNext()) {
                Site s = sites.next();
                Optional<Mutation> m = s.mutation();
                if (m.isPresent() && seen.add(m.get().file() + "\u0000" + m.get().newSource())) {
                    next = m.get();
                }
            }
            return next != null;
        }

        @Override
        public Proposal next() {
            if (!hasNext()) {
                throw new NoSuchElementException("no proposal left");
            }
            Mutation m = next;
            next = null;
            return new Proposal.Rewrite(m);
        }
    }

    /**
     * The operator's prior, scaled by its MAA for this plugin (x0.5 for operators that always failed, x1.5 for ones
     * that always helped), and by {@link #REDUNDANT} when the edit writes code the plugin already has elsewhere.
     */
    private static double weight(Site s, OperatorStats maa) {
        return s.operator().prior() * (1 + maa.score(s.operator()) / 2) * (s.redundant() ? REDUNDANT : 1.0);
    }

    /**
     * How much more likely an edit is when the expression it produces already occurs elsewhere in the plugin's
     * sources (the "plastic surgery" observation: most fixes re-use code the program already contains, e.g. the
     * {@code s.charAt(i + 1)} its neighbour's guard protects, where an unrelated tweak writes something new).
     */
    static final double REDUNDANT = 1.5;
    /** An expression shorter than this (spaces removed) is too common to say anything when it recurs ({@code i + 1}). */
    private static final int MIN_INGREDIENT = 12;

    /**
     * A mutation site: what the edit is and where (the line of the block statement holding it is where a spectrum's
     * probe sits), whether the edited expression's new text occurs elsewhere in the plugin, and the rewritten file,
     * written now or when first asked for (empty when the edit cannot be made or changes nothing).
     */
    private record Site(Operator operator, String file, String method, int line, String what, int statementLine, boolean redundant,
                        Supplier<Optional<String>> source) {
        Optional<Mutation> mutation() {
            return source.get().map(text -> new Mutation(operator, file, method, line, what, text));
        }
    }

    private static String withoutSpace(String text) {
        return text.replaceAll("\\s+", "");
    }

    /** Every mutation of {@code source} inside {@code methods} (all methods when empty), in source order. */
    public List<Mutation> mutations(String file, String source, List<String> methods) {
        return mutations(file, source, methods, EnumSet.allOf(Operator.class));
    }

    /** As {@link #mutations(String, String, List)}, only the edits of some operators written. */
    List<Mutation> mutations(String file, String source, List<String> methods, Set<Operator> operators) {
        return sites(file, source, methods, withoutSpace(source)).stream().filter(s -> operators.contains(s.operator()))
                .flatMap(s -> s.mutation().stream()).toList();
    }

    /** @param corpus the plugin's Java sources without white space, where re-used expressions are looked for */
    private List<Site> sites(String file, String source, List<String> methods, String corpus) {
        CompilationUnit unit = SourceRegions.parse(source);
        List<Site> out = new ArrayList<>();
        unit.accept(new ASTVisitor() {
            @Override
            public boolean visit(MethodDeclaration m) {
                String name = SourceRegions.typeName(m) + "." + (m.isConstructor() ? "<init>" : m.getName().getIdentifier());
                if (m.getBody() != null && (methods.isEmpty() || methods.contains(name))) {
                    new Sites(file, source, unit, name, corpus, writing, out).scan(m.getBody());
                }
                return false;
            }

            /** Field initializers too: a wrong constant (a limit, a priority) is a common one-token bug. */
            @Override
            public boolean visit(FieldDeclaration f) {
                String name = SourceRegions.typeName(f) + "." + (Modifier.isStatic(f.getModifiers()) ? "<clinit>" : "<init>");
                if (methods.isEmpty() || methods.contains(name)) {
                    for (Object o : f.fragments()) {
                        Expression init = ((VariableDeclarationFragment) o).getInitializer();
                        if (init != null) {
                            new Sites(file, source, unit, name, corpus, writing, out).scan(init);
                        }
                    }
                }
                return false;
            }
        });
        return out;
    }

    /** The methods (as {@code Type.method}) a file declares, in source order. */
    public List<MethodLocation> methods(String file, String source) {
        CompilationUnit unit = SourceRegions.parse(source);
        List<MethodLocation> out = new ArrayList<>();
        unit.accept(new ASTVisitor() {
            @Override
            public boolean visit(MethodDeclaration m) {
                if (m.getBody() != null) {
                    out.add(new MethodLocation(file, SourceRegions.typeName(m) + "." + (m.isConstructor() ? "<init>" : m.getName().getIdentifier())));
                }
                return true;
            }
        });
        return out;
    }

    private static final class Sites {
        private final String file;
        private final String source;
        private final CompilationUnit unit;
        private final String method;
        private final String corpus;
        private final Writing writing;
        private final List<Site> out;

        Sites(String file, String source, CompilationUnit unit, String method, String corpus, Writing writing, List<Site> out) {
            this.file = file;
            this.source = source;
            this.unit = unit;
            this.method = method;
            this.corpus = corpus;
            this.writing = writing;
            this.out = out;
        }

        void scan(ASTNode body) {
            body.accept(new ASTVisitor() {
                @Override
                public boolean visit(InfixExpression e) {
                    infix(e);
                    return true;
                }

                @Override
                public boolean visit(NumberLiteral n) {
                    number(n);
                    return true;
                }

                @Override
                public boolean visit(BooleanLiteral b) {
                    emit(Operator.CONSTANT_CHANGE, b, "true/false flipped", replacing(b, String.valueOf(!b.booleanValue())),
                            r -> r.replace(b, b.getAST().newBooleanLiteral(!b.booleanValue()), null));
                    return true;
                }

                @Override
                public boolean visit(StringLiteral s) {
                    if (!s.getLiteralValue().isEmpty() && !(s.getParent() instanceof org.eclipse.jdt.core.dom.SwitchCase)) {
                        emit(Operator.CONSTANT_CHANGE, s, "string " + s.getEscapedValue() + " emptied", replacing(s, "\"\""), r -> {
                            StringLiteral empty = s.getAST().newStringLiteral();
                            empty.setLiteralValue("");
                            r.replace(s, empty, null);
                        });
                    }
                    return true;
                }

                @Override
                public boolean visit(IfStatement s) {
                    negate(s.getExpression());
                    return true;
                }

                @Override
                public boolean visit(WhileStatement s) {
                    negate(s.getExpression());
                    return true;
                }

                @Override
                public boolean visit(DoStatement s) {
                    negate(s.getExpression());
                    return true;
                }

                @Override
                public boolean visit(ConditionalExpression c) {
                    negate(c.getExpression());
                    return true;
                }

                @Override
                public boolean visit(MethodInvocation m) {
                    swapArguments(m, m.arguments());
                    return true;
                }

                @Override
                public boolean visit(ClassInstanceCreation c) {
                    swapArguments(c, c.arguments());
                    return true;
                }

                @Override
                public boolean visit(Block b) {
                    statements(b);
                    return true;
                }

                @Override
                public boolean visit(ExpressionStatement s) {
                    guard(s);
                    return true;
                }
            });
        }

        private static final List<InfixExpression.Operator> COMPARISONS = List.of(InfixExpression.Operator.LESS,
                InfixExpression.Operator.LESS_EQUALS, InfixExpression.Operator.GREATER, InfixExpression.Operator.GREATER_EQUALS,
                InfixExpression.Operator.EQUALS, InfixExpression.Operator.NOT_EQUALS);
        private static final List<InfixExpression.Operator> ARITHMETIC = List.of(InfixExpression.Operator.PLUS,
                InfixExpression.Operator.MINUS, InfixExpression.Operator.TIMES, InfixExpression.Operator.DIVIDE,
                InfixExpression.Operator.REMAINDER);

        private void infix(InfixExpression e) {
            InfixExpression.Operator op = e.getOperator();
            List<InfixExpression.Operator> alternatives = new ArrayList<>();
            Operator kind;
            if (COMPARISONS.contains(op)) {
                kind = Operator.COMPARISON_REPLACE;
                boolean equality = op == InfixExpression.Operator.EQUALS || op == InfixExpression.Operator.NOT_EQUALS;
                for (InfixExpression.Operator alt : COMPARISONS) {
                    boolean altEquality = alt == InfixExpression.Operator.EQUALS || alt == InfixExpression.Operator.NOT_EQUALS;
                    // equality flips to its opposite; orderings move among orderings (references are not ordered)
                    if (alt != op && equality == altEquality) {
                        alternatives.add(alt);
                    }
                }
            } else if (ARITHMETIC.contains(op)) {
                kind = Operator.OPERATOR_REPLACE;
                if (op == InfixExpression.Operator.PLUS && (isString(e.getLeftOperand()) || isString(e.getRightOperand()))) {
                    return; // string concatenation
                }
                ARITHMETIC.stream().filter(a -> a != op).forEach(alternatives::add);
            } else if (op == InfixExpression.Operator.CONDITIONAL_AND || op == InfixExpression.Operator.CONDITIONAL_OR) {
                kind = Operator.OPERATOR_REPLACE;
                alternatives.add(op == InfixExpression.Operator.CONDITIONAL_AND ? InfixExpression.Operator.CONDITIONAL_OR
                        : InfixExpression.Operator.CONDITIONAL_AND);
            } else {
                return;
            }
            for (InfixExpression.Operator alt : alternatives) {
                emit(kind, e, "'" + op + "' -> '" + alt + "'", operatorTokens(e, alt.toString()),
                        r -> r.set(e, InfixExpression.OPERATOR_PROPERTY, alt, null));
            }
        }

        private static boolean isString(Expression e) {
            return e instanceof StringLiteral || (e instanceof InfixExpression i && i.getOperator() == InfixExpression.Operator.PLUS
                    && (isString(i.getLeftOperand()) || isString(i.getRightOperand())));
        }

        private void number(NumberLiteral n) {
            String token = n.getToken();
            if (!token.matches("\\d+")) {
                return;
            }
            long v;
            try {
                v = Long.parseLong(token);
            } catch (NumberFormatException e) {
                return;
            }
            boolean negated = n.getParent() instanceof PrefixExpression p && p.getOperator() == PrefixExpression.Operator.MINUS;
            List<Long> variants = new ArrayList<>(List.of(v + 1));
            if (v > 0) {
                variants.add(v - 1);
            }
            for (long alt : variants) {
                emit(Operator.OFF_BY_ONE, n, (negated ? "-" : "") + v + " -> " + (negated ? "-" : "") + alt, replacing(n, Long.toString(alt)),
                        r -> r.replace(n, n.getAST().newNumberLiteral(Long.toString(alt)), null));
            }
            for (long alt : List.of(0L, 1L)) {
                if (alt != v && Math.abs(alt - v) != 1) {
                    emit(Operator.CONSTANT_CHANGE, n, v + " -> " + alt, replacing(n, Long.toString(alt)),
                            r -> r.replace(n, n.getAST().newNumberLiteral(Long.toString(alt)), null));
                }
            }
        }

        private void negate(Expression condition) {
            Optional<List<Splice>> wrapped = movable(condition) ? Optional.of(List.of(new Splice(condition.getStartPosition(),
                    condition.getStartPosition(), "!("), new Splice(end(condition), end(condition), ")"))) : Optional.empty();
            emit(Operator.NEGATE_CONDITION, condition, "condition negated", wrapped, r -> {
                AST ast = condition.getAST();
                PrefixExpression not = ast.newPrefixExpression();
                not.setOperator(PrefixExpression.Operator.NOT);
                ParenthesizedExpression paren = ast.newParenthesizedExpression();
                paren.setExpression((Expression) r.createCopyTarget(condition));
                not.setOperand(paren);
                r.replace(condition, not, null);
            });
        }

        private void swapArguments(ASTNode call, List<?> args) {
            for (int i = 0; i + 1 < args.size(); i++) {
                ASTNode a = (ASTNode) args.get(i);
                ASTNode b = (ASTNode) args.get(i + 1);
                Optional<List<Splice>> swapped = movable(a) && movable(b) ? Optional.of(List.of(new Splice(a.getStartPosition(), end(a), text(b)),
                        new Splice(b.getStartPosition(), end(b), text(a)))) : Optional.empty();
                emit(Operator.ARGUMENT_SWAP, call, "arguments " + (i + 1) + " and " + (i + 2) + " swapped", swapped, r -> {
                    ASTNode ca = r.createCopyTarget(a);
                    ASTNode cb = r.createCopyTarget(b);
                    r.replace(a, cb, null);
                    r.replace(b, ca, null);
                });
            }
        }

        private void statements(Block b) {
            List<?> stmts = b.statements();
            for (int i = 0; i < stmts.size(); i++) {
                Statement s = (Statement) stmts.get(i);
                boolean terminal = s instanceof ReturnStatement || s instanceof ThrowStatement;
                if (!(s instanceof VariableDeclarationStatement) && !terminal) {
                    emitLater(Operator.STATEMENT_DELETE, s, "statement '" + firstLine(s) + "' deleted", r -> {
                        ListRewrite lr = r.getListRewrite(b, Block.STATEMENTS_PROPERTY);
                        lr.remove(s, null);
                    });
                }
                if (i + 1 < stmts.size()) {
                    Statement next = (Statement) stmts.get(i + 1);
                    if (!(next instanceof ReturnStatement) && !(next instanceof ThrowStatement)) {
                        emitLater(Operator.STATEMENT_SWAP, s, "statements '" + firstLine(s) + "' and '" + firstLine(next) + "' swapped", r -> {
                            ASTNode cs = r.createCopyTarget(s);
                            ASTNode cn = r.createCopyTarget(next);
                            r.replace(s, cn, null);
                            r.replace(next, cs, null);
                        });
                    }
                }
            }
        }

        private void guard(ExpressionStatement s) {
            Optional<SimpleName> receiver = Optional.empty();
            if (s.getExpression() instanceof MethodInvocation m && m.getExpression() instanceof SimpleName n) {
                receiver = Optional.of(n);
            }
            if (receiver.isEmpty() || !(s.getParent() instanceof Block)) {
                return;
            }
            String name = receiver.get().getIdentifier();
            if (Character.isUpperCase(name.charAt(0))) {
                return; // a type, not a value
            }
            for (boolean empty : List.of(false, true)) {
                String test = empty ? name + " != null && !" + name + ".isEmpty()" : name + " != null";
                emitLater(Operator.NULL_GUARD, s, "guarded by " + test, r -> {
                    AST ast = s.getAST();
                    IfStatement guard = ast.newIfStatement();
                    guard.setExpression((Expression) r.createStringPlaceholder(test, ASTNode.INFIX_EXPRESSION));
                    guard.setThenStatement((Statement) r.createCopyTarget(s));
                    r.replace(s, guard, null);
                });
            }
        }

        /** The innermost statement that sits directly in a block (the spectrum's unit), or the node itself. */
        private static ASTNode blockStatement(ASTNode at) {
            for (ASTNode n = at; n != null; n = n.getParent()) {
                if (n instanceof Statement && n.getParent() instanceof Block) {
                    return n;
                }
            }
            return at;
        }

        private String firstLine(ASTNode n) {
            String text = source.substring(n.getStartPosition(), n.getStartPosition() + n.getLength()).strip();
            int nl = text.indexOf('\n');
            text = nl < 0 ? text : text.substring(0, nl) + " ...";
            return text.length() > 60 ? text.substring(0, 57) + "..." : text;
        }

        /** A piece of an edit written as text: the source from {@code start} to {@code end} becomes {@code text}. */
        private record Splice(int start, int end, String text) {
        }

        /**
         * Whether {@link ASTRewrite} would take exactly the node's own text when it replaces or copies it: no comment
         * is attached to it (a rewrite moves or drops such comments with the node).
         */
        private boolean plain(ASTNode n) {
            return unit.getExtendedStartPosition(n) == n.getStartPosition() && unit.getExtendedLength(n) == n.getLength();
        }

        /** Whether {@link ASTRewrite} would copy the node's text unchanged: {@link #plain} and on one line (it re-indents the lines of a copy). */
        private boolean movable(ASTNode n) {
            return plain(n) && text(n).indexOf('\n') < 0 && text(n).indexOf('\r') < 0;
        }

        private static int end(ASTNode n) {
            return n.getStartPosition() + n.getLength();
        }

        private String text(ASTNode n) {
            return source.substring(n.getStartPosition(), end(n));
        }

        private Optional<List<Splice>> replacing(ASTNode n, String text) {
            return plain(n) ? Optional.of(List.of(new Splice(n.getStartPosition(), end(n), text))) : Optional.empty();
        }

        /** The operator between each two operands replaced, where only white space surrounds it. */
        private Optional<List<Splice>> operatorTokens(InfixExpression e, String to) {
            List<ASTNode> operands = new ArrayList<>(List.of(e.getLeftOperand(), e.getRightOperand()));
            e.extendedOperands().forEach(o -> operands.add((ASTNode) o));
            String from = e.getOperator().toString();
            List<Splice> out = new ArrayList<>();
            for (int i = 0; i + 1 < operands.size(); i++) {
                int gapStart = end(operands.get(i));
                String gap = source.substring(gapStart, operands.get(i + 1).getStartPosition());
                if (!plain(operands.get(i)) || !plain(operands.get(i + 1)) || !gap.strip().equals(from)) {
                    return Optional.empty();
                }
                int at = gapStart + gap.indexOf(from);
                out.add(new Splice(at, at + from.length(), to));
            }
            return Optional.of(out);
        }

        /**
         * An edit inside an expression: written now (its text decides its rank), as splices when there are any (with
         * {@link Writing#SPLICE}), else through {@code edit}.
         */
        private void emit(Operator op, ASTNode at, String what, Optional<List<Splice>> splices, Consumer<ASTRewrite> edit) {
            Optional<String> edited = writing == Writing.SPLICE && splices.isPresent() ? Optional.of(splice(splices.get())) : rewrite(edit);
            edited.filter(text -> !text.equals(source)).ifPresent(text -> out.add(new Site(op, file, method, unit.getLineNumber(at.getStartPosition()),
                    what, unit.getLineNumber(blockStatement(at).getStartPosition()), reusesCode(at, text), () -> Optional.of(text))));
        }

        /**
         * A statement edit: written through {@code edit} only when first asked for. Nothing of its rank depends on its
         * text ({@link #reusesCode} looks at expressions only).
         */
        private void emitLater(Operator op, Statement at, String what, Consumer<ASTRewrite> edit) {
            out.add(new Site(op, file, method, unit.getLineNumber(at.getStartPosition()), what, unit.getLineNumber(at.getStartPosition()), false,
                    new Later(() -> rewrite(edit).filter(text -> !text.equals(source)))));
        }

        /** A rewrite written the first time it is asked for. */
        private static final class Later implements Supplier<Optional<String>> {
            private Supplier<Optional<String>> write;
            private Optional<String> written;

            Later(Supplier<Optional<String>> write) {
                this.write = write;
            }

            @Override
            public Optional<String> get() {
                if (written == null) {
                    written = write.get();
                    write = null;
                }
                return written;
            }
        }

        private String splice(List<Splice> splices) {
            StringBuilder sb = new StringBuilder(source.length() + 16);
            int from = 0;
            for (Splice s : splices.stream().sorted(Comparator.comparingInt(Splice::start)).toList()) {
                sb.append(source, from, s.start()).append(s.text());
                from = s.end();
            }
            return sb.append(source, from, source.length()).toString();
        }

        /** The file as {@link ASTRewrite} writes it after {@code edit}; empty when this site cannot take the edit. */
        private Optional<String> rewrite(Consumer<ASTRewrite> edit) {
            ASTRewrite rewrite = ASTRewrite.create(unit.getAST());
            edit.accept(rewrite);
            Document doc = new Document(source);
            try {
                rewrite.rewriteAST(doc, null).apply(doc);
            } catch (BadLocationException | MalformedTreeException | IllegalArgumentException e) {
                return Optional.empty(); // this site cannot take this edit; others still can
            }
            return Optional.of(doc.get());
        }

        /**
         * Whether the edit turns an expression around it into one the plugin already holds: the edited node and its
         * enclosing expressions up to a boolean connective or the statement, each at least {@link #MIN_INGREDIENT}
         * characters long and with some structure (a call, a field or an element), looked for in the sources without
         * white space.
         */
        private boolean reusesCode(ASTNode at, String edited) {
            int delta = edited.length() - source.length();
            for (ASTNode n = at; n instanceof Expression; n = n.getParent()) {
                if (n instanceof InfixExpression i && (i.getOperator() == InfixExpression.Operator.CONDITIONAL_AND
                        || i.getOperator() == InfixExpression.Operator.CONDITIONAL_OR)) {
                    return false;
                }
                int end = n.getStartPosition() + n.getLength() + delta;
                if (end <= n.getStartPosition() || end > edited.length()) {
                    return false;
                }
                String now = withoutSpace(edited.substring(n.getStartPosition(), end));
                if (now.length() >= MIN_INGREDIENT && (now.contains("(") || now.contains("[") || now.contains("."))) {
                    return corpus.contains(now);
                }
            }
            return false;
        }
    }
}
