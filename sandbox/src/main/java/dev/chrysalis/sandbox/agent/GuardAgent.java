package dev.chrysalis.sandbox.agent;

import static net.bytebuddy.matcher.ElementMatchers.isAbstract;
import static net.bytebuddy.matcher.ElementMatchers.isConstructor;
import static net.bytebuddy.matcher.ElementMatchers.isNative;
import static net.bytebuddy.matcher.ElementMatchers.isStatic;
import static net.bytebuddy.matcher.ElementMatchers.not;

import dev.chrysalis.sandbox.guard.Gate;
import java.lang.instrument.Instrumentation;
import java.util.Map;
import java.util.Set;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.utility.JavaModule;

/**
 * The guard agent ({@code -javaagent}): inlines a call to {@link Gate} at the start of every
 * {@linkplain GuardedEntryPoints guarded method}, in classes already loaded (retransformed) and in classes
 * loaded later (the framework, JMX, attach). The guard stays inactive until the worker installs it.
 * A type that fails to instrument is fatal: a worker with a hole in its guard must not start.
 */
public final class GuardAgent {
    private GuardAgent() {
    }

    public static void premain(String arguments, Instrumentation instrumentation) {
        if (Gate.class.getClassLoader() != null) {
            throw new IllegalStateException("the guard's gate must be on the boot class path (-Xbootclasspath/a)");
        }
        Map<String, GuardedEntryPoints.EntryPoint> entries = GuardedEntryPoints.byType();
        // Load the guarded java.base classes now, so they are retransformed with the rest: a class that
        // ByteBuddy itself happens to load while transforming would otherwise escape instrumentation.
        for (String type : entries.keySet()) {
            if (Object.class.getModule().getPackages().contains(type.substring(0, type.lastIndexOf('.')))) {
                try {
                    Class.forName(type, false, null);
                } catch (ClassNotFoundException e) {
                    throw new IllegalStateException("guard agent: " + type + " is missing from this JDK", e);
                }
            }
        }
        AgentBuilder.Listener failures = new AgentBuilder.Listener.Adapter() {
            @Override
            public void onError(String typeName, ClassLoader loader, JavaModule module, boolean loaded, Throwable error) {
                System.err.println("guard agent: cannot instrument " + typeName + ": " + error);
                Runtime.getRuntime().halt(70);
            }
        };
        new AgentBuilder.Default()
                .disableClassFormatChanges()
                .with(AgentBuilder.RedefinitionStrategy.RETRANSFORMATION)
                .with(AgentBuilder.RedefinitionStrategy.Listener.ErrorEscalating.FAIL_FAST)
                .with(AgentBuilder.InitializationStrategy.NoOp.INSTANCE)
                .with(new AgentBuilder.Listener.ModuleReadEdgeCompleting(instrumentation, false, Set.of(JavaModule.ofType(Gate.class))))
                .with(failures)
                .ignore(new AgentBuilder.RawMatcher() {
                    @Override
                    public boolean matches(TypeDescription type, ClassLoader loader, JavaModule module,
                                           Class<?> classBeingRedefined, java.security.ProtectionDomain pd) {
                        return !entries.containsKey(type.getName());
                    }
                })
                .type(new AgentBuilder.RawMatcher() {
                    @Override
                    public boolean matches(TypeDescription type, ClassLoader loader, JavaModule module,
                                           Class<?> classBeingRedefined, java.security.ProtectionDomain pd) {
                        return entries.containsKey(type.getName());
                    }
                })
                .transform(new AgentBuilder.Transformer() {
                    @Override
                    public DynamicType.Builder<?> transform(DynamicType.Builder<?> builder, TypeDescription type,
                                                            ClassLoader loader, JavaModule module,
                                                            java.security.ProtectionDomain pd) {
                        ElementMatcher<? super MethodDescription> methods = entries.get(type.getName()).methods();
                        ElementMatcher.Junction<MethodDescription> concrete = not(isAbstract()).and(not(isNative()));
                        return builder
                                .visit(Advice.to(StaticCheckAdvice.class)
                                        .on(concrete.and(isConstructor().or(isStatic())).and(methods)))
                                .visit(Advice.to(InstanceCheckAdvice.class)
                                        .on(concrete.and(not(isConstructor())).and(not(isStatic())).and(methods)));
                    }
                })
                .installOn(instrumentation);
    }
}
