package dev.chrysalis.inference.gpu;

import dev.chrysalis.inference.gpu.cuda.CudaDevice;
import dev.chrysalis.inference.gpu.cuda.CudaDriver;
import dev.chrysalis.inference.gpu.cuda.CudaProbe;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.Optional;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Marks a test class or method that needs a CUDA GPU of compute capability 8.0 or newer. Without one the
 * tests are skipped with the driver probe's reason (shown by surefire as the skip reason) and
 * "GPU tests skipped: &lt;reason&gt;" is printed to stdout once per test run, so a CPU-only run says why
 * rather than passing silently.
 *
 * <p>Test methods and constructors may take a {@link CudaDriver} (loaded once per run) and the
 * {@link CudaDevice} to use as parameters.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(RequiresCuda.Condition.class)
public @interface RequiresCuda {

    /** Decides from one probe per test run (kept in the root extension store). */
    final class Condition implements ExecutionCondition, ParameterResolver {

        private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(RequiresCuda.class);

        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            Optional<String> unusable = probe(context).unusableReason();
            if (unusable.isEmpty()) {
                return ConditionEvaluationResult.enabled("GPU present: " + probe(context).reason());
            }
            ExtensionContext.Store store = context.getRoot().getStore(NS);
            if (store.get("announced") == null) {
                store.put("announced", Boolean.TRUE);
                System.out.println("GPU tests skipped: " + unusable.get());
            }
            return ConditionEvaluationResult.disabled("GPU tests skipped: " + unusable.get());
        }

        @Override
        public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
            Class<?> type = parameter.getParameter().getType();
            return type == CudaDriver.class || type == CudaDevice.class;
        }

        @Override
        public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
            if (parameter.getParameter().getType() == CudaDevice.class) {
                return probe(context).usableDevice().orElseThrow(() -> new IllegalStateException("no usable GPU"));
            }
            return context.getRoot().getStore(NS).computeIfAbsent("driver", k -> CudaDriver.load(), CudaDriver.class);
        }

        private static CudaProbe probe(ExtensionContext context) {
            return context.getRoot().getStore(NS).computeIfAbsent("probe", k -> CudaDriver.probe(), CudaProbe.class);
        }
    }
}
