package dev.chrysalis.evolution.mutate;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jdt.core.JavaCore;
import org.eclipse.jdt.core.dom.AST;
import org.eclipse.jdt.core.dom.ASTNode;
import org.eclipse.jdt.core.dom.ASTParser;
import org.eclipse.jdt.core.dom.ASTVisitor;
import org.eclipse.jdt.core.dom.AbstractTypeDeclaration;
import org.eclipse.jdt.core.dom.CompilationUnit;
import org.eclipse.jdt.core.dom.DoStatement;
import org.eclipse.jdt.core.dom.EnhancedForStatement;
import org.eclipse.jdt.core.dom.ForStatement;
import org.eclipse.jdt.core.dom.IfStatement;
import org.eclipse.jdt.core.dom.LabeledStatement;
import org.eclipse.jdt.core.dom.MethodDeclaration;
import org.eclipse.jdt.core.dom.Statement;
import org.eclipse.jdt.core.dom.SwitchStatement;
import org.eclipse.jdt.core.dom.SynchronizedStatement;
import org.eclipse.jdt.core.dom.TryStatement;
import org.eclipse.jdt.core.dom.WhileStatement;

/** Where each method of a Java file is (first and last line, 1-based), named {@code Type.method} as fault localisation names them. */
public final class SourceRegions {

    /** A method's lines. */
    public record Region(String method, int firstLine, int lastLine) {
        public boolean contains(int line) {
            return line >= firstLine && line <= lastLine;
        }
    }

    private SourceRegions() {
    }

    /**
     * A Java file's syntax tree at the latest language level (no bindings). JDT aborts the parse when the
     * thread is interrupted.
     */
    public static CompilationUnit parse(String source) {
        ASTParser parser = ASTParser.newParser(AST.getJLSLatest());
        parser.setKind(ASTParser.K_COMPILATION_UNIT);
        parser.setSource(source.toCharArray());
        Map<String, String> options = JavaCore.getOptions();
        JavaCore.setComplianceOptions(JavaCore.latestSupportedJavaVersion(), options);
        parser.setCompilerOptions(options);
        return (CompilationUnit) parser.createAST(null);
    }

    /** Every method of a Java file with its lines, in source order. */
    public static List<Region> methods(String source) {
        CompilationUnit unit = parse(source);
        List<Region> out = new ArrayList<>();
        unit.accept(new ASTVisitor() {
            @Override
            public boolean visit(MethodDeclaration m) {
                String name = typeName(m) + "." + (m.isConstructor() ? "<init>" : m.getName().getIdentifier());
                int first = unit.getLineNumber(m.getStartPosition());
                int last = unit.getLineNumber(m.getStartPosition() + m.getLength() - 1);
                out.add(new Region(name, first, last));
                return true;
            }
        });
        return out;
    }

    /** The innermost method around {@code line}. */
    public static Optional<String> methodAt(String source, int line) {
        return methods(source).stream().filter(r -> r.contains(line))
                .min((a, b) -> Integer.compare(a.lastLine() - a.firstLine(), b.lastLine() - b.firstLine())).map(Region::method);
    }

    /**
     * The parts of a statement that are its own and not those of statements nested in it: a compound statement's
     * header (an if's condition, a loop's header, a switch's selector, a try's resources), a simple statement whole.
     */
    public static List<ASTNode> ownParts(Statement s) {
        List<ASTNode> out = new ArrayList<>();
        switch (s) {
            case IfStatement i -> out.add(i.getExpression());
            case WhileStatement w -> out.add(w.getExpression());
            case DoStatement d -> out.add(d.getExpression());
            case SwitchStatement w -> out.add(w.getExpression());
            case SynchronizedStatement y -> out.add(y.getExpression());
            case EnhancedForStatement f -> {
                out.add(f.getParameter());
                out.add(f.getExpression());
            }
            case ForStatement f -> {
                f.initializers().forEach(o -> out.add((ASTNode) o));
                if (f.getExpression() != null) {
                    out.add(f.getExpression());
                }
                f.updaters().forEach(o -> out.add((ASTNode) o));
            }
            case TryStatement t -> t.resources().forEach(o -> out.add((ASTNode) o));
            case LabeledStatement l -> { }
            default -> out.add(s);
        }
        return out;
    }

    /** The name of the type declaring {@code node}, nested types joined with {@code $}. */
    public static String typeName(ASTNode node) {
        StringBuilder sb = new StringBuilder();
        for (ASTNode n = node.getParent(); n != null; n = n.getParent()) {
            if (n instanceof AbstractTypeDeclaration t) {
                sb.insert(0, sb.isEmpty() ? t.getName().getIdentifier() : t.getName().getIdentifier() + "$");
            }
        }
        return sb.toString();
    }
}
