package io.github.fastvision.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import io.github.fastvision.core.cost.Cost;
import io.github.fastvision.core.cost.Countable;
import io.github.fastvision.core.runtime.MemoryFormat;
import io.github.fastvision.core.runtime.MemoryFormatAware;
import java.util.List;

/**
 * What every zoo model is, whatever it predicts: a named network built from {@link ModelOptions}
 * whose stages expose their feature maps (channels and stride per stage, see {@link #getStages()}),
 * and whose params and FLOPs count from shapes alone ({@link #cost(Shape)}). The prediction on top
 * is the subtype's: {@link VisionModel} classifies, {@link SegmentationModel} predicts per pixel.
 * Heads such as the ADP-C exits attach to the stage features.
 */
public abstract class Backbone extends AbstractBlock implements Countable, MemoryFormatAware {

    private static final byte VERSION = 1;

    private final String name;
    private final ModelOptions options;
    private final List<StageInfo> stageInfo;
    private volatile MemoryFormat memoryFormat = MemoryFormat.CONTIGUOUS;

    /**
     * Creates the common part of a zoo model.
     *
     * @param name the zoo name
     * @param options the options it was built with
     * @param stageInfo channels and stride of each stage's output
     */
    protected Backbone(String name, ModelOptions options, List<StageInfo> stageInfo) {
        super(VERSION);
        this.name = name;
        this.options = options;
        this.stageInfo = List.copyOf(stageInfo);
    }

    /**
     * Returns the zoo name.
     *
     * @return the name
     */
    public String getName() {
        return name;
    }

    /**
     * Returns the model's options.
     *
     * @return the options
     */
    public ModelOptions getOptions() {
        return options;
    }

    /**
     * Returns the memory format measured fastest for this model's inference path, from the table
     * {@code default-memory-formats.properties} beside this class ({@link MemoryFormat#CONTIGUOUS}
     * for a model it does not list). {@code InferenceMode.enter} applies it.
     *
     * @return the preferred format
     */
    @Override
    public MemoryFormat preferredMemoryFormat() {
        return MemoryFormats.defaultFor(name);
    }

    /** {@inheritDoc} */
    @Override
    public void setMemoryFormat(MemoryFormat format) {
        this.memoryFormat = java.util.Objects.requireNonNull(format, "format");
    }

    /** {@inheritDoc} */
    @Override
    public MemoryFormat getMemoryFormat() {
        return memoryFormat;
    }

    /**
     * Converts an inference pass's input to the model's memory format (training passes run on the
     * input as given); every operator after it keeps the layout.
     *
     * @param x the images
     * @param training whether this is a training pass
     * @return x, or x in the model's memory format
     */
    protected NDArray toMemoryFormat(NDArray x, boolean training) {
        return training ? x : memoryFormat.apply(x);
    }

    /**
     * Returns the input shape at batch {@code n} for the model's configured input size.
     *
     * @param n batch size
     * @return (n, C, S, S)
     */
    public Shape inputShape(long n) {
        return new Shape(n, options.inChannels(), options.inputSize(), options.inputSize());
    }

    /**
     * Returns channels and stride of every stage's output.
     *
     * @return the stage descriptions
     */
    public List<StageInfo> getStages() {
        return stageInfo;
    }

    /**
     * Rejects input that is not a float (N, C, H, W) batch with the model's channel count.
     *
     * @param x the input
     */
    protected void checkInput(NDArray x) {
        Shape s = x.getShape();
        if (s.dimension() != 4 || s.get(1) != options.inChannels()) {
            throw new IllegalArgumentException(
                    name
                            + " expects input of shape (N, "
                            + options.inChannels()
                            + ", H, W) but got "
                            + s);
        }
        if (x.getDataType() != DataType.FLOAT32 && x.getDataType() != DataType.FLOAT64) {
            throw new IllegalArgumentException(
                    name + " expects float32 input but got " + x.getDataType());
        }
    }

    /**
     * Runs the network up to its last stage and returns every stage's output feature map (NCHW),
     * first stage first.
     *
     * @param ps the parameter store
     * @param x images (N, C, H, W)
     * @param training whether this is a training pass
     * @return one feature map per stage
     */
    public abstract NDList forwardFeatures(ParameterStore ps, NDArray x, boolean training);

    /**
     * Returns the shape of every stage's output feature map for an input shape (shapes only).
     *
     * @param input (N, C, H, W)
     * @return one shape per stage
     */
    public abstract List<Shape> featureShapes(Shape input);

    /**
     * Counts the model at batch 1 and its configured input size.
     *
     * @return params and multiply-adds
     */
    public Cost cost() {
        return cost(inputShape(1));
    }
}
