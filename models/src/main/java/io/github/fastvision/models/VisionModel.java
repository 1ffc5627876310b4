package io.github.fastvision.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.github.fastvision.core.cost.Cost;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A classifier zoo model: a stem, a list of stages whose outputs are the model's stage features
 * (channels and stride per stage, see {@link #getStages()}), and a {@link ClassifierHead} that can
 * be reset for another number of classes. Counting params and FLOPs needs only shapes ({@link
 * #cost(Shape)}).
 *
 * <p>Children: {@code stem}, {@code stages_0} … {@code stages_(n−1)}, {@code head}.
 */
public class VisionModel extends Backbone {

    private final Block stem;
    private final List<Block> stages;
    private final ClassifierHead head;

    private VisionModel(Builder b) {
        super(b.name, b.options, b.stageInfo);
        this.stem = addChildBlock("stem", b.stem);
        this.stages = new ArrayList<>();
        for (int i = 0; i < b.stages.size(); i++) {
            this.stages.add(addChildBlock("stages_" + i, b.stages.get(i)));
        }
        this.head = addChildBlock("head", b.head);
    }

    /**
     * Returns a builder; every value is required.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns the model's options; the class count follows {@link #resetClassifier(int)}.
     *
     * @return the options
     */
    @Override
    public ModelOptions getOptions() {
        return super.getOptions().withNumClasses(head.getNumClasses());
    }

    /**
     * Returns the stage blocks, e.g. to attach exits or to freeze them.
     *
     * @return the stages
     */
    public List<Block> getStageBlocks() {
        return Collections.unmodifiableList(stages);
    }

    /**
     * Returns the classifier head.
     *
     * @return the head
     */
    public ClassifierHead getHead() {
        return head;
    }

    /**
     * Replaces the classifier for fine-tuning on {@code numClasses} classes (0 removes it).
     *
     * @param numClasses the new class count
     */
    public void resetClassifier(int numClasses) {
        head.reset(numClasses);
    }

    private List<NDList> runStages(ParameterStore ps, NDArray x, boolean training) {
        checkInput(x);
        List<NDList> outputs = new ArrayList<>(stages.size());
        NDList y = stem.forward(ps, new NDList(x), training);
        for (Block stage : stages) {
            y = stage.forward(ps, y, training);
            outputs.add(y);
        }
        return outputs;
    }

    /**
     * Runs the backbone and returns every stage's output feature map (NCHW), first stage first.
     * Token models return their patch tokens as a map; a class token is not part of it.
     *
     * @param ps the parameter store
     * @param x images (N, C, H, W)
     * @param training whether this is a training pass
     * @return one feature map per stage
     */
    @Override
    public NDList forwardFeatures(ParameterStore ps, NDArray x, boolean training) {
        NDList features = new NDList(stages.size());
        for (NDList out : runStages(ps, toMemoryFormat(x, training), training)) {
            features.add(out.head());
        }
        return features;
    }

    /** {@inheritDoc} */
    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        List<NDList> outputs =
                runStages(ps, toMemoryFormat(inputs.singletonOrThrow(), training), training);
        return head.forward(ps, outputs.get(outputs.size() - 1), training);
    }

    private List<Shape[]> stageShapes(Shape input) {
        List<Shape[]> shapes = new ArrayList<>();
        Shape[] s = stem.getOutputShapes(new Shape[] {input});
        for (Block stage : stages) {
            s = stage.getOutputShapes(s);
            shapes.add(s);
        }
        return shapes;
    }

    /**
     * Returns the shape of every stage's output feature map for an input shape.
     *
     * @param input (N, C, H, W)
     * @return one shape per stage
     */
    @Override
    public List<Shape> featureShapes(Shape input) {
        List<Shape> shapes = new ArrayList<>();
        for (Shape[] s : stageShapes(input)) {
            shapes.add(s[0]);
        }
        return shapes;
    }

    /** {@inheritDoc} */
    @Override
    public Shape[] getOutputShapes(Shape[] inputs) {
        List<Shape[]> s = stageShapes(inputs[0]);
        return head.getOutputShapes(s.get(s.size() - 1));
    }

    /** {@inheritDoc} */
    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputs) {
        stem.initialize(manager, dataType, inputs[0]);
        Shape[] s = stem.getOutputShapes(new Shape[] {inputs[0]});
        for (Block stage : stages) {
            stage.initialize(manager, dataType, s);
            s = stage.getOutputShapes(s);
        }
        head.initialize(manager, dataType, s);
    }

    /** {@inheritDoc} */
    @Override
    public Cost cost(Shape input) {
        Cost.Accumulator acc = Cost.from(input).then(stem);
        for (Block stage : stages) {
            acc.then(stage);
        }
        return acc.then(head).done();
    }

    /** Builder for {@link VisionModel}: name, options, stem, stages with their info, head. */
    public static final class Builder {
        private String name;
        private ModelOptions options;
        private Block stem;
        private List<Block> stages;
        private List<StageInfo> stageInfo;
        private ClassifierHead head;

        Builder() {}

        /**
         * Sets the zoo name (required).
         *
         * @param name the zoo name
         * @return this builder
         */
        public Builder setName(String name) {
            this.name = name;
            return this;
        }

        /**
         * Sets the options the model is built with (required).
         *
         * @param options the options
         * @return this builder
         */
        public Builder setOptions(ModelOptions options) {
            this.options = options;
            return this;
        }

        /**
         * Sets the stem, which maps the image to the first stage's input (required).
         *
         * @param stem the stem
         * @return this builder
         */
        public Builder setStem(Block stem) {
            this.stem = stem;
            return this;
        }

        /**
         * Sets the stages, each NCHW → NCHW, and the channels and stride of each stage's output
         * (required, one description per stage).
         *
         * @param stages the stages, first first
         * @param stageInfo one description per stage
         * @return this builder
         */
        public Builder setStages(List<Block> stages, List<StageInfo> stageInfo) {
            this.stages = stages;
            this.stageInfo = stageInfo;
            return this;
        }

        /**
         * Sets the classifier head on the last stage (required).
         *
         * @param head the head
         * @return this builder
         */
        public Builder setHead(ClassifierHead head) {
            this.head = head;
            return this;
        }

        /**
         * Builds the model.
         *
         * @return the model
         * @throws IllegalArgumentException naming a missing value, or when the stage and
         *     description counts differ or there is no stage
         */
        public VisionModel build() {
            require("name", name);
            require("options", options);
            require("stem", stem);
            require("stages", stages);
            require("stageInfo", stageInfo);
            require("head", head);
            if (stages.isEmpty()) {
                throw new IllegalArgumentException(
                        "VisionModel: stages must hold at least 1 stage but was empty");
            }
            if (stages.size() != stageInfo.size()) {
                throw new IllegalArgumentException(
                        stages.size() + " stages but " + stageInfo.size() + " stage descriptions");
            }
            return new VisionModel(this);
        }

        private static void require(String what, Object value) {
            if (value == null) {
                throw new IllegalArgumentException("VisionModel: " + what + " is required");
            }
        }
    }
}
