package io.github.fastvision.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.training.ParameterStore;
import io.github.fastvision.core.layers.Autograd;
import io.github.fastvision.models.io.WeightsFile;
import java.io.DataOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The patchify-stem stride option: small inputs keep 4× more positions in every stage. */
class StemStrideTest {

    private static final ModelOptions SMALL =
            ModelOptions.builder()
                    .setNumClasses(10)
                    .optInputSize(32)
                    .optInChannels(1)
                    .optDropPath(0f)
                    .build();

    @Test
    void fasterNetT0WithStrideTwoHalvesEveryStageStrideAndQuadruplesTheCost() {
        // Shape-only: no weights are allocated.
        VisionModel plain = ModelRegistry.create("fasternet_t0", SMALL);
        VisionModel fine = ModelRegistry.create("fasternet_t0", SMALL.withStemStride(2));
        List<StageInfo> a = plain.getStages();
        List<StageInfo> b = fine.getStages();
        for (int s = 0; s < a.size(); s++) {
            assertEquals(4 << s, a.get(s).stride());
            assertEquals(2 << s, b.get(s).stride());
        }
        List<Shape> features = fine.featureShapes(fine.inputShape(1));
        assertEquals(new Shape(1, 40, 16, 16), features.get(0));
        assertEquals(new Shape(1, 320, 2, 2), features.get(3));
        assertEquals(new Shape(1, 320, 1, 1), plain.featureShapes(plain.inputShape(1)).get(3));
        long macs4 = plain.cost().macs();
        long macs2 = fine.cost().macs();
        // The stages are 4× the work; the 1×1 head over the pooled 320 channels is not.
        double ratio = macs2 / (double) macs4;
        assertTrue(
                ratio > 3.0 && ratio < 4.0,
                "MACs ratio " + ratio + " (" + macs2 + " vs " + macs4 + ")");
        // Only the stem's 4×4 kernel becomes 2×2: 40·1·(16 − 4) fewer weights.
        assertEquals(plain.cost().params() - 40 * 12, fine.cost().params());
    }

    @Test
    void convNeXtTakesTheOptionAndFixedStemsRejectIt() {
        VisionModel c = ModelRegistry.create("test_convnext", SMALL.withStemStride(2));
        assertEquals(2, c.getStages().get(0).stride());
        for (String name :
                new String[] {
                    "resnet50", "rexnet_100", "vit_small", "convnext_iso_small", "hrnet_w18_seg"
                }) {
            IllegalArgumentException e =
                    assertThrows(
                            IllegalArgumentException.class,
                            () -> ModelRegistry.model(name, SMALL.withStemStride(2)),
                            name);
            assertTrue(
                    e.getMessage().contains("fixed stem")
                            && e.getMessage().contains("stemStride=2"),
                    e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> SMALL.withStemStride(-1));
        assertEquals(
                2,
                SMALL.withStemStride(2)
                        .withInputSize(64)
                        .withNumClasses(5)
                        .withInChannels(3)
                        .stemStride());
    }

    @Test
    void weightsFilesRecordTheStrideAndReadOlderFiles(@TempDir Path tmp) throws Exception {
        boolean recording = Autograd.isRecording();
        Autograd.setRecording(false);
        ModelOptions options = SMALL.withStemStride(2);
        Path file = tmp.resolve("test_fasternet.fvw");
        try (NDManager m = NDManager.newBaseManager()) {
            VisionModel source = ModelRegistry.create("test_fasternet", options);
            source.initialize(m, DataType.FLOAT32, source.inputShape(1));
            WeightsFile.save(source, file);
            WeightsFile.Header header = WeightsFile.header(file);
            assertEquals(2, header.stemStride());
            assertEquals(options.withInputSize(48).withVariantDropPath(), header.options(48));

            NDArray x = m.randomNormal(new Shape(2, 1, 32, 32));
            ParameterStore ps = new ParameterStore(m, false);
            NDArray expected = source.forward(ps, new NDList(x), false).head();

            VisionModel twin = ModelRegistry.create("test_fasternet", options);
            WeightsFile.load(twin, m, file);
            assertTrue(twin.forward(ps, new NDList(x), false).head().contentEquals(expected));

            // A model with the family's stem refuses the file before touching its parameters.
            VisionModel other = ModelRegistry.create("test_fasternet", SMALL);
            other.initialize(m, DataType.FLOAT32, other.inputShape(1));
            byte[] before = other.getParameters().get(0).getValue().getArray().toByteArray();
            IllegalArgumentException e =
                    assertThrows(
                            IllegalArgumentException.class, () -> WeightsFile.load(other, m, file));
            assertTrue(
                    e.getMessage().contains("stem stride 2")
                            && e.getMessage().contains("withStemStride(2)"),
                    e.getMessage());
            assertEquals(
                    java.util.Arrays.toString(before),
                    java.util.Arrays.toString(
                            other.getParameters().get(0).getValue().getArray().toByteArray()));

            // FVW1 (before the stem stride was recorded): the family's stem.
            Path v1 = tmp.resolve("v1.fvw");
            try (DataOutputStream os = new DataOutputStream(Files.newOutputStream(v1))) {
                os.writeInt(0x46565731);
                os.writeUTF("test_fasternet");
                os.writeInt(10);
                os.writeInt(1);
                other.saveParameters(os);
            }
            assertEquals(0, WeightsFile.header(v1).stemStride());
            VisionModel fromV1 = ModelRegistry.create("test_fasternet", SMALL);
            WeightsFile.load(fromV1, m, v1);
            NDArray y = other.forward(ps, new NDList(x), false).head();
            assertTrue(fromV1.forward(ps, new NDList(x), false).head().contentEquals(y));

            // Through DJL's Criteria, with the stride as an argument.
            Criteria<NDList, NDList> criteria =
                    Criteria.builder()
                            .setTypes(NDList.class, NDList.class)
                            .optGroupId("io.github.fastvision")
                            .optArtifactId("test_fasternet")
                            .optArgument("numClasses", 10)
                            .optArgument("inputSize", 32)
                            .optArgument("inChannels", 1)
                            .optArgument("stemStride", 2)
                            .optArgument("weights", file.toString())
                            .build();
            try (ZooModel<NDList, NDList> zm = criteria.loadModel();
                    Predictor<NDList, NDList> predictor = zm.newPredictor()) {
                NDArray z = predictor.predict(new NDList(x)).head();
                float diff = z.sub(expected).abs().max().getFloat();
                assertTrue(diff < 1e-5, "Criteria output differs by " + diff);
            }
        } finally {
            Autograd.setRecording(recording);
        }
    }
}
