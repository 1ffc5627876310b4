/**
 * The zoo's contract types: {@link io.github.fastvision.models.Backbone} (what every zoo model is)
 * with its {@link io.github.fastvision.models.VisionModel} (classifier) and {@link
 * io.github.fastvision.models.SegmentationModel} (dense prediction) subtypes, the {@link
 * io.github.fastvision.models.ModelFamily} service interface that each family package implements
 * (see its Javadoc for the family contract), and the {@link
 * io.github.fastvision.models.ModelRegistry} filled from the families that {@link
 * java.util.ServiceLoader} discovers. This package depends on no family package; the families,
 * {@code heads}, {@code anytime}, {@code io} (weights files and checkpoint import) and {@code zoo}
 * (DJL's Criteria lookup) depend on it.
 */
package io.github.fastvision.models;
