package io.github.fastvision.onnx.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.NoopTranslator;
import io.github.fastvision.models.ModelOptions;
import io.github.fastvision.models.ModelRegistry;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * fastvision's ONNX Runtime sessions and DJL's ONNX Runtime engine share one environment whatever
 * the order of first use: each order runs in a fresh JVM, since ONNX Runtime allows one environment
 * per process.
 */
class SharedEnvironmentTest {

    /** Runs a fastvision session and a DJL ONNX Runtime model in the order given by args[0]. */
    public static void main(String[] args) throws Exception {
        byte[] onnx =
                ZooExports.export(
                        ModelRegistry.info("test_fasternet"),
                        ModelOptions.builder().setNumClasses(10).optInputSize(32).build(),
                        null);
        float[] x = new float[3 * 32 * 32];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) Math.cos(i * 0.1);
        }
        float[] a = null;
        float[] b = null;
        for (String step : args[0].split(",")) {
            if (step.equals("fastvision")) {
                try (OnnxRuntimeSession s = OnnxRuntimeSession.builder().setModel(onnx).build()) {
                    a = s.run(x, new long[] {1, 3, 32, 32}).values();
                }
            } else {
                try (Model m = Model.newInstance("djl", "OnnxRuntime");
                        NDManager pt = NDManager.newBaseManager("PyTorch")) {
                    m.load(new ByteArrayInputStream(onnx), null);
                    try (Predictor<NDList, NDList> p = m.newPredictor(new NoopTranslator())) {
                        NDList in = new NDList(m.getNDManager().create(x, new Shape(1, 3, 32, 32)));
                        b = p.predict(in).singletonOrThrow().toFloatArray();
                    }
                }
            }
        }
        if (ZooExports.relativeError(a, b) > 1e-6) {
            throw new IllegalStateException("the two paths disagree");
        }
        System.out.println("both ran");
    }

    private static void runInFreshJvm(String order) throws IOException, InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p =
                new ProcessBuilder(
                                List.of(
                                        java.toString(),
                                        "-Dai.djl.offline=true",
                                        "-cp",
                                        System.getProperty("java.class.path"),
                                        SharedEnvironmentTest.class.getName(),
                                        order))
                        .redirectErrorStream(true)
                        .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "timed out: " + out);
        assertEquals(0, p.exitValue(), order + ": " + out);
        assertTrue(out.contains("both ran"), out);
    }

    @Test
    void fastvisionFirstThenDjl() throws Exception {
        runInFreshJvm("fastvision,djl");
    }

    @Test
    void djlFirstThenFastvision() throws Exception {
        runInFreshJvm("djl,fastvision");
    }
}
