package io.github.fastvision.models;

import io.github.fastvision.models.weights.NameMapping;
import io.github.fastvision.models.weights.Source;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A model family: the unit a family package owns completely, and the only thing the rest of the
 * module knows about it. The registry discovers families with {@link java.util.ServiceLoader};
 * nothing outside the family's package lists or names them.
 *
 * <h2>The family contract</h2>
 *
 * <p>A family package (e.g. {@code models.fasternet}) holds its blocks, its model class, its
 * variant table (an enum, one row per variant) and one {@code ModelFamily} implementation that
 * owns, as data:
 *
 * <ul>
 *   <li><b>its variants</b> ({@link #models()}): one {@link ModelInfo} per zoo name, with the
 *       paper's printed numbers, the zoo-table note, the kind of prediction (classifier or
 *       segmentation) and, for variants too large for the per-model contract tests, the tiny {@code
 *       test_*} variant of the same family that shares their code path ({@link
 *       ModelInfo#standIn()}); test variants are named {@code test_*} and are hidden from the zoo
 *       table, docs/zoo.md and the paper checks;
 *   <li><b>its display name</b> ({@link #displayName()}), printed in the zoo table's family column;
 *       one family object per printed name (so the torchvision ResNets and pflayer's parameter-free
 *       ResNets, ViT and PiT are separate families that share a package);
 *   <li><b>its aliases</b> ({@link #aliases()}): other spellings that resolve to a zoo name;
 *   <li><b>its checkpoint name tables</b>: the default naming of its released checkpoints ({@link
 *       #defaultSource()}), the table for a variant and a {@link Source} ({@link
 *       #checkpointNames}), built with {@link NameMapping} rules in a {@code *Checkpoints} class of
 *       the package, and a one-line summary of what exists ({@link #checkpointSummary()}) that
 *       error messages list;
 *   <li><b>its evaluation preprocessing</b> ({@link #preprocessing()}): crop fraction,
 *       interpolation, mean and standard deviation, used by the DJL {@code Criteria} translator.
 * </ul>
 *
 * <h2>Adding a family</h2>
 *
 * <ol>
 *   <li>Create the package with the blocks, the model (a {@link VisionModel} or a {@link
 *       SegmentationModel} built from {@link ModelOptions}) and the variant enum, including at
 *       least one tiny {@code test_*} variant.
 *   <li>Implement {@code ModelFamily} in the package (public, with a public no-argument
 *       constructor).
 *   <li>List the implementation in {@code
 *       META-INF/services/io.github.fastvision.models.ModelFamily} of the module that holds it.
 *   <li>Add the golden parameter-name file {@code src/test/resources/golden/test_*.txt} (the golden
 *       test writes the actual list to {@code target/golden-actual/} for review).
 * </ol>
 *
 * <p>Nothing else changes: the registry, the zoo table, the {@code Criteria} lookup, weight import
 * and the contract tests ({@code ZooContractTest}, {@code ModelRegistryTest}) pick the family up
 * from the service file. The test-only family {@code models.testfamily} (registered from {@code
 * src/test/resources}) proves it.
 */
public interface ModelFamily {

    /**
     * Returns the name printed in the zoo table's family column, e.g. "FasterNet".
     *
     * @return the display name
     */
    String displayName();

    /**
     * Returns the family's registry entries, in the order the zoo table lists them.
     *
     * @return the entries
     */
    List<ModelInfo> models();

    /**
     * Returns other spellings of the family's zoo names (lower case, underscores), e.g.
     * "convnext_t" for "convnext_tiny".
     *
     * @return alias to zoo name
     */
    default Map<String, String> aliases() {
        return Map.of();
    }

    /**
     * Returns the naming the family's released checkpoints use.
     *
     * @return the default source
     */
    default Source defaultSource() {
        return Source.OFFICIAL;
    }

    /**
     * Returns the name table for one of the family's variants and a checkpoint source.
     *
     * @param model one of this family's entries
     * @param source the checkpoint's naming
     * @return the table, or empty when the family has none for the combination
     */
    default Optional<NameMapping> checkpointNames(ModelInfo model, Source source) {
        return Optional.empty();
    }

    /**
     * Describes the family's tables for error messages, e.g. "official/timm (lite: official)".
     *
     * @return the summary, or "" when the family imports no checkpoints
     */
    default String checkpointSummary() {
        return "";
    }

    /**
     * Returns the family's evaluation preprocessing.
     *
     * @return the preprocessing
     */
    Preprocessing preprocessing();

    /**
     * Describes a model's prunable channels: one group per entry of its width table ({@link
     * ModelOptions#widths()}), in that order, with the parameters whose axes follow each group. A
     * model built with {@code options.withWidths(w)} has the same groups at widths {@code w}.
     *
     * @param model a model of this family, initialized
     * @return the groups, or empty when the family's architecture is not a width table
     */
    default Optional<List<ChannelGroup>> channelGroups(Backbone model) {
        return Optional.empty();
    }
}
