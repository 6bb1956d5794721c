package dev.chrysalis.governance.capability;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.CodeElement;
import java.lang.classfile.Instruction;
import java.lang.classfile.MethodModel;
import java.lang.classfile.constantpool.ClassEntry;
import java.lang.classfile.constantpool.ConstantDynamicEntry;
import java.lang.classfile.constantpool.MethodHandleEntry;
import java.lang.classfile.instruction.ConstantInstruction;
import java.lang.classfile.instruction.FieldInstruction;
import java.lang.classfile.instruction.InvokeDynamicInstruction;
import java.lang.classfile.instruction.InvokeInstruction;
import java.lang.classfile.instruction.LineNumber;
import java.lang.classfile.instruction.NewMultiArrayInstruction;
import java.lang.classfile.instruction.NewObjectInstruction;
import java.lang.classfile.instruction.NewReferenceArrayInstruction;
import java.lang.classfile.instruction.TypeCheckInstruction;
import java.lang.constant.ConstantDesc;
import java.lang.constant.DirectMethodHandleDesc;
import java.lang.constant.DynamicConstantDesc;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.jar.JarInputStream;
import java.util.zip.ZipEntry;

/**
 * Finds the capabilities a jar's code actually uses by reading every class with the JDK class-file API
 * ({@code java.lang.classfile}): each call, field access, object creation, type check, class constant, method
 * handle constant and bootstrap argument of an {@code invokedynamic} (method references such as
 * {@code Files::delete}) is matched against {@link CapabilityRules}, as are the superclass and interfaces.
 * Nested jars are scanned too. Nothing is loaded or run.
 */
public final class BytecodeScanner {
    /** Larger entries are refused rather than read (a zip bomb must not take the host down). */
    public static final long MAX_ENTRY_BYTES = 32L * 1024 * 1024;
    public static final long MAX_TOTAL_BYTES = 256L * 1024 * 1024;
    public static final int MAX_NESTING = 3;

    private final CapabilityRules rules;

    public BytecodeScanner(CapabilityRules rules) {
        this.rules = rules;
    }

    public ScanReport scan(Path jar) {
        try (InputStream in = Files.newInputStream(jar)) {
            return scan(in, jar.getFileName().toString());
        } catch (IOException e) {
            throw new CapabilityScanException("cannot read jar " + jar + ": " + e.getMessage(), e);
        }
    }

    public ScanReport scan(byte[] jarBytes, String source) {
        try {
            return scan(new ByteArrayInputStream(jarBytes), source);
        } catch (IOException e) {
            throw new CapabilityScanException("cannot read jar " + source + ": " + e.getMessage(), e);
        }
    }

    private ScanReport scan(InputStream in, String source) throws IOException {
        var state = new State();
        scanJar(in, "", 0, state);
        return new ScanReport(source, state.classes, state.uses, state.problems);
    }

    private static final class State {
        int classes;
        long totalBytes;
        final List<CapabilityUse> uses = new ArrayList<>();
        final List<String> problems = new ArrayList<>();
    }

    private void scanJar(InputStream in, String prefix, int depth, State state) throws IOException {
        JarInputStream jar = new JarInputStream(in, false);
        ZipEntry entry;
        boolean any = false;
        while ((entry = jar.getNextEntry()) != null) {
            any = true;
            String name = prefix + entry.getName();
            if (entry.isDirectory()) {
                continue;
            }
            boolean isClass = entry.getName().endsWith(".class");
            boolean isJar = entry.getName().endsWith(".jar");
            if (!isClass && !isJar) {
                continue;
            }
            byte[] bytes = readBounded(jar, name, state);
            if (bytes == null) {
                continue;
            }
            if (isJar) {
                if (depth + 1 > MAX_NESTING) {
                    state.problems.add(name + ": nested jar deeper than " + MAX_NESTING + " levels, not scanned");
                } else {
                    scanJar(new ByteArrayInputStream(bytes), name + "!/", depth + 1, state);
                }
            } else {
                scanClass(bytes, name, state);
            }
        }
        if (!any && depth == 0) {
            state.problems.add((prefix.isEmpty() ? "jar" : prefix) + ": not a jar or an empty jar");
        }
    }

    private static byte[] readBounded(InputStream in, String name, State state) throws IOException {
        byte[] bytes = in.readNBytes((int) Math.min(MAX_ENTRY_BYTES + 1, MAX_TOTAL_BYTES - state.totalBytes + 1));
        state.totalBytes += bytes.length;
        if (bytes.length > MAX_ENTRY_BYTES || state.totalBytes > MAX_TOTAL_BYTES) {
            state.problems.add(name + ": larger than the scan limit (" + MAX_ENTRY_BYTES + " bytes per entry, "
                    + MAX_TOTAL_BYTES + " in all), not scanned");
            return null;
        }
        return bytes;
    }

    private void scanClass(byte[] bytes, String source, State state) {
        ClassModel model;
        try {
            model = ClassFile.of().parse(bytes);
        } catch (IllegalArgumentException e) {
            state.problems.add(source + ": not a valid class file (" + e.getMessage() + ")");
            return;
        }
        state.classes++;
        String className = model.thisClass().asInternalName().replace('/', '.');
        var sink = new Sink(className, source, state.uses);
        model.superclass().ifPresent(s -> sink.reference(CapabilityRules.CLASS_USE, -1, s.asInternalName(),
                CapabilityRules.EXTENDS, "", "extends"));
        for (ClassEntry i : model.interfaces()) {
            sink.reference(CapabilityRules.CLASS_USE, -1, i.asInternalName(), CapabilityRules.EXTENDS, "", "implements");
        }
        for (MethodModel method : model.methods()) {
            String where = method.methodName().stringValue() + method.methodType().stringValue();
            method.code().ifPresent(code -> {
                int line = -1;
                for (CodeElement element : code) {
                    if (element instanceof LineNumber ln) {
                        line = ln.line();
                    } else if (element instanceof Instruction instruction) {
                        scanInstruction(instruction, where, line, sink);
                    }
                }
            });
        }
    }

    private void scanInstruction(Instruction instruction, String where, int line, Sink sink) {
        switch (instruction) {
            case InvokeInstruction i -> sink.reference(where, line, i.owner().asInternalName(), i.name().stringValue(),
                    i.type().stringValue(), i.name().stringValue().equals("<init>") ? "constructs" : "calls");
            case FieldInstruction f -> sink.reference(where, line, f.owner().asInternalName(), f.name().stringValue(),
                    f.type().stringValue(), "uses field");
            case NewObjectInstruction n -> sink.classUse(where, line, n.className());
            case TypeCheckInstruction t -> sink.classUse(where, line, t.type());
            case NewReferenceArrayInstruction a -> sink.classUse(where, line, a.componentType());
            case NewMultiArrayInstruction a -> sink.classUse(where, line, a.arrayType());
            case ConstantInstruction.LoadConstantInstruction c -> {
                if (c.constantEntry() instanceof ClassEntry ce) {
                    sink.classUse(where, line, ce);
                } else if (c.constantEntry() instanceof MethodHandleEntry mh) {
                    sink.handle(where, line, mh.asSymbol());
                } else if (c.constantEntry() instanceof ConstantDynamicEntry cd) {
                    dynamic(where, line, cd.asSymbol(), sink);
                }
            }
            case InvokeDynamicInstruction d -> {
                sink.handle(where, line, d.bootstrapMethod());
                bootstrapArgs(where, line, d.bootstrapArgs(), sink);
            }
            default -> {
            }
        }
    }

    /** A dynamic constant runs its bootstrap method with its arguments: all of them are references. */
    private void dynamic(String where, int line, DynamicConstantDesc<?> desc, Sink sink) {
        sink.handle(where, line, desc.bootstrapMethod());
        bootstrapArgs(where, line, List.of(desc.bootstrapArgs()), sink);
    }

    private void bootstrapArgs(String where, int line, List<ConstantDesc> args, Sink sink) {
        for (ConstantDesc arg : args) {
            if (arg instanceof DirectMethodHandleDesc h) {
                sink.handle(where, line, h);
            } else if (arg instanceof DynamicConstantDesc<?> nested) {
                dynamic(where, line, nested, sink);
            } else if (arg instanceof java.lang.constant.ClassDesc cd && cd.isClassOrInterface()) {
                String d = cd.descriptorString();
                sink.reference(where, line, d.substring(1, d.length() - 1), CapabilityRules.CLASS_USE, "", "refers to");
            }
        }
    }

    private final class Sink {
        private final String className;
        private final String source;
        private final List<CapabilityUse> out;
        private final Set<String> seen = new LinkedHashSet<>();

        Sink(String className, String source, List<CapabilityUse> out) {
            this.className = className;
            this.source = source;
            this.out = out;
        }

        void classUse(String where, int line, ClassEntry entry) {
            String name = entry.asInternalName();
            int dims = 0;
            while (name.startsWith("[")) {
                name = name.substring(1);
                dims++;
            }
            if (dims > 0) {
                if (!name.startsWith("L")) {
                    return;
                }
                name = name.substring(1, name.length() - 1);
            }
            reference(where, line, name, CapabilityRules.CLASS_USE, "", "refers to");
        }

        void handle(String where, int line, DirectMethodHandleDesc h) {
            String owner = h.owner().descriptorString();
            owner = owner.substring(1, owner.length() - 1);
            reference(where, line, owner, h.methodName(), h.lookupDescriptor(), "takes a handle to");
        }

        void reference(String where, int line, String owner, String member, String descriptor, String verb) {
            for (Capability c : rules.match(owner, member, descriptor)) {
                String readable = verb + " " + owner.replace('/', '.')
                        + (member.startsWith("<") ? "" : "." + member + (descriptor.startsWith("(") ? "()" : ""));
                if (seen.add(c + "|" + where + "|" + line + "|" + readable)) {
                    out.add(new CapabilityUse(c, className, where, readable, line, source));
                }
            }
        }
    }
}
