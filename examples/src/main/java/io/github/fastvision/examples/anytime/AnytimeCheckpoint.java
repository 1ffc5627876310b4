package io.github.fastvision.examples.anytime;

import ai.djl.ndarray.NDManager;
import io.github.fastvision.core.io.Json;
import io.github.fastvision.models.anytime.AnytimeSegmenter;
import io.github.fastvision.models.anytime.AnytimeVariant;
import io.github.fastvision.training.checkpoint.TrainingCheckpoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * One trained anytime variant in the project's checkpoint format ({@link TrainingCheckpoint},
 * written atomically, parameters by name): the description records the steps and seconds trained
 * and the item scale of the mosaics, and a reload for another item scale is refused.
 */
public final class AnytimeCheckpoint {

    /** Version of the description. */
    private static final int FORMAT = 1;

    /**
     * The description at the head of the file.
     *
     * @param format description version
     * @param model the HRNet base
     * @param variant the variant's label
     * @param steps steps trained
     * @param seconds training time
     * @param itemScale item enlargement of the training mosaics
     */
    public record Meta(
            int format, String model, String variant, long steps, double seconds, int itemScale) {}

    private AnytimeCheckpoint() {}

    /**
     * The file of a variant in a checkpoint directory.
     *
     * @param dir the directory
     * @param model the HRNet base
     * @param variant the variant
     * @return {@code anytime_<model>_<variant>.fvc}
     */
    public static Path file(Path dir, String model, AnytimeVariant variant) {
        return dir.resolve(
                "anytime_" + model + "_" + variant.name().toLowerCase(Locale.ROOT) + ".fvc");
    }

    /**
     * Saves a trained model atomically.
     *
     * @param model the model
     * @param file the target
     * @param steps steps trained
     * @param seconds training time
     * @param itemScale the mosaics' item scale
     * @throws IOException if writing fails (a previous file is then untouched)
     */
    public static void save(
            AnytimeSegmenter model, Path file, long steps, double seconds, int itemScale)
            throws IOException {
        Meta meta =
                new Meta(
                        FORMAT,
                        model.base().getName(),
                        model.variant().label(),
                        steps,
                        seconds,
                        itemScale);
        TrainingCheckpoint.save(
                file, new TrainingCheckpoint.State(Json.toJson(meta), model, List.of(), List.of()));
    }

    /**
     * Loads a saved model; a file of another variant, size or item scale fails before the model
     * changes (the file is decoded and checked completely first).
     *
     * @param model an initialized model
     * @param manager its manager
     * @param file the file
     * @param itemScale the item scale of this run's mosaics
     * @return the file's description
     * @throws IOException if the file is unreadable or does not fit the model
     * @throws IllegalArgumentException if the model was trained at another item scale
     */
    public static Meta load(AnytimeSegmenter model, NDManager manager, Path file, int itemScale)
            throws IOException {
        Meta meta = readMeta(model, file);
        if (meta.itemScale() != itemScale) {
            throw new IllegalArgumentException(
                    String.format(
                            Locale.ROOT,
                            "%s was trained on mosaics with items enlarged %dx, not %dx; "
                                    + "pass --item-scale %d or use another checkpoint directory",
                            file,
                            meta.itemScale(),
                            itemScale,
                            meta.itemScale()));
        }
        try (NDManager scratch = manager.newSubManager()) {
            TrainingCheckpoint.restore(
                    file, new TrainingCheckpoint.State("", model, List.of(), List.of()), scratch);
        } catch (IllegalArgumentException e) {
            throw cannotLoad(model, file, e);
        }
        return meta;
    }

    private static Meta readMeta(AnytimeSegmenter model, Path file) throws IOException {
        try {
            Meta meta = Json.fromJson(TrainingCheckpoint.readMeta(file), Meta.class);
            if (meta == null || meta.format() != FORMAT) {
                throw new IllegalArgumentException("not an anytime checkpoint of format " + FORMAT);
            }
            return meta;
        } catch (RuntimeException e) {
            throw cannotLoad(model, file, e);
        }
    }

    private static IOException cannotLoad(AnytimeSegmenter model, Path file, RuntimeException e) {
        return new IOException(
                "cannot load "
                        + file
                        + " as "
                        + model.variant().label()
                        + " "
                        + model.base().getName()
                        + " parameters: "
                        + e.getMessage(),
                e);
    }

    /**
     * Whether a variant's checkpoint exists.
     *
     * @param file the file
     * @return true if it does
     */
    public static boolean exists(Path file) {
        return file != null && Files.isRegularFile(file);
    }
}
