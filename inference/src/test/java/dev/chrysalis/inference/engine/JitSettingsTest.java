package dev.chrysalis.inference.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class JitSettingsTest {

    @Test
    void theLauncherPassesEveryRecommendedOption() throws IOException {
        Path launcher = Path.of("..", "chrysalis");
        String script = Files.readString(launcher);
        JitSettings.RECOMMENDED.forEach((name, least) -> assertTrue(script.contains("-XX:" + name + "=" + least),
                launcher.toAbsolutePath().normalize() + " does not pass -XX:" + name + "=" + least));
    }

    @Test
    void namesTheOptionsBelowTheirRecommendedValue() {
        Map<String, String> vm = Map.of("PerBytecodeTrapLimit", "4", "PerMethodTrapLimit", "2000");
        assertEquals(List.of("-XX:PerBytecodeTrapLimit=64"), JitSettings.missing(name -> Optional.ofNullable(vm.get(name))));
        assertEquals(List.of("-XX:PerBytecodeTrapLimit=64", "-XX:PerMethodTrapLimit=2000", "-XX:LiveNodeCountInliningCutoff=60000"),
                JitSettings.missing(name -> Optional.of("1")));
        // a JVM without the options (not HotSpot's C2) is not told to set them
        assertEquals(List.of(), JitSettings.missing(name -> Optional.empty()));
    }

    @Test
    void nothingIsMissingUnderTheTestJvmsOptions() {
        // the build gives the test JVMs the launcher's options (argLine), so none is reported missing
        List<String> missing = JitSettings.missing();
        assertEquals(List.of(), missing, "missing JIT options: " + missing);
    }
}
