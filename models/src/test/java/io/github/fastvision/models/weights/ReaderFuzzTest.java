package io.github.fastvision.models.weights;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.github.fastvision.models.ModelOptions;
import io.github.fastvision.models.ModelRegistry;
import io.github.fastvision.models.VisionModel;
import io.github.fastvision.models.io.WeightImporter;
import io.github.fastvision.models.io.WeightsFile;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Deterministic mutations (byte flips, truncations, length-field bumps; fixed seed) of small valid
 * {@code .pth}, {@code .safetensors}, {@code .npz} and {@code .npy} files: each mutant is either
 * refused with a {@link CheckpointFormatException} naming the file, or read and imported correctly
 * through {@link WeightImporter} into an output directory; reading allocates no more than a bound
 * derived from the file size, and a refused import leaves nothing in the output directory.
 */
class ReaderFuzzTest {

    private static final Path DIR = ImportAgainstPyTorchTest.DIR;

    /** Mutants per checkpoint format and for .npy. */
    private static final int MUTANTS = 110;

    @TempDir Path tmp;

    private final com.sun.management.ThreadMXBean mx =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private int refusals;
    private int imports;

    @Test
    void mutantsAreRefusedCleanlyOrImportedCorrectly() {
        assertTimeoutPreemptively(Duration.ofSeconds(60), this::fuzzAll);
    }

    private void fuzzAll() throws Exception {
        Random random = new Random(19);
        try (NDManager m = NDManager.newBaseManager()) {
            VisionModel model =
                    ModelRegistry.create(
                            "test_resnet",
                            ModelOptions.builder()
                                    .setNumClasses(10)
                                    .optInputSize(32)
                                    .optDropPath(0f)
                                    .build());
            for (String f :
                    new String[] {
                        "resnet_torchvision.pth",
                        "resnet_torchvision.safetensors",
                        "resnet_torchvision.npz"
                    }) {
                byte[] valid = Files.readAllBytes(DIR.resolve(f));
                for (int i = 0; i < MUTANTS; i++) {
                    Mutant mu = mutate(valid, random);
                    Path file = tmp.resolve("m" + i + "_" + f);
                    Files.write(file, mu.bytes);
                    checkpoint(file, mu.how, model, m);
                    Files.delete(file);
                }
            }
            byte[] npy = Files.readAllBytes(DIR.resolve("resnet_torchvision_output.npy"));
            for (int i = 0; i < MUTANTS; i++) {
                Mutant mu = mutate(npy, random);
                Path file = tmp.resolve("m" + i + ".npy");
                Files.write(file, mu.bytes);
                array(file, mu.how, m);
                Files.delete(file);
            }
        }
        assertTrue(
                refusals > MUTANTS, "the mutations should mostly hit the structure: " + refusals);
        assertTrue(imports > 0, "some mutants (data bytes only) should still import");
    }

    private record Mutant(byte[] bytes, String how) {}

    /** One mutation, biased towards the headers (start and end of the file) where sizes live. */
    private static Mutant mutate(byte[] valid, Random r) {
        byte[] b = valid.clone();
        int n = b.length;
        int pos = position(n, r);
        switch (r.nextInt(4)) {
            case 0:
                b[pos] ^= (byte) (1 << r.nextInt(8));
                return new Mutant(b, "bit flip at " + pos);
            case 1:
                b[pos] = (byte) r.nextInt(256);
                return new Mutant(b, "byte set at " + pos);
            case 2:
                {
                    int len = position(n, r);
                    return new Mutant(Arrays.copyOf(b, len), "truncated to " + len);
                }
            default:
                {
                    // A little-endian length field (zip sizes, safetensors/npy header length,
                    // pickle string lengths) bumped by a small or a huge amount.
                    int at = lengthField(b, r);
                    long[] deltas = {1, -1, 8, 1 << 16, 0x7fffffff, 0x80000000L};
                    long d = deltas[r.nextInt(deltas.length)];
                    long v = 0;
                    for (int i = 3; i >= 0; i--) {
                        v = (v << 8) | (b[at + i] & 0xff);
                    }
                    v += d;
                    for (int i = 0; i < 4; i++) {
                        b[at + i] = (byte) (v >> (8 * i));
                    }
                    return new Mutant(b, "length field at " + at + " bumped by " + d);
                }
        }
    }

    private static int position(int n, Random r) {
        int window = Math.min(n, 4096);
        switch (r.nextInt(3)) {
            case 0:
                return r.nextInt(window);
            case 1:
                return n - 1 - r.nextInt(window);
            default:
                return r.nextInt(n);
        }
    }

    private static int lengthField(byte[] b, Random r) {
        List<Integer> at = new ArrayList<>(List.of(0, 8));
        for (int i = 0; i + 30 < b.length; i++) {
            if (b[i] == 'P' && b[i + 1] == 'K' && b[i + 2] == 3 && b[i + 3] == 4) {
                at.add(i + 18); // local header: compressed and uncompressed size
                at.add(i + 22);
            } else if (b[i] == 'P' && b[i + 1] == 'K' && b[i + 2] == 1 && b[i + 3] == 2) {
                at.add(i + 20); // central directory: compressed and uncompressed size
                at.add(i + 24);
            } else if (b[i] == 'X' && b[i + 2] == 0 && b[i + 3] == 0 && b[i + 4] == 0) {
                at.add(i + 1); // a pickle BINUNICODE length
            }
        }
        return at.get(r.nextInt(at.size()));
    }

    private long bound(Path file) throws Exception {
        return 8 * Files.size(file) + (32L << 20);
    }

    private void checkpoint(Path file, String how, VisionModel model, NDManager m)
            throws Exception {
        long start = System.nanoTime();
        long before = mx.getCurrentThreadAllocatedBytes();
        Checkpoint ckpt;
        try {
            ckpt = Checkpoint.read(file);
        } catch (CheckpointFormatException e) {
            refused(file, how, e, start, before);
            return;
        } catch (Exception | Error e) {
            throw new AssertionError(file + " (" + how + "): not a clean refusal: " + e, e);
        }
        measured(file, how, start, before);
        Path out = Files.createDirectories(tmp.resolve("out"));
        Path saved = out.resolve("test_resnet" + WeightsFile.EXTENSION);
        try {
            WeightImporter.Report r =
                    WeightImporter.load(
                            model, m, ckpt, Source.TORCHVISION, WeightImporter.Options.STRICT);
            WeightsFile.save(model, saved);
            assertEquals(model.getParameters().size() > 0, r.loaded() > 0, how);
            // A correct import: the model holds exactly the checkpoint's values.
            TensorData fc = ckpt.tensors().get("fc.bias");
            NDArray bias =
                    io.github.fastvision.models.ParameterNames.of(model).stream()
                            .filter(p -> p.name().equals("head.fc.bias"))
                            .findFirst()
                            .orElseThrow()
                            .parameter()
                            .getArray();
            assertTrue(Arrays.equals(fc.toFloats(), bias.toFloatArray()), how);
            imports++;
            try (Stream<Path> files = Files.list(out)) {
                assertEquals(List.of(saved), files.toList(), how);
            }
            Files.delete(saved);
        } catch (IllegalArgumentException e) {
            // The mutant read but no longer fits the model (a renamed key, a changed shape).
            assertTrue(e.getMessage().endsWith("nothing was changed"), how + ": " + e);
            refusals++;
            try (Stream<Path> files = Files.list(out)) {
                assertEquals(List.of(), files.toList(), how + ": a refused import left files");
            }
        }
    }

    private void array(Path file, String how, NDManager m) throws Exception {
        long start = System.nanoTime();
        long before = mx.getCurrentThreadAllocatedBytes();
        try (NDManager sub = m.newSubManager()) {
            NDArray a = Npy.read(sub, file);
            measured(file, how, start, before);
            // Accepted means exactly header then data: nothing truncated, nothing trailing.
            byte[] b = Files.readAllBytes(file);
            long header =
                    b[6] == 1
                            ? 10 + ((b[8] & 0xff) | (b[9] & 0xff) << 8)
                            : 12
                                    + ((b[8] & 0xffL)
                                            | (b[9] & 0xffL) << 8
                                            | (b[10] & 0xffL) << 16
                                            | (b[11] & 0xffL) << 24);
            assertEquals(b.length, header + a.size() * a.getDataType().getNumOfBytes(), how);
            imports++;
        } catch (CheckpointFormatException e) {
            refused(file, how, e, start, before);
        } catch (Exception | Error e) {
            throw new AssertionError(file + " (" + how + "): not a clean refusal: " + e, e);
        }
    }

    private void refused(
            Path file, String how, CheckpointFormatException e, long start, long before)
            throws Exception {
        measured(file, how, start, before);
        assertTrue(e.getMessage().startsWith(file.toString()), how + ": " + e.getMessage());
        refusals++;
    }

    private void measured(Path file, String how, long start, long before) throws Exception {
        long used = mx.getCurrentThreadAllocatedBytes() - before;
        long ms = (System.nanoTime() - start) / 1_000_000;
        if (used > bound(file)) {
            fail(file + " (" + how + "): allocated " + used + " bytes, bound " + bound(file));
        }
        if (ms > 2000) {
            fail(file + " (" + how + "): took " + ms + " ms");
        }
    }
}
