package io.github.fastvision.models.testfamily;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.fastvision.models.ModelInfo;
import io.github.fastvision.models.ModelRegistry;
import io.github.fastvision.models.VisionModel;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The test-only family reaches the registry through its services file alone. */
class TinyNetFamilyTest {

    @Test
    void isDiscoveredAndRegisteredAsATestVariant() {
        assertTrue(ModelRegistry.families().stream().anyMatch(f -> f instanceof TinyNetFamily));
        ModelInfo info = ModelRegistry.info("test_tiny");
        assertEquals("test_tinynet", info.name());
        assertEquals("TinyNet", info.family().displayName());
        assertEquals(ModelInfo.Kind.CLASSIFIER, info.kind());
        assertTrue(info.isTestVariant());
        assertInstanceOf(VisionModel.class, info.create());
        List<String> tests =
                ModelRegistry.list("test_*").stream()
                        .map(ModelInfo::name)
                        .collect(Collectors.toList());
        assertTrue(tests.contains("test_tinynet"), tests.toString());
        assertTrue(
                ModelRegistry.list("*").stream()
                        .noneMatch(m -> m.family() instanceof TinyNetFamily),
                "a test family stays out of the zoo table");
    }
}
