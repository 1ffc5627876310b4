/**
 * Model families composed from the core-ops blocks (FasterNet, ConvNeXt, ReXNet, ResNet and the
 * parameter-free ResNets/ViTs), the registry by name, DJL's model-zoo provider and PyTorch weight
 * import. The families arrive with the model-zoo issue; this module already builds against
 * core-ops so that downstream modules have a stable dependency graph.
 */
package io.github.fastvision.models;
