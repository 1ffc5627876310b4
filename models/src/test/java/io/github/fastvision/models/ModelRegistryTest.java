package io.github.fastvision.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ModelRegistryTest {

    private static List<String> names(String pattern) {
        return ModelRegistry.list(pattern).stream()
                .map(ModelInfo::name)
                .collect(Collectors.toList());
    }

    @Test
    void everySpecNameIsRegistered() {
        List<String> spec =
                List.of(
                        "fasternet_t0",
                        "fasternet_t1",
                        "fasternet_t2",
                        "fasternet_s",
                        "fasternet_m",
                        "fasternet_l",
                        "convnext_tiny",
                        "convnext_small",
                        "convnext_base",
                        "convnext_large",
                        "convnext_xlarge",
                        "convnext_iso_small",
                        "convnext_iso_base",
                        "convnext_iso_large",
                        "rexnet_090",
                        "rexnet_100",
                        "rexnet_110",
                        "rexnet_120",
                        "rexnet_130",
                        "rexnet_140",
                        "rexnet_150",
                        "rexnet_200",
                        "rexnet_220",
                        "rexnet_300",
                        "rexnet_plain",
                        "rexnet_lite_100",
                        "rexnet_lite_130",
                        "rexnet_lite_150",
                        "rexnet_lite_200",
                        "resnet50",
                        "resnet101",
                        "wide_resnet50_2",
                        "wide_resnet101_2",
                        "resnet50_se",
                        "resnet50_max",
                        "resnet50_hybrid",
                        "resnet50_eb",
                        "resnet50_deform_max",
                        "resnet50_deform_avg",
                        "resnet101_hybrid",
                        "wide_resnet50_2_hybrid",
                        "wide_resnet101_2_hybrid",
                        "resnet50_se_hybrid",
                        "vit_small",
                        "vit_small_maxpool",
                        "vit_small_dwconv",
                        "pit_small",
                        "pit_small_maxpool",
                        "hrnet_w18_seg",
                        "hrnet_w48_seg",
                        "vgg11_bn_cifar",
                        "vgg16_bn_cifar",
                        "vgg19_bn_cifar",
                        "resnet56_cifar",
                        "resnet110_cifar",
                        "preresnet56_cifar",
                        "preresnet110_cifar",
                        "preresnet164_cifar");
        assertEquals(spec, names("*"));
    }

    @Test
    void globsSelectFamiliesAndHideTestVariants() {
        assertEquals(
                List.of("fasternet_t0", "fasternet_t1", "fasternet_t2"), names("fasternet_t?"));
        assertEquals(8, names("convnext*").size());
        assertTrue(names("test_*").contains("test_resnet_deform"));
        assertTrue(names("*").stream().noneMatch(n -> n.startsWith("test_")));
    }

    @Test
    void allListsRealModelsAndTheTestVariantsOnlyWhenAsked() {
        List<String> all =
                ModelRegistry.all().stream().map(ModelInfo::name).collect(Collectors.toList());
        assertEquals(names("*"), all);
        List<String> withTests =
                ModelRegistry.allWithTestVariants().stream()
                        .map(ModelInfo::name)
                        .collect(Collectors.toList());
        assertTrue(withTests.containsAll(all));
        assertEquals(
                withTests.stream().filter(n -> !n.startsWith("test_")).collect(Collectors.toList()),
                all);
        assertTrue(withTests.contains("test_fasternet"));
    }

    @Test
    void aliasesAndSpellingsResolve() {
        assertEquals("convnext_tiny", ModelRegistry.info("ConvNeXt-T").name());
        assertEquals("fasternet_t0", ModelRegistry.info("FasterNet-T0").name());
        assertEquals("resnet50_se", ModelRegistry.info("seresnet50").name());
    }

    @Test
    void unknownNamesListCloseMatches() {
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class, () -> ModelRegistry.info("fasternet_t3"));
        assertTrue(
                e.getMessage()
                        .startsWith("unknown model 'fasternet_t3'; close matches: fasternet_t0"),
                e.getMessage());
        assertTrue(ModelRegistry.closeMatches("resnet50_hybird").contains("resnet50_hybrid"));
    }

    @Test
    void wholeZooCountsInSecondsWithoutWeights() {
        long start = System.nanoTime();
        for (ModelInfo info : ModelRegistry.list("*")) {
            Backbone m = info.create();
            assertTrue(m.cost().params() > 0);
            assertTrue(!m.isInitialized(), info.name());
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        assertTrue(seconds < 30, "counting the zoo took " + seconds + " s");
    }

    @Test
    void stageFeaturesAreDeclaredForEveryModel() {
        for (ModelInfo info : ModelRegistry.list("*")) {
            Backbone m = info.create();
            List<StageInfo> stages = m.getStages();
            List<ai.djl.ndarray.types.Shape> shapes = m.featureShapes(m.inputShape(1));
            assertEquals(stages.size(), shapes.size(), info.name());
            for (int i = 0; i < stages.size(); i++) {
                assertEquals(
                        stages.get(i).channels(),
                        shapes.get(i).get(1),
                        info.name() + " stage " + i);
                assertTrue(
                        // The model's default input side: 224, or 32 for the CIFAR nets.
                        Math.abs(
                                        (double) m.getOptions().inputSize() / stages.get(i).stride()
                                                - shapes.get(i).get(2))
                                <= 1,
                        info.name() + " stage " + i);
            }
        }
    }

    @Test
    void everyDiscoveredFamilyOwnsItsEntriesStandInsAndAliases() {
        List<ModelFamily> families = ModelRegistry.families();
        assertEquals(
                families.size(),
                families.stream().map(ModelFamily::displayName).distinct().count(),
                "display names are unique");
        for (ModelFamily family : families) {
            String f = family.displayName();
            assertTrue(
                    family.models().stream().anyMatch(ModelInfo::isTestVariant),
                    f + " has a test_* variant");
            assertTrue(family.preprocessing().cropPct() > 0, f);
            for (ModelInfo info : family.models()) {
                assertEquals(family, ModelRegistry.info(info.name()).family(), info.name());
                info.standIn()
                        .ifPresent(
                                s -> {
                                    ModelInfo standIn = ModelRegistry.info(s);
                                    assertTrue(
                                            standIn.isTestVariant(),
                                            info.name() + " stand-in " + s);
                                    assertEquals(
                                            family,
                                            standIn.family(),
                                            info.name()
                                                    + " stand-in "
                                                    + s
                                                    + " is of the same family");
                                    assertEquals(
                                            info.kind(),
                                            standIn.kind(),
                                            info.name() + " stand-in " + s);
                                });
            }
            family.aliases()
                    .forEach(
                            (alias, name) ->
                                    assertEquals(name, ModelRegistry.info(alias).name(), alias));
        }
    }
}
