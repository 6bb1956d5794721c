package dev.chrysalis.evolution.mutate;

import dev.chrysalis.evolution.locate.Suspicion;
import dev.chrysalis.evolution.search.OperatorStats;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
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
 * and yields one {@link Mutation} per (site, operator, variant), each rewritten with {@link ASTRewrite} so
 * formatting and comments outside the edit are kept.
 */
public final class AstMutator implements Mutator {

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
                .filter(s -> !informed || suspicion.method(s.mutation().method()) > 0).toList());
        ranked.sort(Comparator.comparingDouble((Site s) -> -suspicion.line(s.mutation().file(), s.statementLine()) * weight(s, maa))
                .thenComparingDouble(s -> -suspicion.method(s.mutation().method()) * weight(s, maa))
                .thenComparingInt(s -> s.mutation().operator().ordinal()));
        Set<String> seen = new HashSet<>();
        List<Mutation> distinct = new ArrayList<>();
        for (Site s : ranked) {
            if (seen.add(s.mutation().file() + "\u0000" + s.mutation().newSource())) {
                distinct.add(s.mutation());
            }
        }
        return Proposals.of(distinct);
    }

    /**
     * The operator's prior, scaled by its MAA for this plugin (x0.5 for operators that always failed, x1.5 for ones
     * that always helped), and by {@link #REDUNDANT} when the edit writes code the plugin already has elsewhere.
     */
    private static double weight(Site s, OperatorStats maa) {
        return s.mutation().operator().prior() * (1 + maa.score(s.mutation().operator()) / 2) * (s.redundant() ? REDUNDANT : 1.0);
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
     * A mutation, the line of the block statement holding the edit (where a spectrum's probe sits), and whether the
     * edited expression's new text occurs elsewhere in the plugin.
     */
    private record Site(Mutation mutation, int statementLine, boolean redundant) {
    }

    private static String withoutSpace(String text) {
        return text.replaceAll("\\s+", "");
    }

    /** Every mutation of {@code source} inside {@code methods} (all methods when empty), in source order. */
    public List<Mutation> mutations(String file, String source, List<String> methods) {
        return sites(file, source, methods, withoutSpace(source)).stream().map(Site::mutation).toList();
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
                    new Sites(file, source, unit, name, corpus, out).scan(m.getBody());
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
                            new Sites(file, source, unit, name, corpus, out).scan(init);
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
        private final List<Site> out;

        Sites(String file, String source, CompilationUnit unit, String method, String corpus, List<Site> out) {
            this.file = file;
            this.source = source;
            this.unit = unit;
            this.method = method;
            this.corpus = corpus;
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
                    emit(Operator.CONSTANT_CHANGE, b, "true/false flipped", r -> r.replace(b, b.getAST().newBooleanLiteral(!b.booleanValue()), null));
                    return true;
                }

                @Override
                public boolean visit(StringLiteral s) {
                    if (!s.getLiteralValue().isEmpty() && !(s.getParent() instanceof org.eclipse.jdt.core.dom.SwitchCase)) {
                        emit(Operator.CONSTANT_CHANGE, s, "string " + s.getEscapedValue() + " emptied", r -> {
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
                emit(kind, e, "'" + op + "' -> '" + alt + "'", r -> r.set(e, InfixExpression.OPERATOR_PROPERTY, alt, null));
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
                emit(Operator.OFF_BY_ONE, n, (negated ? "-" : "") + v + " -> " + (negated ? "-" : "") + alt,
                        r -> r.replace(n, n.getAST().newNumberLiteral(Long.toString(alt)), null));
            }
            for (long alt : List.of(0L, 1L)) {
                if (alt != v && Math.abs(alt - v) != 1) {
                    emit(Operator.CONSTANT_CHANGE, n, v + " -> " + alt, r -> r.replace(n, n.getAST().newNumberLiteral(Long.toString(alt)), null));
                }
            }
        }

        private void negate(Expression condition) {
            emit(Operator.NEGATE_CONDITION, condition, "condition negated", r -> {
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
                emit(Operator.ARGUMENT_SWAP, call, "arguments " + (i + 1) + " and " + (i + 2) + " swapped", r -> {
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
                    emit(Operator.STATEMENT_DELETE, s, "statement '" + firstLine(s) + "' deleted", r -> {
                        ListRewrite lr = r.getListRewrite(b, Block.STATEMENTS_PROPERTY);
                        lr.remove(s, null);
                    });
                }
                if (i + 1 < stmts.size()) {
                    Statement next = (Statement) stmts.get(i + 1);
                    if (!(next instanceof ReturnStatement) && !(next instanceof ThrowStatement)) {
                        emit(Operator.STATEMENT_SWAP, s, "statements '" + firstLine(s) + "' and '" + firstLine(next) + "' swapped", r -> {
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
                emit(Operator.NULL_GUARD, s, "guarded by " + test, r -> {
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

        private void emit(Operator op, ASTNode at, String what, Consumer<ASTRewrite> edit) {
            ASTRewrite rewrite = ASTRewrite.create(unit.getAST());
            edit.accept(rewrite);
            Document doc = new Document(source);
            try {
                rewrite.rewriteAST(doc, null).apply(doc);
            } catch (BadLocationException | MalformedTreeException | IllegalArgumentException e) {
                return; // this site cannot take this edit; others still can
            }
            if (!doc.get().equals(source)) {
                out.add(new Site(new Mutation(op, file, method, unit.getLineNumber(at.getStartPosition()), what, doc.get()),
                        unit.getLineNumber(blockStatement(at).getStartPosition()), reusesCode(at, doc.get())));
            }
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
