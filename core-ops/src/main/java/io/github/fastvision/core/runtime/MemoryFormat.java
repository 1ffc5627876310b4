package io.github.fastvision.core.runtime;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValue;
import ai.djl.pytorch.jni.IValueUtils;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * The memory layout of a 4-D image tensor on the PyTorch engine. {@link #CHANNELS_LAST} stores (N,
 * C, H, W) with the channel axis innermost (NHWC strides, the same logical shape); libtorch's
 * convolutions, pooling and element-wise operators keep it, so converting a model's input is enough
 * for the whole network to run channels-last, where depthwise convolutions are much faster on CPU.
 *
 * <p>DJL 0.35 has no memory-format call ({@code transpose(0, 2, 3, 1).duplicate()} comes back
 * NCHW-contiguous), so the conversion runs {@code torch.contiguous(x, memory_format=2)} in a
 * one-method TorchScript module that this class writes from Java ({@link TorchScriptArchive}) and
 * loads once per JVM.
 */
public enum MemoryFormat {
    /** Row-major NCHW, DJL's and libtorch's default. */
    CONTIGUOUS,
    /** NHWC strides for an NCHW shape ({@code torch.channels_last}). */
    CHANNELS_LAST;

    private static final String METHODS =
            "  def forward(self: __torch__.AtenOps,\n"
                    + "    x: Tensor) -> Tensor:\n"
                    + "    return torch.contiguous(x, memory_format=2)\n"
                    + "  def to_contiguous(self: __torch__.AtenOps,\n"
                    + "    x: Tensor) -> Tensor:\n"
                    + "    return torch.contiguous(x, memory_format=0)\n"
                    + "  def is_channels_last(self: __torch__.AtenOps,\n"
                    + "    x: Tensor) -> bool:\n"
                    + "    return torch.is_contiguous(x, memory_format=2)\n";

    /**
     * Parses a format name: {@code channels-last}, {@code channels_last}, {@code nhwc}, {@code
     * contiguous} or {@code nchw}, case-insensitively.
     *
     * @param name the name
     * @return the format
     * @throws IllegalArgumentException naming the accepted values
     */
    public static MemoryFormat parse(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT).replace('-', '_');
        switch (n) {
            case "channels_last":
            case "nhwc":
                return CHANNELS_LAST;
            case "contiguous":
            case "nchw":
                return CONTIGUOUS;
            default:
                throw new IllegalArgumentException(
                        "memory format must be one of "
                                + Arrays.toString(values())
                                + " (or nchw, nhwc) but was '"
                                + name
                                + "'");
        }
    }

    /**
     * Returns a 4-D tensor in this format: the same values and shape, attached to the input's
     * manager. A tensor already in the format, or one of another engine or rank, is returned as it
     * is; {@link #CONTIGUOUS} returns a contiguous copy only when the input is channels-last.
     *
     * @param x the tensor
     * @return x, or its copy in this format
     */
    public NDArray apply(NDArray x) {
        if (!(x instanceof PtNDArray) || x.getShape().dimension() != 4) {
            return x;
        }
        if (this == CHANNELS_LAST) {
            return isChannelsLast(x) ? x : call("forward", x);
        }
        return isChannelsLast(x) && !isPlain(x) ? call("to_contiguous", x) : x;
    }

    /**
     * Returns whether a tensor is stored channels-last ({@code
     * x.is_contiguous(memory_format=torch.channels_last)}). A tensor with one channel or 1×1
     * spatial size is both.
     *
     * @param x a PyTorch-engine tensor
     * @return whether it is channels-last contiguous
     */
    public static boolean isChannelsLast(NDArray x) {
        if (!(x instanceof PtNDArray)) {
            return false;
        }
        try (IValue in = IValue.from((PtNDArray) x);
                IValue out = IValueUtils.runMethod(Holder.OPS, "is_channels_last", in)) {
            return out.toBoolean();
        }
    }

    /** Whether both layouts coincide (one channel, or 1×1 maps), so no conversion is needed. */
    private static boolean isPlain(NDArray x) {
        long[] s = x.getShape().getShape();
        return s[1] == 1 || (s[2] == 1 && s[3] == 1);
    }

    private static NDArray call(String method, NDArray x) {
        try (IValue in = IValue.from((PtNDArray) x);
                IValue out = IValueUtils.runMethod(Holder.OPS, method, in)) {
            return out.toTensor((PtNDManager) x.getManager());
        }
    }

    /** Loads the TorchScript module on first use (class initialization is thread-safe). */
    private static final class Holder {
        // The model is held for the JVM's lifetime: once unreachable, DJL releases its module.
        static final Model MODEL = load();
        static final PtSymbolBlock OPS = (PtSymbolBlock) MODEL.getBlock();

        private static Model load() {
            Path dir = null;
            try {
                dir = Files.createTempDirectory("fastvision-aten");
                Path file = dir.resolve("aten_ops.pt");
                Files.write(file, TorchScriptArchive.module("AtenOps", METHODS));
                Model model = Model.newInstance("fastvision-aten-ops", "PyTorch");
                model.load(dir, "aten_ops.pt");
                return model;
            } catch (IOException | ai.djl.MalformedModelException e) {
                throw new IllegalStateException(
                        "cannot load the TorchScript module behind MemoryFormat: " + e, e);
            } finally {
                deleteQuietly(dir);
            }
        }

        private static void deleteQuietly(Path dir) {
            if (dir == null) {
                return;
            }
            try (var files = Files.list(dir)) {
                for (Path p : (Iterable<Path>) files::iterator) {
                    Files.deleteIfExists(p);
                }
                Files.deleteIfExists(dir);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot remove the temporary " + dir, e);
            }
        }
    }
}
