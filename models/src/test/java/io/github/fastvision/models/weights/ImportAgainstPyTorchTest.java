package io.github.fastvision.models.weights;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import com.google.gson.JsonObject;
import io.github.fastvision.core.layers.Autograd;
import io.github.fastvision.models.ModelOptions;
import io.github.fastvision.models.ModelRegistry;
import io.github.fastvision.models.ParameterNames;
import io.github.fastvision.models.VisionModel;
import io.github.fastvision.models.io.WeightImporter;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Checkpoints written by PyTorch (tools/make_import_fixtures.py, torchvision's own ResNet and
 * ConvNeXt, FasterNet and ReXNet after the authors' code and timm's, ViT and PiT after timm's and
 * the authors' code) load into the zoo's models and reproduce the outputs PyTorch computed: max |Δ|
 * ≤ 1e-4 · max |reference|.
 */
class ImportAgainstPyTorchTest {

    static final Path DIR = Path.of("src/test/resources/import");

    private static ModelOptions options() {
        return ModelOptions.builder().setNumClasses(10).optInputSize(32).optDropPath(0f).build();
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("resnet_torchvision", ".pth", "test_resnet", Source.TORCHVISION),
                Arguments.of(
                        "resnet_torchvision", ".safetensors", "test_resnet", Source.TORCHVISION),
                Arguments.of("resnet_torchvision", ".npz", "test_resnet", Source.TORCHVISION),
                Arguments.of("convnext_torchvision", ".pth", "test_convnext", Source.TORCHVISION),
                Arguments.of("convnext_torchvision", ".npz", "test_convnext", Source.TORCHVISION),
                Arguments.of("convnext_official", ".pth", "test_convnext", Source.OFFICIAL),
                Arguments.of("convnext_timm", ".safetensors", "test_convnext", Source.TIMM),
                Arguments.of("fasternet_official", ".pth", "test_fasternet", Source.OFFICIAL),
                Arguments.of("rexnet_official", ".pth", "test_rexnet", Source.OFFICIAL),
                Arguments.of("rexnet_timm", ".safetensors", "test_rexnet", Source.TIMM),
                Arguments.of("pfresnet_official", ".pth", "test_resnet_hybrid", Source.OFFICIAL),
                Arguments.of("vit_timm", ".safetensors", "test_vit", Source.TIMM),
                Arguments.of("vit_maxpool_official", ".pth", "test_vit_maxpool", Source.OFFICIAL),
                Arguments.of("pit_official", ".pth", "test_pit", Source.OFFICIAL),
                Arguments.of("pit_timm", ".safetensors", "test_pit", Source.TIMM),
                Arguments.of("pit_timm_pool_first", ".safetensors", "test_pit", Source.TIMM),
                Arguments.of("pit_maxpool_official", ".pth", "test_pit_maxpool", Source.OFFICIAL),
                Arguments.of("fasternet_timm", ".safetensors", "test_fasternet", Source.TIMM));
    }

    @ParameterizedTest(name = "{0}{1} → {2}")
    @MethodSource("cases")
    void importedModelReproducesPyTorch(String name, String ext, String model, Source source)
            throws IOException {
        Autograd.disable();
        try (NDManager m = NDManager.newBaseManager()) {
            VisionModel net = ModelRegistry.create(model, options());
            WeightImporter.Report report =
                    WeightImporter.load(
                            net,
                            m,
                            Checkpoint.read(DIR.resolve(name + ext)),
                            source,
                            WeightImporter.Options.STRICT);
            assertEquals(
                    ParameterNames.of(net).size(), report.loaded(), "every parameter is loaded");
            NDArray x = Npy.read(m, DIR.resolve(name + "_input.npy"));
            NDArray ref = Npy.read(m, DIR.resolve(name + "_output.npy"));
            NDArray y =
                    net.forward(new ParameterStore(m, false), new NDList(x), false)
                            .singletonOrThrow();
            double err = y.sub(ref).abs().max().getFloat();
            double scale = ref.abs().max().getFloat();
            assertTrue(
                    err <= 1e-4 * scale,
                    name + ext + ": max |Δ| " + err + " vs max |ref| " + scale);
        }
    }

    @Test
    void pitTimmLayoutIsDetectedFromTheKeys() throws IOException {
        Autograd.disable();
        try (NDManager m = NDManager.newBaseManager()) {
            for (String[] c :
                    new String[][] {
                        {"pit_timm_pool_first", "PiT (timm)"},
                        {"pit_timm", "PiT (timm, pooling at the end of the stage before)"}
                    }) {
                WeightImporter.Report report =
                        WeightImporter.load(
                                ModelRegistry.create("test_pit", options()),
                                m,
                                Checkpoint.read(DIR.resolve(c[0] + ".safetensors")),
                                Source.TIMM,
                                WeightImporter.Options.STRICT);
                assertEquals(c[1], report.mapping(), c[0]);
            }
        }
    }

    private static float[] firstParameter(VisionModel net) {
        return ParameterNames.of(net).get(0).parameter().getArray().toFloatArray();
    }

    @Test
    void truncatedFilesAreRefused(@TempDir Path tmp) throws IOException {
        for (String f :
                new String[] {
                    "resnet_torchvision.pth",
                    "resnet_torchvision.safetensors",
                    "resnet_torchvision.npz"
                }) {
            byte[] all = Files.readAllBytes(DIR.resolve(f));
            Path cut = tmp.resolve(f);
            Files.write(cut, Arrays.copyOf(all, all.length / 2));
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> Checkpoint.read(cut));
            assertTrue(e.getMessage().contains("truncated"), f + ": " + e.getMessage());
        }
    }

    @Test
    void forbiddenPickleGlobalIsRefusedWithoutExecutingIt() {
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> Checkpoint.read(DIR.resolve("forbidden_global.pth")));
        assertTrue(
                e.getMessage().contains("refusing pickle global argparse.Namespace"),
                e.getMessage());
    }

    @Test
    void notACheckpointNamesTheExpectedFormats(@TempDir Path tmp) throws IOException {
        Path f = tmp.resolve("weights.bin");
        Files.writeString(f, "definitely not a checkpoint");
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> Checkpoint.read(f));
        assertTrue(
                e.getMessage().contains("expected .safetensors, .npz or a PyTorch zip .pth/.pt"),
                e.getMessage());
    }

    @Test
    void wrongShapesFailTogetherAndChangeNothing() throws IOException {
        try (NDManager m = NDManager.newBaseManager()) {
            VisionModel gray =
                    ModelRegistry.create(
                            "test_fasternet",
                            ModelOptions.builder()
                                    .setNumClasses(5)
                                    .optInputSize(32)
                                    .optInChannels(1)
                                    .optDropPath(0f)
                                    .build());
            gray.initialize(m, ai.djl.ndarray.types.DataType.FLOAT32, gray.inputShape(1));
            float[] before = firstParameter(gray);
            Checkpoint ckpt = Checkpoint.read(DIR.resolve("fasternet_official.pth"));
            IllegalArgumentException e =
                    assertThrows(
                            IllegalArgumentException.class,
                            () ->
                                    WeightImporter.load(
                                            gray,
                                            m,
                                            ckpt,
                                            Source.OFFICIAL,
                                            WeightImporter.Options.STRICT));
            assertTrue(e.getMessage().contains("3 shape mismatches"), e.getMessage());
            assertTrue(
                    e.getMessage()
                            .contains(
                                    "patch_embed.proj.weight [16, 3, 4, 4] → stem.proj.conv.weight (16, 1, 4, 4)"),
                    e.getMessage());
            assertTrue(e.getMessage().contains("head.fc.weight"), e.getMessage());
            assertTrue(e.getMessage().endsWith("nothing was changed"), e.getMessage());
            assertTrue(
                    Arrays.equals(before, firstParameter(gray)),
                    "a failed import changed the model");
        }
    }

    @Test
    void classifierOfAnotherSizeCanBeReinitialized() throws IOException {
        try (NDManager m = NDManager.newBaseManager()) {
            VisionModel five =
                    ModelRegistry.create(
                            "test_resnet",
                            ModelOptions.builder()
                                    .setNumClasses(5)
                                    .optInputSize(32)
                                    .optDropPath(0f)
                                    .build());
            Checkpoint ckpt = Checkpoint.read(DIR.resolve("resnet_torchvision.safetensors"));
            IllegalArgumentException e =
                    assertThrows(
                            IllegalArgumentException.class,
                            () ->
                                    WeightImporter.load(
                                            five,
                                            m,
                                            ckpt,
                                            Source.TORCHVISION,
                                            WeightImporter.Options.STRICT));
            assertTrue(
                    e.getMessage().contains("fc.weight [10, 256] → head.fc.weight (5, 256)"),
                    e.getMessage());
            WeightImporter.Report r =
                    WeightImporter.load(
                            five,
                            m,
                            ckpt,
                            Source.TORCHVISION,
                            new WeightImporter.Options(true, true));
            assertEquals(java.util.List.of("head.fc.weight", "head.fc.bias"), r.reinitialized());
            assertEquals(ParameterNames.of(five).size() - 2, r.loaded());
        }
    }

    @Test
    void missingAndUnexpectedKeysAreListedTogether(@TempDir Path tmp) throws IOException {
        Map<String, TensorData> all =
                Checkpoint.read(DIR.resolve("resnet_torchvision.safetensors")).tensors();
        Path partial = tmp.resolve("partial.safetensors");
        writeSafetensors(
                partial,
                all,
                Map.of("fc.weight", "", "fc.bias", "", "layer4.0.bn3.weight", "extra.weight"));
        try (NDManager m = NDManager.newBaseManager()) {
            VisionModel net = ModelRegistry.create("test_resnet", options());
            net.initialize(m, ai.djl.ndarray.types.DataType.FLOAT32, net.inputShape(1));
            float[] before = firstParameter(net);
            Checkpoint ckpt = Checkpoint.read(partial);
            IllegalArgumentException e =
                    assertThrows(
                            IllegalArgumentException.class,
                            () ->
                                    WeightImporter.load(
                                            net,
                                            m,
                                            ckpt,
                                            Source.TORCHVISION,
                                            WeightImporter.Options.STRICT));
            assertTrue(
                    e.getMessage()
                            .contains(
                                    "3 missing in the checkpoint: stages_3.0.conv3.bn.gamma, head.fc.weight, head.fc.bias"),
                    e.getMessage());
            assertTrue(
                    e.getMessage().contains("1 unexpected in the checkpoint: extra.weight"),
                    e.getMessage());
            assertTrue(
                    Arrays.equals(before, firstParameter(net)),
                    "a failed import changed the model");
            WeightImporter.Report r =
                    WeightImporter.load(
                            net,
                            m,
                            ckpt,
                            Source.TORCHVISION,
                            new WeightImporter.Options(false, false));
            assertEquals(3, r.missing().size());
            assertEquals(java.util.List.of("extra.weight"), r.unexpected());
        }
    }

    /** Writes a safetensors copy with keys dropped ("") or renamed. */
    static void writeSafetensors(
            Path path, Map<String, TensorData> tensors, Map<String, String> renames)
            throws IOException {
        JsonObject header = new JsonObject();
        long offset = 0;
        java.util.List<ByteBuffer> blobs = new java.util.ArrayList<>();
        for (Map.Entry<String, TensorData> e : tensors.entrySet()) {
            String key = renames.getOrDefault(e.getKey(), e.getKey());
            if (key.isEmpty()) {
                continue;
            }
            TensorData t = e.getValue();
            JsonObject o = new JsonObject();
            o.addProperty("dtype", t.dtype().name());
            com.google.gson.JsonArray shape = new com.google.gson.JsonArray();
            for (long d : t.shape()) {
                shape.add(d);
            }
            o.add("shape", shape);
            com.google.gson.JsonArray offsets = new com.google.gson.JsonArray();
            offsets.add(offset);
            offsets.add(offset + t.data().remaining());
            o.add("data_offsets", offsets);
            header.add(key, o);
            offset += t.data().remaining();
            blobs.add(t.data().duplicate());
        }
        byte[] h = header.toString().getBytes(StandardCharsets.UTF_8);
        try (OutputStream os = Files.newOutputStream(path)) {
            os.write(
                    ByteBuffer.allocate(8)
                            .order(ByteOrder.LITTLE_ENDIAN)
                            .putLong(h.length)
                            .array());
            os.write(h);
            for (ByteBuffer b : blobs) {
                byte[] raw = new byte[b.remaining()];
                b.get(raw);
                os.write(raw);
            }
        }
    }
}
