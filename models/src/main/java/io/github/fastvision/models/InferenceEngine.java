package io.github.fastvision.models;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Properties;

/**
 * The engines a zoo model can be served on, and the default engine of each model: the one measured
 * faster on CPU at batch 1 (the table {@code default-engines.properties} beside this class, {@code
 * model=Engine}; a model not listed defaults to PyTorch), and where another engine was measured
 * faster at batch 32, that engine for batches of 32 and more ({@code model@32=Engine}). Every door
 * without an engine uses the default; naming an engine overrides it. ONNX Runtime needs the {@code
 * fastvision-onnx} module on the class path.
 */
public enum InferenceEngine {
    /** DJL's PyTorch engine running the block tree (fastvision's own inference path). */
    PYTORCH("PyTorch"),
    /** ONNX Runtime running fastvision's ONNX export of the model. */
    ONNX_RUNTIME("OnnxRuntime");

    private static final String TABLE = "default-engines.properties";
    private static final Properties DEFAULTS = load();

    private final String djlName;

    InferenceEngine(String djlName) {
        this.djlName = djlName;
    }

    /**
     * Returns the engine name DJL uses ({@code Criteria.optEngine}).
     *
     * @return {@code PyTorch} or {@code OnnxRuntime}
     */
    public String djlName() {
        return djlName;
    }

    /**
     * Parses an engine name, case-insensitively: the DJL name ({@code PyTorch}, {@code
     * OnnxRuntime}), the constant ({@code onnx_runtime}) or {@code ort}/{@code onnx}.
     *
     * @param name the name
     * @return the engine
     * @throws IllegalArgumentException naming the accepted values
     */
    public static InferenceEngine parse(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT).replace("_", "").replace("-", "");
        switch (n) {
            case "pytorch":
            case "torch":
                return PYTORCH;
            case "onnxruntime":
            case "ort":
            case "onnx":
                return ONNX_RUNTIME;
            default:
                throw new IllegalArgumentException(
                        "engine must be one of "
                                + Arrays.toString(
                                        Arrays.stream(values())
                                                .map(InferenceEngine::djlName)
                                                .toArray())
                                + " but was '"
                                + name
                                + "'");
        }
    }

    /**
     * Returns a model's default engine.
     *
     * @param model a registry name (aliases resolve)
     * @return the engine measured faster for it, PyTorch when the table does not list it
     */
    public static InferenceEngine defaultFor(String model) {
        return defaultFor(model, 1);
    }

    /**
     * Returns a model's default engine for a batch size.
     *
     * @param model a registry name (aliases resolve)
     * @param batch the batch size the model will mostly run (1 when unknown)
     * @return the engine measured faster at that batch, PyTorch when the table does not list it
     */
    public static InferenceEngine defaultFor(String model, int batch) {
        String name = ModelRegistry.info(model).name();
        String value = batch >= LARGE_BATCH ? DEFAULTS.getProperty(name + "@" + LARGE_BATCH) : null;
        if (value == null) {
            value = DEFAULTS.getProperty(name);
        }
        return value == null ? PYTORCH : parse(value);
    }

    /** The batch size from which the table's {@code model@32} entries apply. */
    public static final int LARGE_BATCH = 32;

    private static Properties load() {
        Properties p = new Properties();
        try (InputStream in = InferenceEngine.class.getResourceAsStream(TABLE)) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + TABLE, e);
        }
        return p;
    }
}
