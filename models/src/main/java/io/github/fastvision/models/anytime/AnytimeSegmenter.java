package io.github.fastvision.models.anytime;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.github.fastvision.core.anytime.AnytimeContext;
import io.github.fastvision.core.anytime.RbfInterpolation;
import io.github.fastvision.core.anytime.SpatialMask;
import io.github.fastvision.core.cost.Cost;
import io.github.fastvision.core.cost.Countable;
import io.github.fastvision.core.layers.Autograd;
import io.github.fastvision.core.layers.ChildBlocks;
import io.github.fastvision.models.ModelOptions;
import io.github.fastvision.models.ModelRegistry;
import io.github.fastvision.models.heads.EarlyExitHead;
import io.github.fastvision.models.heads.ExitHead;
import io.github.fastvision.models.heads.RedesignedExitHead;
import io.github.fastvision.models.hrnet.HRNetSeg;
import io.github.fastvision.models.hrnet.HRNetVariant;
import java.util.ArrayList;
import java.util.List;

/**
 * Anytime dense prediction on HRNet (thesis ch. 2): an exit after each of the four stages (the last
 * is HRNet's own segmentation head), with plain (EE) or redesigned (RH, D = N − i) heads, and
 * optionally confidence adaptivity (CA): after exit i the positions whose maximum class probability
 * reaches the threshold are skipped by every convolution up to and including exit i + 1, filled by
 * RBF interpolation, and keep exit i's prediction (Eq. 2.7).
 *
 * <p>{@link #begin} starts a pass that computes the exits one at a time ({@link Pass#next()}),
 * which is what {@link AnytimePredictor} and training use. All exits produce (N, K, H/4, W/4)
 * scores.
 *
 * <p>Children: {@code base} (the {@link HRNetSeg}, whose head is the last exit), {@code exit_1} …
 * {@code exit_3}.
 */
public final class AnytimeSegmenter extends AbstractBlock implements Countable {

    /** The thesis's confidence threshold (§2.4.4). */
    public static final float DEFAULT_THRESHOLD = 0.998f;

    private static final byte VERSION = 1;

    private final AnytimeVariant variant;
    private final HRNetSeg base;
    private final List<ExitHead> exits = new ArrayList<>();
    private final float threshold;
    private final int radius;
    private double maxSparseDensity = AnytimeContext.DEFAULT_MAX_SPARSE_DENSITY;

    /**
     * Builds an anytime model with the thesis's confidence threshold and the default RBF radius.
     *
     * @param hrnet the zoo name of the base ("hrnet_w18_seg", "hrnet_w48_seg", "test_hrnet_seg")
     * @param options classes, input size and channels
     * @param variant EE, EE+RH or ADP-C
     * @return an uninitialized model
     */
    public static AnytimeSegmenter create(
            String hrnet, ModelOptions options, AnytimeVariant variant) {
        return builder().setBase(hrnet).setOptions(options).setVariant(variant).build();
    }

    /**
     * Returns a builder.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    private AnytimeSegmenter(HRNetVariant hv, Builder b) {
        super(VERSION);
        ModelOptions options = b.options;
        AnytimeVariant variant = b.variant;
        this.variant = variant;
        this.threshold = b.threshold;
        this.radius = b.radius;
        boolean ca = variant.confidenceAdaptivity();
        base = addChildBlock("base", HRNetSeg.create(hv, options, ca));
        int n = base.numStages();
        for (int i = 1; i < n; i++) {
            int[] ch = base.stageBranchChannels(i - 1);
            // Exit 1 comes before any mask exists; exits 2 and 3 run under the previous mask.
            boolean adaptive = ca && i > 1;
            ExitHead head =
                    variant.redesignedHeads()
                            ? RedesignedExitHead.builder()
                                    .setBranchChannels(ch)
                                    .setNumClasses(options.numClasses())
                                    .setDepth(n - i)
                                    .setWidth(hv.exitWidth())
                                    .optAdaptive(adaptive)
                                    .build()
                            : new EarlyExitHead(ch, options.numClasses(), adaptive);
            exits.add(addChildBlock("exit_" + i, head));
        }
        if (ca) {
            // Exits 2 … N run under a mask and keep the previous prediction where it skipped.
            for (int i = 2; i <= n; i++) {
                exit(i).outputIsCarriedOver();
            }
        }
    }

    /**
     * Returns the variant.
     *
     * @return EE, EE+RH or ADP-C
     */
    public AnytimeVariant variant() {
        return variant;
    }

    /**
     * Returns the base model.
     *
     * @return the HRNet
     */
    public HRNetSeg base() {
        return base;
    }

    /**
     * Returns the number of exits (4).
     *
     * @return N
     */
    public int numExits() {
        return exits.size() + 1;
    }

    /**
     * Returns exit i's head (1-based; exit N is the base's segmentation head).
     *
     * @param i 1 … N
     * @return the head
     */
    public ExitHead exit(int i) {
        return i == numExits() ? base.segHead() : exits.get(i - 1);
    }

    /**
     * Sets the density above which masked convolutions run densely in sparse passes (1 = always
     * sparse, 0 = never).
     *
     * @param fraction in [0, 1]
     */
    public void setMaxSparseDensity(double fraction) {
        maxSparseDensity = AnytimeContext.checkMaxSparseDensity(fraction);
    }

    /**
     * Returns the confidence threshold.
     *
     * @return the threshold
     */
    public float threshold() {
        return threshold;
    }

    /**
     * Starts a pass over the exits.
     *
     * @param ps the parameter store
     * @param x images (N, C, H, W)
     * @param training whether this is a training pass
     * @param sparse whether masked convolutions run sparsely (inference only)
     * @return the pass; close it when done
     */
    public Pass begin(ParameterStore ps, NDArray x, boolean training, boolean sparse) {
        return new Pass(ps, x, training, sparse, threshold);
    }

    /**
     * Starts a pass with another confidence threshold (1 skips nothing: ADP-C's warm-up).
     *
     * @param ps the parameter store
     * @param x images (N, C, H, W)
     * @param training whether this is a training pass
     * @param sparse whether masked convolutions run sparsely (inference only)
     * @param passThreshold the threshold for this pass
     * @return the pass; close it when done
     */
    public Pass begin(
            ParameterStore ps, NDArray x, boolean training, boolean sparse, float passThreshold) {
        return new Pass(ps, x, training, sparse, passThreshold);
    }

    /**
     * Runs every exit.
     *
     * @param ps the parameter store
     * @param x images
     * @param training whether this is a training pass
     * @return the exits' scores, exit 1 first
     */
    public NDList forwardExits(ParameterStore ps, NDArray x, boolean training) {
        NDList out = new NDList(numExits());
        try (Pass pass = begin(ps, x, training, false)) {
            while (pass.hasNext()) {
                out.add(pass.next().logits());
            }
        }
        return out;
    }

    /** {@inheritDoc} */
    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return forwardExits(ps, inputs.singletonOrThrow(), training);
    }

    /** {@inheritDoc} */
    @Override
    public Shape[] getOutputShapes(Shape[] inputs) {
        Shape s = base.getOutputShapes(inputs)[0];
        Shape[] out = new Shape[numExits()];
        java.util.Arrays.fill(out, s);
        return out;
    }

    /** {@inheritDoc} */
    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputs) {
        ChildBlocks.init(base, manager, dataType, inputs[0]);
        List<Shape[]> stages = base.stageBranchShapes(inputs[0]);
        for (int i = 1; i < numExits(); i++) {
            exits.get(i - 1).initialize(manager, dataType, stages.get(i - 1));
        }
    }

    /**
     * Dense cost of everything up to and including each exit (no masks), at an input shape.
     *
     * @param input (1, C, H, W)
     * @return multiply-adds per exit, cumulative
     */
    public long[] denseMacsPerExit(Shape input) {
        long[] out = new long[numExits()];
        Cost stem = Cost.of(stemBlock(), input);
        long sum = stem.macs();
        Shape b0 = stem.output();
        for (int i = 1; i <= numExits(); i++) {
            // A pass up to exit i runs stages 1..i and exits 1..i.
            sum += Cost.of(base.getStageBlocks().get(i - 1), b0).macs() + exit(i).cost(b0).macs();
            out[i - 1] = sum;
        }
        return out;
    }

    private ai.djl.nn.Block stemBlock() {
        return base.stem();
    }

    /** {@inheritDoc} */
    @Override
    public Cost cost(Shape input) {
        Cost.Accumulator acc = Cost.from(input).branch(base, input);
        Shape b0 = Cost.of(stemBlock(), input).output();
        for (int i = 1; i < numExits(); i++) {
            acc.branch(exits.get(i - 1), b0);
        }
        return acc.done(base.getOutputShapes(new Shape[] {input})[0]);
    }

    /**
     * One exit's output.
     *
     * @param exit 1-based exit number
     * @param logits (N, K, H/4, W/4) scores after carry-over
     * @param macs multiply-adds spent so far in the pass (whole batch), with masks applied
     * @param computedFraction the fraction of exit-resolution positions that were still computed
     *     for this exit (1 without CA)
     */
    public record ExitOutput(int exit, NDArray logits, long macs, double computedFraction) {}

    /** A pass over the exits; computes one stage and its exit per {@link #next()}. */
    public final class Pass implements AutoCloseable {
        private final ParameterStore ps;
        private final NDArray x;
        private final boolean training;
        private final AnytimeContext ctx;
        private final float passThreshold;
        private final List<SpatialMask> masks = new ArrayList<>();
        private List<NDArray> branches;
        private NDArray previous;
        private int done;

        Pass(ParameterStore ps, NDArray x, boolean training, boolean sparse, float passThreshold) {
            this.passThreshold = passThreshold;
            this.ps = ps;
            this.x = x;
            this.training = training;
            this.ctx = AnytimeContext.builder().optSparse(sparse).optRadius(radius).build();
            ctx.setMaxSparseDensity(maxSparseDensity);
        }

        /**
         * Returns whether another exit remains.
         *
         * @return true before exit N
         */
        public boolean hasNext() {
            return done < numExits();
        }

        /**
         * Returns the number of exits computed so far.
         *
         * @return 0 … N
         */
        public int exitsDone() {
            return done;
        }

        /**
         * Returns the mask in force for the next stage, or null.
         *
         * @return the latest mask
         */
        public SpatialMask currentMask() {
            return ctx.mask();
        }

        /**
         * Computes the next stage and its exit.
         *
         * @return the exit's output
         */
        public ExitOutput next() {
            if (!hasNext()) {
                throw new IllegalStateException("all " + numExits() + " exits are done");
            }
            int i = done + 1;
            NDArray logits;
            double computed = 1.0;
            if (training || Autograd.isRecording()) {
                logits = stage(i);
            } else {
                // Inference keeps no graph: run the stage in its own manager and keep only its
                // branches and prediction, so a pass holds one stage's intermediates at a time
                // (less memory, and the allocator reuses pages that are still mapped and cached).
                NDManager parent = x.getManager();
                try (NDManager scope = parent.newSubManager()) {
                    if (branches == null) {
                        x.tempAttach(scope);
                    } else {
                        for (NDArray b : branches) {
                            b.tempAttach(scope);
                        }
                    }
                    if (previous != null) {
                        previous.tempAttach(scope);
                    }
                    logits = stage(i);
                    for (NDArray b : branches) {
                        b.attach(parent);
                    }
                    logits.attach(parent);
                }
            }
            SpatialMask m = ctx.mask();
            if (m != null) {
                SpatialMask.Level level = m.base();
                computed = level.activeCount() / (double) level.total();
            }
            if (variant.confidenceAdaptivity() && i < numExits()) {
                SpatialMask next = SpatialMask.fromLogits(logits, passThreshold);
                masks.add(next);
                ctx.setMask(next);
            }
            previous = logits;
            done = i;
            return new ExitOutput(i, logits, ctx.macs(), computed);
        }

        /** Stage i (and the stem before stage 1) and exit i, with the carry-over (Eq. 2.7). */
        private NDArray stage(int i) {
            if (branches == null) {
                branches = base.forwardStem(ps, x, training, ctx);
            }
            branches = base.forwardStage(i - 1, ps, branches, training, ctx);
            NDArray logits = exit(i).forward(ps, branches, training, ctx);
            SpatialMask m = ctx.mask();
            return m == null ? logits : m.carryOver(previous, logits);
        }

        /** Releases the masks. */
        @Override
        public void close() {
            for (SpatialMask m : masks) {
                m.close();
            }
            masks.clear();
        }
    }

    /**
     * Returns the RBF interpolation radius.
     *
     * @return r
     */
    public int radius() {
        return radius;
    }

    /**
     * The default radius (7).
     *
     * @return r
     */
    public static int defaultRadius() {
        return RbfInterpolation.DEFAULT_RADIUS;
    }

    /** Builder for {@link AnytimeSegmenter}. */
    public static final class Builder {
        private String base;
        private ModelOptions options;
        private AnytimeVariant variant;
        private float threshold = DEFAULT_THRESHOLD;
        private int radius = RbfInterpolation.DEFAULT_RADIUS;

        Builder() {}

        /**
         * Sets the zoo name of the HRNet base (required): "hrnet_w18_seg", "hrnet_w48_seg" or
         * "test_hrnet_seg", or an alias of one.
         *
         * @param hrnet the base's zoo name
         * @return this builder
         */
        public Builder setBase(String hrnet) {
            this.base = hrnet;
            return this;
        }

        /**
         * Sets the classes, input size and channels (required).
         *
         * @param options the model options
         * @return this builder
         */
        public Builder setOptions(ModelOptions options) {
            this.options = options;
            return this;
        }

        /**
         * Sets the variant (required).
         *
         * @param variant EE, EE+RH or ADP-C
         * @return this builder
         */
        public Builder setVariant(AnytimeVariant variant) {
            this.variant = variant;
            return this;
        }

        /**
         * Sets the CA confidence threshold, used by ADP-C only (default {@link #DEFAULT_THRESHOLD};
         * 1 switches CA off).
         *
         * @param threshold in (0, 1]
         * @return this builder
         */
        public Builder optThreshold(float threshold) {
            this.threshold = threshold;
            return this;
        }

        /**
         * Sets the RBF interpolation radius (default {@link RbfInterpolation#DEFAULT_RADIUS}).
         *
         * @param radius at least 1
         * @return this builder
         */
        public Builder optRadius(int radius) {
            this.radius = radius;
            return this;
        }

        /**
         * Builds the model.
         *
         * @return an uninitialized model
         * @throws IllegalArgumentException naming a missing or out-of-range value, or when the base
         *     is not an HRNet
         */
        public AnytimeSegmenter build() {
            if (base == null) {
                throw new IllegalArgumentException(
                        "AnytimeSegmenter: base (an HRNet zoo name) is required");
            }
            if (options == null) {
                throw new IllegalArgumentException("AnytimeSegmenter: options is required");
            }
            if (variant == null) {
                throw new IllegalArgumentException(
                        "AnytimeSegmenter: variant (EE, EE_RH or ADP_C) is required");
            }
            if (!(threshold > 0f && threshold <= 1f)) {
                throw new IllegalArgumentException(
                        "confidence threshold must be in (0, 1] but was " + threshold);
            }
            if (radius < 1) {
                throw new IllegalArgumentException(
                        "interpolation radius must be >= 1 but was " + radius);
            }
            String name = ModelRegistry.info(base).name();
            HRNetVariant v = null;
            for (HRNetVariant h : HRNetVariant.values()) {
                if (h.zooName().equals(name)) {
                    v = h;
                }
            }
            if (v == null) {
                throw new IllegalArgumentException(
                        "anytime segmentation with confidence adaptivity needs an HRNet base "
                                + "(hrnet_w18_seg, hrnet_w48_seg) but got "
                                + base
                                + "; attach exits to other backbones with BackboneExits");
            }
            return new AnytimeSegmenter(v, this);
        }
    }
}
