package io.github.fastvision.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.fastvision.models.weights.Npy;
import io.github.fastvision.onnx.runtime.OnnxRuntimeSession;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code export} writes an ONNX file that gives {@code run}'s logits; {@code run --engine}. */
class ExportCommandTest {

    private static float[] logits(Path npy) throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            return Npy.read(m, npy).toFloatArray();
        }
    }

    private static void assertClose(float[] ref, float[] got, String what) {
        assertEquals(ref.length, got.length, what + ": sizes");
        double maxRef = 0;
        double maxDiff = 0;
        for (int i = 0; i < ref.length; i++) {
            maxRef = Math.max(maxRef, Math.abs(ref[i]));
            maxDiff = Math.max(maxDiff, Math.abs(ref[i] - got[i]));
        }
        assertTrue(maxRef > 0, what + ": all zero");
        assertTrue(maxDiff <= 1e-4 * maxRef, what + ": max |Δ| " + maxDiff + " of " + maxRef);
    }

    @Test
    void exportMatchesRunWithTheSameSeedOnBothEngines(@TempDir Path tmp) throws Exception {
        Path in = tmp.resolve("in.npy");
        float[] input;
        try (NDManager m = NDManager.newBaseManager()) {
            var x = m.randomNormal(new Shape(2, 3, 32, 32));
            input = x.toFloatArray();
            Npy.write(in, x);
        }
        Path onnx = tmp.resolve("test_fasternet.onnx");
        CliRun e =
                CliRun.of(
                        "export",
                        "--model",
                        "test_fasternet",
                        "--format",
                        "onnx",
                        "--size",
                        "32",
                        "--classes",
                        "10",
                        "--seed",
                        "4",
                        "--out",
                        onnx.toString(),
                        "--json");
        assertEquals(0, e.code(), e.err());
        JsonObject doc = JsonParser.parseString(e.out()).getAsJsonObject();
        assertEquals(Files.size(onnx), doc.get("bytes").getAsLong());
        assertEquals("logits", doc.get("output_name").getAsString());
        assertEquals(
                "rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(onnx)));

        Path torch = tmp.resolve("torch.npy");
        Path ort = tmp.resolve("ort.npy");
        for (String[] run :
                new String[][] {{"PyTorch", torch.toString()}, {"OnnxRuntime", ort.toString()}}) {
            CliRun r =
                    CliRun.of(
                            "run",
                            "--model",
                            "test_fasternet",
                            "--classes",
                            "10",
                            "--seed",
                            "4",
                            "--input",
                            in.toString(),
                            "--output",
                            run[1],
                            "--engine",
                            run[0],
                            "--json");
            assertEquals(0, r.code(), r.err());
            assertEquals(
                    run[0],
                    JsonParser.parseString(r.out()).getAsJsonObject().get("engine").getAsString());
        }
        float[] ref = logits(torch);
        assertClose(ref, logits(ort), "run --engine OnnxRuntime vs PyTorch");
        try (OnnxRuntimeSession s = OnnxRuntimeSession.builder().setModelFile(onnx).build()) {
            assertClose(ref, s.run(input, new long[] {2, 3, 32, 32}).values(), "exported file");
        }
    }

    @Test
    void exportRefusesDenseModelsAndOtherFormats(@TempDir Path tmp) {
        CliRun seg =
                CliRun.of(
                        "export",
                        "--model",
                        "test_hrnet_seg",
                        "--size",
                        "32",
                        "--out",
                        tmp.resolve("s.onnx").toString());
        assertEquals(2, seg.code(), seg.err());
        assertTrue(seg.err().contains("dense-prediction model"), seg.err());
        assertTrue(Files.notExists(tmp.resolve("s.onnx")));
        CliRun fmt =
                CliRun.of(
                        "export",
                        "--model",
                        "test_fasternet",
                        "--format",
                        "tflite",
                        "--out",
                        tmp.resolve("t.onnx").toString());
        assertEquals(2, fmt.code(), fmt.err());
        assertTrue(fmt.err().contains("--format must be onnx"), fmt.err());
    }
}
