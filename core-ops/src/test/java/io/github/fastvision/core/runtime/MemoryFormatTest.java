package io.github.fastvision.core.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import org.junit.jupiter.api.Test;

/** The TorchScript-backed memory-format conversion: same values, NHWC strides, kept by convs. */
class MemoryFormatTest {

    @Test
    void channelsLastKeepsShapeAndValuesAndChangesStrides() {
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            NDArray x = manager.randomNormal(new Shape(2, 5, 7, 3));
            assertFalse(MemoryFormat.isChannelsLast(x));
            NDArray cl = MemoryFormat.CHANNELS_LAST.apply(x);
            assertTrue(MemoryFormat.isChannelsLast(cl));
            assertEquals(x.getShape(), cl.getShape());
            assertArrayEquals(x.toFloatArray(), cl.toFloatArray());
            assertSame(manager, cl.getManager());

            NDArray back = MemoryFormat.CONTIGUOUS.apply(cl);
            assertFalse(MemoryFormat.isChannelsLast(back));
            assertArrayEquals(x.toFloatArray(), back.toFloatArray());
            assertSame(cl, MemoryFormat.CHANNELS_LAST.apply(cl), "already channels-last");
            assertSame(x, MemoryFormat.CONTIGUOUS.apply(x), "already contiguous");
        }
    }

    @Test
    void otherRanksAreLeftAlone() {
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            NDArray tokens = manager.randomNormal(new Shape(2, 9, 4));
            assertSame(tokens, MemoryFormat.CHANNELS_LAST.apply(tokens));
        }
    }

    @Test
    void convolutionsKeepChannelsLastAndAgreeWithNchw() {
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            NDArray x = manager.randomNormal(new Shape(1, 8, 9, 9));
            NDArray w = manager.randomNormal(new Shape(8, 1, 3, 3));
            NDArray ref = conv(x, w);
            NDArray y = conv(MemoryFormat.CHANNELS_LAST.apply(x), w);
            assertTrue(MemoryFormat.isChannelsLast(y), "a depthwise conv keeps the layout");
            assertTrue(y.sub(ref).abs().max().getFloat() <= 1e-5f * ref.abs().max().getFloat());
        }
    }

    @Test
    void parseNamesTheAcceptedValues() {
        assertEquals(MemoryFormat.CHANNELS_LAST, MemoryFormat.parse("channels-last"));
        assertEquals(MemoryFormat.CHANNELS_LAST, MemoryFormat.parse("NHWC"));
        assertEquals(MemoryFormat.CONTIGUOUS, MemoryFormat.parse("nchw"));
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> MemoryFormat.parse("nchw8c"));
        assertTrue(e.getMessage().contains("CHANNELS_LAST"), e.getMessage());
    }

    private static NDArray conv(NDArray x, NDArray w) {
        NDList out =
                Conv2d.conv2d(x, w, null, new Shape(1, 1), new Shape(1, 1), new Shape(1, 1), 8);
        return out.singletonOrThrow();
    }
}
