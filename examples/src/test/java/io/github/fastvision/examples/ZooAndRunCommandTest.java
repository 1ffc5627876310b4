package io.github.fastvision.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.fastvision.models.ModelOptions;
import io.github.fastvision.models.ModelRegistry;
import io.github.fastvision.models.VisionModel;
import io.github.fastvision.models.io.WeightsFile;
import io.github.fastvision.models.weights.Npy;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ZooAndRunCommandTest {

    @Test
    void zooJsonListsEveryModelWithCounts() {
        CliRun r = CliRun.of("zoo", "--json");
        assertEquals(0, r.code(), r.err());
        JsonArray models =
                JsonParser.parseString(r.out()).getAsJsonObject().getAsJsonArray("models");
        assertEquals(ModelRegistry.list("*").size(), models.size());
        JsonObject t0 = models.get(0).getAsJsonObject();
        assertEquals("fasternet_t0", t0.get("name").getAsString());
        assertEquals("FasterNet", t0.get("family").getAsString());
        assertEquals(3_905_856, t0.get("params").getAsLong(), 100_000);
        assertEquals(3, t0.getAsJsonArray("input").get(0).getAsInt());
        assertEquals(224, t0.getAsJsonArray("input").get(2).getAsInt());
        assertTrue(t0.get("flops").getAsLong() > 330_000_000L);
    }

    @Test
    void zooPatternFiltersAndUnknownPatternFails() {
        CliRun r = CliRun.of("zoo", "convnext_iso*", "--json");
        assertEquals(
                3,
                JsonParser.parseString(r.out()).getAsJsonObject().getAsJsonArray("models").size());
        CliRun none = CliRun.of("zoo", "nosuchnet*");
        assertEquals(2, none.code());
        assertTrue(none.err().contains("no model matches"), none.err());
    }

    @Test
    void docsZooTableIsTheRegistrysTable() throws Exception {
        CliRun r = CliRun.of("zoo", "--markdown");
        String zoo = Files.readString(Path.of("..", "docs", "zoo.md"));
        assertTrue(
                zoo.contains(r.out()),
                "docs/zoo.md zoo table is stale: paste `./fastvision zoo --markdown`");
    }

    @Test
    void runWritesLogitsAndMatchesTheWeights(@TempDir Path tmp) throws Exception {
        Path in = tmp.resolve("in.npy");
        Path out = tmp.resolve("out.npy");
        Path weights = tmp.resolve("m.fvw");
        try (NDManager m = NDManager.newBaseManager()) {
            Npy.write(in, m.randomNormal(new Shape(2, 1, 32, 32)));
            VisionModel model =
                    ModelRegistry.create(
                            "test_convnext",
                            ModelOptions.builder()
                                    .setNumClasses(10)
                                    .optInputSize(32)
                                    .optInChannels(1)
                                    .build());
            model.initialize(m, DataType.FLOAT32, model.inputShape(1));
            WeightsFile.save(model, weights);
        }
        CliRun r =
                CliRun.of(
                        "run",
                        "--model",
                        "test_convnext",
                        "--weights",
                        weights.toString(),
                        "--classes",
                        "10",
                        "--input",
                        in.toString(),
                        "--output",
                        out.toString(),
                        "--json");
        assertEquals(0, r.code(), r.err());
        JsonObject doc = JsonParser.parseString(r.out()).getAsJsonObject();
        assertEquals(10, doc.getAsJsonArray("output").get(1).getAsInt());
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray logits = Npy.read(m, out);
            assertEquals(new Shape(2, 10), logits.getShape());
        }
        CliRun again =
                CliRun.of(
                        "run",
                        "--model",
                        "test_convnext",
                        "--weights",
                        weights.toString(),
                        "--classes",
                        "10",
                        "--input",
                        in.toString(),
                        "--output",
                        tmp.resolve("out2.npy").toString());
        assertEquals(0, again.code());
        assertEquals(
                -1L, Files.mismatch(out, tmp.resolve("out2.npy")), "same weights, same logits");
    }

    @Test
    void runRejectsBadInputsClearly(@TempDir Path tmp) throws Exception {
        Path rank3 = tmp.resolve("rank3.npy");
        Path f64 = tmp.resolve("f64.npy");
        Path text = tmp.resolve("text.npy");
        try (NDManager m = NDManager.newBaseManager()) {
            Npy.write(rank3, m.ones(new Shape(3, 32, 32)));
        }
        writeFloat64Npy(f64);
        Files.writeString(text, "not numpy");
        String out = tmp.resolve("o.npy").toString();
        CliRun r1 =
                CliRun.of(
                        "run",
                        "--model",
                        "test_resnet",
                        "--input",
                        rank3.toString(),
                        "--output",
                        out);
        assertEquals(2, r1.code());
        assertTrue(r1.err().contains("expected rank 4 (N, C, H, W)"), r1.err());
        CliRun r2 =
                CliRun.of(
                        "run",
                        "--model",
                        "test_resnet",
                        "--input",
                        f64.toString(),
                        "--output",
                        out);
        assertEquals(2, r2.code());
        assertTrue(r2.err().contains("expected a float32 array"), r2.err());
        CliRun r3 =
                CliRun.of(
                        "run",
                        "--model",
                        "test_resnet",
                        "--input",
                        text.toString(),
                        "--output",
                        out);
        assertEquals(2, r3.code());
        assertTrue(r3.err().contains("is not a NumPy .npy file"), r3.err());
        CliRun r4 =
                CliRun.of(
                        "run", "--model", "resnet5O", "--input", rank3.toString(), "--output", out);
        assertTrue(r4.err().contains("unknown model") || r4.err().contains("rank 4"), r4.err());
    }

    private static void writeFloat64Npy(Path path) throws Exception {
        String dict = "{'descr': '<f8', 'fortran_order': False, 'shape': (1, 3, 4, 4), }";
        int pad = (64 - (10 + dict.length() + 1) % 64) % 64;
        String header = dict + " ".repeat(pad) + "\n";
        ByteBuffer bb =
                ByteBuffer.allocate(10 + header.length() + 48 * 8).order(ByteOrder.LITTLE_ENDIAN);
        bb.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
        bb.putShort((short) header.length());
        bb.put(header.getBytes(StandardCharsets.US_ASCII));
        for (int i = 0; i < 48; i++) {
            bb.putDouble(i);
        }
        Files.write(path, bb.array());
    }
}
