package io.github.fastvision.core.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Platform;
import org.junit.jupiter.api.Test;

class NativeAllocatorTest {

    @Test
    void tuningTakesEffectOnLinuxAndIsIdempotent() {
        boolean first = NativeAllocator.tune();
        assertEquals(Platform.isLinux(), first, "mallopt must succeed on glibc Linux");
        assertEquals(first, NativeAllocator.tune());
        assertTrue(!Platform.isLinux() || NativeAllocator.isTuned());
    }
}
